/**
 * Both codecs, both directions, over generated input: whatever validates is encoded into a body
 * that decodes to the same datapoints and events, under the wire's number rule (the official
 * Node.js client's): an integral number is an `intValue`, any other number a `doubleValue`, a
 * bigint an exact `intValue`, a string a `strValue`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as fc from "fast-check"
import * as json from "../../src/core/wire/json.js"
import * as protobuf from "../../src/core/wire/protobuf.js"
import * as protobufDecode from "../../src/core/wire/protobufDecode.js"
import { encodeEvents } from "../../src/core/wire/protobufEvents.js"
import type { DecodedDatapoint, DecodedEvent, DecodedProperty } from "../../src/core/wire/records.js"
import type * as Datapoint from "../../src/Datapoint.js"
import * as DatapointModule from "../../src/Datapoint.js"
import type * as Event from "../../src/Event.js"
import * as EventModule from "../../src/Event.js"
import * as arb from "../arbitraries.js"
import { decodedError, decodedValue } from "./decoded.js"

const fastCheck = { numRuns: 300 }

type Encoding = "protobuf" | "json"

// ---------------------------------------------------------------------------------------------
// the model: what a value must decode to
// ---------------------------------------------------------------------------------------------

/** An int64 as decoders return it: a number when safe, a bigint otherwise. */
const int64Decoded = (value: bigint): number | bigint =>
  value >= -(2n ** 53n) + 1n && value <= 2n ** 53n - 1n ? Number(value) : value

const isIntegral = (value: number): boolean => Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63

/** The protobuf wire keeps every distinction: int64 exactly, doubles bit for bit. */
const protobufValue = (value: Event.PropertyValue): DecodedProperty => {
  switch (typeof value) {
    case "string":
      return { valueType: "string", value }
    case "boolean":
      return { valueType: "bool", value }
    case "bigint":
      return { valueType: "int", value: int64Decoded(value) }
    case "number":
      // -0 is integral: it goes out as the intValue 0
      return isIntegral(value)
        ? { valueType: "int", value: int64Decoded(BigInt(value)) }
        : { valueType: "double", value }
  }
}

/**
 * JSON carries what protobuf does: an integral number within int64 is written as its exact
 * integer and comes back an int, any other number is written as a double (with an exponent when
 * integral) and comes back a double; a bigint comes back exactly.
 */
const jsonValue = (value: Event.PropertyValue): DecodedProperty => protobufValue(value)

const expectedValue = (encoding: Encoding, value: Event.PropertyValue, decoded: DecodedProperty | undefined) =>
  encoding === "protobuf" || decoded === undefined ? protobufValue(value) : jsonValue(value)

/** Global dimensions first, the item's own on top: its own value wins. */
const merged = (own: Datapoint.Dimensions, globals: Datapoint.Dimensions | undefined): Datapoint.Dimensions => ({
  ...globals,
  ...own
})

/** A timestamp of 0 means "none" on the wire (the Go client sends it so). */
const timestampOf = (timestamp: number | undefined): { readonly timestamp?: number } =>
  timestamp === undefined || timestamp === 0 ? {} : { timestamp }

const expectedDatapoint = (
  encoding: Encoding,
  point: Datapoint.Validated,
  globals: Datapoint.Dimensions | undefined,
  decoded: DecodedDatapoint | undefined
): DecodedDatapoint => ({
  metric: point.metric,
  type: point.type,
  ...(expectedValue(encoding, point.value, decoded) as Pick<DecodedDatapoint, "value" | "valueType">),
  ...timestampOf(point.timestamp),
  dimensions: merged(point.dimensions, globals)
})

const expectedEvent = (
  encoding: Encoding,
  event: Event.Validated,
  globals: Datapoint.Dimensions | undefined,
  decoded: DecodedEvent | undefined
): DecodedEvent => {
  const properties: Record<string, DecodedProperty> = {}
  for (const key of Object.keys(event.properties)) {
    const value = expectedValue(encoding, event.properties[key]!, decoded?.properties[key])
    Object.defineProperty(properties, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return {
    eventType: event.eventType,
    category: event.category,
    ...timestampOf(event.timestamp),
    dimensions: merged(event.dimensions, globals),
    properties
  }
}

const typeOrder: Readonly<Record<Datapoint.MetricType, number>> = { gauge: 0, counter: 1, cumulative_counter: 2 }

/** The JSON body groups datapoints by type, keeping their order within a type. */
const jsonOrder = (points: ReadonlyArray<Datapoint.Validated>): ReadonlyArray<Datapoint.Validated> =>
  points.map((point, index) => ({ point, index }))
    .sort((a, b) => typeOrder[a.point.type] - typeOrder[b.point.type] || a.index - b.index)
    .map(({ point }) => point)

// ---------------------------------------------------------------------------------------------
// codecs under one signature
// ---------------------------------------------------------------------------------------------

const codecs = {
  protobuf: {
    datapoints: (points: ReadonlyArray<Datapoint.Validated>, globals?: Datapoint.Dimensions) =>
      protobufDecode.decodeDatapoints(protobuf.encodeDatapoints(points, globals)),
    events: (events: ReadonlyArray<Event.Validated>, globals?: Datapoint.Dimensions) =>
      protobufDecode.decodeEvents(encodeEvents(events, globals))
  },
  json: {
    datapoints: (points: ReadonlyArray<Datapoint.Validated>, globals?: Datapoint.Dimensions) =>
      json.decodeDatapoints(json.encodeDatapoints(points, globals)),
    events: (events: ReadonlyArray<Event.Validated>, globals?: Datapoint.Dimensions) =>
      json.decodeEvents(json.encodeEvents(events, globals))
  }
} as const

const roundtripDatapoints = (
  encoding: Encoding,
  points: ReadonlyArray<Datapoint.Validated>,
  globals: Datapoint.Dimensions | undefined
): void => {
  const decoded = decodedValue(codecs[encoding].datapoints(points, globals))
  const ordered = encoding === "json" ? jsonOrder(points) : points
  expect(decoded).toHaveLength(points.length)
  expect(decoded).toEqual(ordered.map((point, i) => expectedDatapoint(encoding, point, globals, decoded[i])))
}

const roundtripEvents = (
  encoding: Encoding,
  events: ReadonlyArray<Event.Validated>,
  globals: Datapoint.Dimensions | undefined
): void => {
  const decoded = decodedValue(codecs[encoding].events(events, globals))
  expect(decoded).toHaveLength(events.length)
  expect(decoded).toEqual(events.map((event, i) => expectedEvent(encoding, event, globals, decoded[i])))
}

const validDatapoints = (input: Datapoint.Datapoints) => Either.getOrThrow(DatapointModule.validate(input))
const validEvent = (input: Event.Event) => Either.getOrThrow(EventModule.validate(input))

const one = (value: Datapoint.Value) => validDatapoints({ gauges: [{ metric: "m", value }] })
const roundTripValue = (encoding: Encoding, value: Datapoint.Value) => {
  const [decoded] = decodedValue(codecs[encoding].datapoints(one(value)))
  return { valueType: decoded!.valueType, value: decoded!.value }
}

// ---------------------------------------------------------------------------------------------

describe("the number rule", () => {
  it.each(
    [
      [532, "int", 532],
      [-17, "int", -17],
      [0, "int", 0],
      [-0, "int", 0],
      [Number.MAX_SAFE_INTEGER, "int", Number.MAX_SAFE_INTEGER],
      [2 ** 53, "int", 2n ** 53n],
      [2 ** 62, "int", 2n ** 62n],
      [-(2 ** 63), "int", -(2n ** 63n)],
      [12.75, "double", 12.75],
      [-0.25, "double", -0.25],
      [1.5e-300, "double", 1.5e-300],
      [Number.MIN_VALUE, "double", Number.MIN_VALUE],
      // integral, but beyond int64: only a double can carry it
      [2 ** 63, "double", 2 ** 63],
      [1e300, "double", 1e300],
      [-Number.MAX_VALUE, "double", -Number.MAX_VALUE],
      [arb.INT64_MAX, "int", arb.INT64_MAX],
      [arb.INT64_MIN, "int", arb.INT64_MIN],
      [2n ** 53n + 1n, "int", 2n ** 53n + 1n],
      [7n, "int", 7],
      ["12", "string", "12"],
      ["", "string", ""]
    ] as const
  )("protobuf: %s goes out as %s", (value, valueType, decoded) => {
    expect(roundTripValue("protobuf", value)).toEqual({ valueType, value: decoded })
  })

  it("applies to event properties too, with booleans as boolValue", () => {
    const event = validEvent({
      eventType: "e",
      properties: { i: 3, d: 0.05, b: 2n ** 60n, s: "x", t: true, f: false, neg: -(2 ** 40) }
    })
    const [decoded] = decodedValue(codecs.protobuf.events([event]))
    expect(decoded!.properties).toEqual({
      i: { valueType: "int", value: 3 },
      d: { valueType: "double", value: 0.05 },
      b: { valueType: "int", value: 2n ** 60n },
      s: { valueType: "string", value: "x" },
      t: { valueType: "bool", value: true },
      f: { valueType: "bool", value: false },
      neg: { valueType: "int", value: -(2 ** 40) }
    })
  })

  it("JSON: numbers are written in their shortest form, bigints as exact integer literals", () => {
    const body = json.encodeDatapoints(
      validDatapoints({
        gauges: [
          { metric: "a", value: arb.INT64_MAX },
          { metric: "b", value: arb.INT64_MIN },
          { metric: "c", value: 12.75 },
          { metric: "d", value: -0 },
          { metric: "e", value: "9223372036854775807" }
        ]
      })
    )
    expect(body).toBe(
      "{\"gauge\":[" +
        "{\"metric\":\"a\",\"value\":9223372036854775807,\"dimensions\":{}}," +
        "{\"metric\":\"b\",\"value\":-9223372036854775808,\"dimensions\":{}}," +
        "{\"metric\":\"c\",\"value\":12.75,\"dimensions\":{}}," +
        "{\"metric\":\"d\",\"value\":0,\"dimensions\":{}}," +
        "{\"metric\":\"e\",\"value\":\"9223372036854775807\",\"dimensions\":{}}" +
        "]}"
    )
    expect(roundTripValue("json", arb.INT64_MAX)).toEqual({ valueType: "int", value: arb.INT64_MAX })
    expect(roundTripValue("json", arb.INT64_MIN)).toEqual({ valueType: "int", value: arb.INT64_MIN })
    expect(roundTripValue("json", "9223372036854775807")).toEqual({ valueType: "string", value: "9223372036854775807" })
    const events = json.encodeEvents([validEvent({ eventType: "e", properties: { n: -(2n ** 63n), t: true } })])
    expect(events).toContain("\"properties\":{\"n\":-9223372036854775808,\"t\":true}")
    expect(() => JSON.parse(body)).not.toThrow()
    expect(() => JSON.parse(events)).not.toThrow()
  })

  it("JSON: the body is the documented shape, with the singular type keys and the category name", () => {
    const body = json.encodeDatapoints(
      validDatapoints({
        cumulativeCounters: [{ metric: "cc", value: 1 }],
        gauges: [{ metric: "g", value: 1, timestamp: 1_700_000_000_000, dimensions: { host: "a" } }],
        counters: [{ metric: "c", value: 1 }]
      })
    )
    const parsed = JSON.parse(body) as Record<string, ReadonlyArray<unknown>>
    expect(Object.keys(parsed)).toEqual(["gauge", "counter", "cumulative_counter"])
    expect(parsed.gauge).toEqual([{ metric: "g", value: 1, timestamp: 1_700_000_000_000, dimensions: { host: "a" } }])
    expect(JSON.parse(json.encodeDatapoints([]))).toEqual({})
    expect(JSON.parse(json.encodeEvents([validEvent({ eventType: "e", category: "ALERT" })]))).toEqual([
      { eventType: "e", category: "ALERT", dimensions: {}, properties: {} }
    ])
  })
})

describe("global dimensions", () => {
  const points = validDatapoints({ gauges: [{ metric: "m", value: 1, dimensions: { host: "own", app: "x" } }] })
  const globals = { host: "global", region: "eu" }

  it.each(["protobuf", "json"] as const)("%s: are added to every datapoint, the item's own value winning", (e) => {
    const [decoded] = decodedValue(codecs[e].datapoints(points, globals))
    expect(decoded!.dimensions).toEqual({ host: "own", app: "x", region: "eu" })
    // the validated datapoint itself is left alone
    expect(points[0]!.dimensions).toEqual({ host: "own", app: "x" })
  })

  it.each(["protobuf", "json"] as const)("%s: are added to every event, the item's own value winning", (e) => {
    const event = validEvent({ eventType: "e", dimensions: { host: "own" } })
    const [decoded] = decodedValue(codecs[e].events([event], globals))
    expect(decoded!.dimensions).toEqual({ host: "own", region: "eu" })
  })

  it("protobuf: a key the item sets is written once", () => {
    const bytes = protobuf.encodeDatapoints(points, globals)
    const text = Buffer.from(bytes).toString("latin1")
    expect(text.split("host").length - 1).toBe(1)
  })
})

describe("the field cache", () => {
  it("protobuf: encodes exactly while the cache fills up and starts over, within a body and across bodies", () => {
    // ~30 bytes per distinct dimension field: 3 × 12,000 fields are several times the cache's arena.
    const points = (from: number) =>
      validDatapoints({
        gauges: Array.from({ length: 12_000 }, (_, i) => ({
          metric: `cache.metric.${(from + i) % 97}`,
          value: from + i,
          dimensions: { instance: `instance-${from + i}`, zone: `zone-${(from + i) % 5}`, label: `ü-${from + i}` }
        }))
      })
    for (const from of [0, 12_000, 0]) roundtripDatapoints("protobuf", points(from), { region: "eu" })
  })
})

describe("round trips of generated input", () => {
  const withAndWithoutGlobals = fc.option(arb.globalDimensions, { nil: undefined })

  for (const encoding of ["protobuf", "json"] as const) {
    describe(encoding, () => {
      it.prop(
        "datapoints decode to what was validated",
        { points: arb.validatedDatapoints, globals: withAndWithoutGlobals },
        ({ globals, points }) => roundtripDatapoints(encoding, points, globals),
        { fastCheck }
      )

      it.prop(
        "a send argument validates and round-trips, both spellings of cumulative counters included",
        { input: arb.datapoints, globals: withAndWithoutGlobals },
        ({ globals, input }) => {
          const points = validDatapoints(input)
          const count = (input.gauges?.length ?? 0) + (input.counters?.length ?? 0) +
            (input.cumulativeCounters?.length ?? 0) + (input.cumulative_counters?.length ?? 0)
          expect(points).toHaveLength(count)
          roundtripDatapoints(encoding, points, globals)
        },
        { fastCheck }
      )

      it.prop(
        "events decode to what was validated",
        { events: arb.validatedEvents, globals: withAndWithoutGlobals },
        ({ events, globals }) => roundtripEvents(encoding, events, globals),
        { fastCheck }
      )

      it.prop(
        "values at the edges: int64 limits, unsafe integers, doubles, astral strings",
        { value: fc.oneof(arb.int64, arb.finiteNumber, arb.astralString({ maxLength: 4 })) },
        ({ value }) => roundtripDatapoints(encoding, one(value), undefined),
        { fastCheck }
      )

      it.prop(
        "36 dimensions of full-Unicode values",
        {
          dimensions: fc.uniqueArray(fc.tuple(arb.dimensionKey, arb.dimensionValue), {
            minLength: 36,
            maxLength: 36,
            selector: ([key]) => key
          })
        },
        ({ dimensions }) => {
          const points = validDatapoints({
            gauges: [{ metric: "m", value: 1, dimensions: Object.fromEntries(dimensions) }]
          })
          roundtripDatapoints(encoding, points, undefined)
        },
        { fastCheck: { numRuns: 100 } }
      )
    })
  }

  const decodeAll = (bytes: Uint8Array) => decodedValue(protobufDecode.decodeDatapoints(bytes))

  it.prop(
    "protobuf: sends encoded one after another, each with its own globals, join and cut like the datapoints",
    {
      sends: fc.array(
        fc.record({ items: arb.validatedDatapoints, globals: withAndWithoutGlobals }),
        { maxLength: 6 }
      ),
      cut: fc.nat()
    },
    ({ cut, sends }) => {
      const encoder = new protobuf.DatapointEncoder()
      const encoded = sends.map(({ globals, items }) => ({ items: encoder.encode(items, globals ?? {}) }))
      const each = sends.flatMap(({ globals, items }) => decodeAll(protobuf.encodeDatapoints(items, globals)))
      expect(decodeAll(protobuf.joinDatapoints(encoded))).toEqual(each)
      // Cut every send in two, as a batch's boundary or a split after a 413 does.
      const halves = encoded.flatMap(({ items }) => {
        const at = cut % (items.length + 1)
        return [{ items: items.slice(0, at) }, { items: items.slice(at) }]
      })
      expect(halves.map(({ items }) => items.length)).toEqual(
        sends.flatMap(({ items }) => [cut % (items.length + 1), items.length - cut % (items.length + 1)])
      )
      expect(decodeAll(protobuf.joinDatapoints(halves))).toEqual(each)
    },
    { fastCheck: { numRuns: 100 } }
  )

  it("protobuf: a send's bytes stay as they were while later sends fill new buffers", () => {
    const encoder = new protobuf.DatapointEncoder()
    const sends = Array.from({ length: 400 }, (_, s) =>
      validDatapoints({
        gauges: Array.from({ length: 10 }, (_, i) => ({
          metric: `metric.${s}.${i}.${"x".repeat(s % 50)}`,
          value: s * 10 + i,
          dimensions: { host: `host-${s}`, label: `välue-${i}` }
        }))
      }))
    // 400 sends of ~1 KiB: several buffers, and sends that straddle two.
    const encoded = sends.map((items) => encoder.encode(items, { region: "eu" }))
    expect(encoded.reduce((total, { bytes }) => total + bytes.length, 0)).toBeGreaterThan(4 * 64 * 1024)
    encoded.forEach((items, s) => {
      expect(items.length).toBe(10)
      expect(decodeAll(items.bytes)).toEqual(decodeAll(protobuf.encodeDatapoints(sends[s]!, { region: "eu" })))
    })
  })
})

describe("decoders reject what the service would answer 400 to", () => {
  it("protobuf: bytes that are not a message", () => {
    const result = protobufDecode.decodeDatapoints(new Uint8Array([0x0a, 0xff, 0xff, 0xff]))
    expect(decodedError(result)._tag).toBe("WireDecodeError")
    expect(protobufDecode.decodeEvents(new Uint8Array([0x0a, 0x05, 0x01])).ok).toBe(false)
  })

  it("protobuf: a datapoint without a metric or value, an event without an eventType", () => {
    // DataPointUploadMessage { datapoints: [ { timestamp: 1 } ] }
    expect(protobufDecode.decodeDatapoints(new Uint8Array([0x0a, 0x02, 0x18, 0x01])).ok).toBe(false)
    // DataPointUploadMessage { datapoints: [ { metric: "m" } ] }: no value
    expect(protobufDecode.decodeDatapoints(new Uint8Array([0x0a, 0x03, 0x12, 0x01, 0x6d])).ok).toBe(false)
    // EventUploadMessage { events: [ { category: 1000000 } ] }
    expect(protobufDecode.decodeEvents(new Uint8Array([0x0a, 0x04, 0x20, 0xc0, 0x84, 0x3d])).ok).toBe(false)
  })

  it("protobuf: an empty body is an empty message", () => {
    expect(protobufDecode.decodeDatapoints(new Uint8Array())).toEqual({ ok: true, value: [] })
    expect(protobufDecode.decodeEvents(new Uint8Array())).toEqual({ ok: true, value: [] })
  })

  it.each([
    ["not JSON", "gauge"],
    ["not an object", "[]"],
    ["an unknown type key", "{\"gauges\":[{\"metric\":\"m\",\"value\":1}]}"],
    ["a list that is not an array", "{\"gauge\":{}}"],
    ["no metric", "{\"gauge\":[{\"value\":1}]}"],
    ["an empty metric", "{\"gauge\":[{\"metric\":\"\",\"value\":1}]}"],
    ["a boolean value", "{\"gauge\":[{\"metric\":\"m\",\"value\":true}]}"],
    ["a fractional timestamp", "{\"gauge\":[{\"metric\":\"m\",\"value\":1,\"timestamp\":1.5}]}"],
    ["a dimension that is not a string", "{\"gauge\":[{\"metric\":\"m\",\"value\":1,\"dimensions\":{\"a\":1}}]}"],
    ["trailing garbage", "{\"gauge\":[]} x"]
  ])("JSON datapoints: %s", (_what, body) => {
    const result = json.decodeDatapoints(body)
    expect(decodedError(result)._tag).toBe("WireDecodeError")
  })

  it.each([
    ["not an array", "{\"eventType\":\"e\"}"],
    ["no eventType", "[{}]"],
    ["an unknown category", "[{\"eventType\":\"e\",\"category\":\"NOPE\"}]"],
    ["a property that is an object", "[{\"eventType\":\"e\",\"properties\":{\"a\":{}}}]"]
  ])("JSON events: %s", (_what, body) => {
    expect(json.decodeEvents(body).ok).toBe(false)
  })

  it("a timestamp of 0 means none, in both encodings", () => {
    expect(decodedValue(json.decodeDatapoints("{\"gauge\":[{\"metric\":\"m\",\"value\":1,\"timestamp\":0}]}")))
      .toEqual([{ metric: "m", type: "gauge", value: 1, valueType: "int", dimensions: {} }])
    const points = validDatapoints({ gauges: [{ metric: "m", value: 1, timestamp: 0 }] })
    expect(decodedValue(codecs.protobuf.datapoints(points))[0]).not.toHaveProperty("timestamp")
  })
})
