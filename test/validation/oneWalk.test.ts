/**
 * In protobuf, `send` validates and encodes in one walk (`DatapointEncoder.encodeValid`), and
 * runs `validateDatapoints` only for the error. The two must agree on every input: what one
 * accepts the other accepts, with the same bytes as the encoding of the validated copies.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as fc from "fast-check"
import * as protobuf from "../../src/core/wire/protobuf.js"
import { decodeDatapoints } from "../../src/core/wire/protobufDecode.js"
import type * as Datapoint from "../../src/Datapoint.js"
import { validateDatapoints } from "../../src/internal/validated.js"
import * as arb from "../arbitraries.js"
import { decodedValue } from "../wire/decoded.js"

/** A valid datapoint with one field replaced by anything at all, or a dimension added. */
const spoiled: fc.Arbitrary<unknown> = fc.oneof(
  arb.datapoint,
  fc.tuple(arb.datapoint, fc.constantFrom("metric", "value", "timestamp", "dimensions"), fc.anything({ maxDepth: 2 }))
    .map(([point, field, replacement]) => ({ ...point, [field]: replacement })),
  fc.tuple(arb.datapoint, fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 1 }))
    .map(([point, key, value]) => ({ ...point, dimensions: { ...point.dimensions, [key]: value } })),
  fc.anything({ maxDepth: 2 })
)

const sendArgument: fc.Arbitrary<unknown> = fc.oneof(
  arb.datapoints,
  fc.record({ gauges: fc.array(spoiled, { maxLength: 4 }), counters: fc.array(arb.datapoint, { maxLength: 2 }) }, {
    requiredKeys: []
  }),
  fc.record({ gauges: fc.anything({ maxDepth: 2 }) }),
  fc.dictionary(fc.constantFrom("gauges", "counters", "gauge", "cumulative_counters", "x"), fc.array(spoiled), {
    maxKeys: 3
  }),
  fc.anything({ maxDepth: 2 })
)

/** Globals that leave room, and globals of 30 keys that crowd out datapoints with many dimensions. */
const globals: fc.Arbitrary<Datapoint.Dimensions> = fc.oneof(
  fc.constant({}),
  arb.globalDimensions,
  fc.constant(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`global${i}`, "g"])))
)

const decode = (bytes: Uint8Array) => decodedValue(decodeDatapoints(bytes))

describe("the one-walk send path", () => {
  it.prop("accepts exactly what validateDatapoints accepts, and encodes the validated copies' bytes", {
    input: sendArgument,
    globals
  }, ({ globals, input }) => {
    const encoder = new protobuf.DatapointEncoder()
    const encoded = encoder.encodeValid(input, globals)
    const validated = validateDatapoints(input, globals)
    expect(encoded === undefined).toBe(Either.isLeft(validated))
    if (encoded === undefined || Either.isLeft(validated)) return
    expect(encoded.length).toBe(validated.right.length)
    expect(encoded.bytes).toEqual(protobuf.encodeDatapoints(validated.right, globals))
  }, { fastCheck: { numRuns: 2000 } })

  it("takes a datapoint's own dimensions only, as validateDatapoints does: not inherited ones", () => {
    const dimensions: Record<string, string> = Object.create({ inherited: "not sent" })
    dimensions["host"] = "a"
    const input = { gauges: [{ metric: "m", value: 1, dimensions }] }
    const encoded = new protobuf.DatapointEncoder().encodeValid(input, {})
    expect(decode(encoded!.bytes)).toMatchObject([{ dimensions: { host: "a" } }])
    expect(decode(encoded!.bytes)[0]!.dimensions).not.toHaveProperty("inherited")
    expect(encoded!.bytes).toEqual(protobuf.encodeDatapoints(Either.getOrThrow(validateDatapoints(input))))
  })

  it.prop(
    "a dimensions object sent again, changed or not, under the same or other globals, encodes as a fresh copy would",
    {
      steps: fc.array(
        fc.record({
          object: fc.nat({ max: 2 }),
          change: fc.oneof(
            fc.constant({ kind: "none" as const }),
            fc.record({
              kind: fc.constant("set" as const),
              key: fc.constantFrom("host", "region", "env", "zone"),
              value: fc.constantFrom("a", "b", "c")
            }),
            fc.record({ kind: fc.constant("delete" as const), key: fc.constantFrom("host", "region", "env", "zone") })
          ),
          metric: fc.constantFrom("m1", "m2"),
          globals: fc.nat({ max: 2 })
        }),
        { minLength: 1, maxLength: 40 }
      )
    },
    ({ steps }) => {
      const objects: Array<Record<string, string>> = [{ host: "a", region: "b" }, { host: "a" }, {}]
      const globalsChoices: ReadonlyArray<Datapoint.Dimensions> = [{}, { env: "g" }, { env: "g", zone: "z" }]
      const encoder = new protobuf.DatapointEncoder()
      for (const { change, globals, metric, object } of steps) {
        const dimensions = objects[object]!
        if (change.kind === "set") dimensions[change.key] = change.value
        if (change.kind === "delete") delete dimensions[change.key]
        const input = { gauges: [{ metric, value: 1, dimensions }, { metric, value: 2, dimensions }] }
        const encoded = encoder.encodeValid(input, globalsChoices[globals]!)
        const fresh = protobuf.encodeDatapoints(
          Either.getOrThrow(validateDatapoints({
            gauges: [{ metric, value: 1, dimensions: { ...dimensions } }, {
              metric,
              value: 2,
              dimensions: { ...dimensions }
            }]
          })),
          globalsChoices[globals]!
        )
        expect(encoded!.bytes).toEqual(fresh)
      }
    },
    { fastCheck: { numRuns: 300 } }
  )

  it("keeps nothing of a send found invalid part way, and the next send is whole", () => {
    const encoder = new protobuf.DatapointEncoder()
    const first = encoder.encodeValid({ gauges: [{ metric: "a", value: 1 }] }, {})
    const invalid = encoder.encodeValid({
      gauges: [{ metric: "b", value: 2 }, { metric: "c", value: 3 }, { metric: "", value: 4 }]
    }, {})
    const next = encoder.encodeValid({ gauges: [{ metric: "d", value: 5 }] }, {})
    expect(invalid).toBeUndefined()
    expect(first).toBeDefined()
    expect(next).toBeDefined()
    // The next send's bytes follow the first's directly: the invalid send's two datapoints are gone.
    expect(next!.bytes.byteOffset).toBe(first!.bytes.byteOffset + first!.bytes.length)
    expect(decode(protobuf.joinDatapoints([{ items: first! }, { items: next! }])).map((point) => point.metric))
      .toEqual(["a", "d"])
  })

  it("drops what a send that threw part way wrote: the next send is whole", () => {
    const encoder = new protobuf.DatapointEncoder()
    const throwing = {
      metric: "m",
      get value(): number {
        throw new Error("a getter that throws")
      }
    }
    expect(() => encoder.encodeValid({ gauges: [{ metric: "written", value: 1 }, throwing] }, {})).toThrow(
      "a getter that throws"
    )
    const next = encoder.encodeValid({ gauges: [{ metric: "next", value: 2 }] }, {})
    expect(decode(next!.bytes).map((point) => point.metric)).toEqual(["next"])
  })

  it("reads each field once: a getter can't pass the check and then change what is encoded", () => {
    let reads = 0
    const point = {
      metric: "m",
      get value() {
        reads++
        return reads === 1 ? 1 : "not what was checked"
      }
    }
    const encoded = new protobuf.DatapointEncoder().encodeValid({ gauges: [point] }, {})
    expect(reads).toBe(1)
    expect(decode(encoded!.bytes)).toMatchObject([{ metric: "m", value: 1 }])
  })
})
