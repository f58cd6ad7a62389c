/**
 * The interop vectors of test/fixtures/interop (see its README): bytes the official Node.js
 * client put on the wire, with their records decoded independently. Every vector in the directory
 * is picked up: the decoders must read each body into its expected records, and the encoders must
 * write, from each input, a body that reads back into the same records.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as json from "../../src/core/wire/json.js"
import type { JsonValue } from "../../src/core/wire/jsonParse.js"
import { parseJson } from "../../src/core/wire/jsonParse.js"
import * as protobuf from "../../src/core/wire/protobuf.js"
import * as protobufDecode from "../../src/core/wire/protobufDecode.js"
import { encodeEvents } from "../../src/core/wire/protobufEvents.js"
import type { DecodedDatapoint, DecodedEvent, DecodedProperty } from "../../src/core/wire/records.js"
import * as Datapoint from "../../src/Datapoint.js"
import * as Event from "../../src/Event.js"
import { decodedValue } from "./decoded.js"

const directory = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "interop")
const files = fs.readdirSync(directory).sort()

const read = (file: string): Buffer => fs.readFileSync(path.join(directory, file))

/** Parses with our own parser, so that an int64 beyond 2^53 in a vector stays exact. */
const parse = (text: string): JsonValue => decodedValue(parseJson(text))

const expectedRecords = (file: string): ReadonlyArray<JsonValue> =>
  read(`${file}.expected.jsonl`).toString("utf8").split("\n").filter((line) => line.trim() !== "").map(parse)

type Kind = "datapoint" | "event"

const kindOf = (name: string): Kind => {
  const input = `${name}.input.json`
  if (files.includes(input)) {
    const kind = (parse(read(input).toString("utf8")) as { readonly kind: JsonValue }).kind
    if (kind === "datapoint" || kind === "event") return kind
    throw new Error(`${input}: unknown kind ${String(kind)}`)
  }
  return name.startsWith("ev-") ? "event" : "datapoint"
}

// ---------------------------------------------------------------------------------------------
// our records in the canonical shape of the README
// ---------------------------------------------------------------------------------------------

type Encoding = "protobuf" | "json"

const sortedRecord = <A>(record: Readonly<Record<string, A>>): Record<string, A> => {
  const sorted: Record<string, A> = {}
  for (const key of Object.keys(record).sort()) {
    Object.defineProperty(sorted, key, { value: record[key], enumerable: true, writable: true, configurable: true })
  }
  return sorted
}

const canonicalValue = (property: DecodedProperty, encoding: Encoding): Record<string, JsonValue> => {
  if (encoding === "json") return { json: property.value }
  switch (property.valueType) {
    case "int":
      return { int: property.value }
    case "double":
      return { double: property.value }
    case "string":
      return { str: property.value }
    case "bool":
      return { bool: property.value }
  }
}

const canonicalDatapoint = (datapoint: DecodedDatapoint, encoding: Encoding): Record<string, JsonValue> => ({
  kind: datapoint.type,
  metric: datapoint.metric,
  value: canonicalValue(datapoint, encoding),
  timestamp: datapoint.timestamp ?? null,
  dimensions: sortedRecord(datapoint.dimensions),
  ...(encoding === "protobuf" ? { dimension_count: Object.keys(datapoint.dimensions).length } : {})
})

const canonicalEvent = (event: DecodedEvent, encoding: Encoding): Record<string, JsonValue> => {
  const properties: Record<string, JsonValue> = {}
  for (const key of Object.keys(event.properties).sort()) {
    Object.defineProperty(properties, key, {
      value: canonicalValue(event.properties[key]!, encoding),
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return {
    eventType: event.eventType,
    category: event.category,
    timestamp: event.timestamp ?? null,
    dimensions: sortedRecord(event.dimensions),
    properties
  }
}

const decodeBody = (kind: Kind, encoding: Encoding, body: Uint8Array | string): ReadonlyArray<JsonValue> => {
  const text = () => typeof body === "string" ? body : Buffer.from(body).toString("utf8")
  const bytes = () => typeof body === "string" ? Buffer.from(body, "utf8") : body
  if (kind === "datapoint") {
    const decoded = encoding === "protobuf" ? protobufDecode.decodeDatapoints(bytes()) : json.decodeDatapoints(text())
    return decodedValue(decoded).map((datapoint) => canonicalDatapoint(datapoint, encoding))
  }
  const decoded = encoding === "protobuf" ? protobufDecode.decodeEvents(bytes()) : json.decodeEvents(text())
  return decodedValue(decoded).map((event) => canonicalEvent(event, encoding))
}

/** JSON with sorted keys, bigints written as `123n` so they can't pass for numbers. */
const stableStringify = (value: JsonValue): string => {
  if (typeof value === "bigint") return `${value}n`
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`
  if (typeof value === "object" && value !== null) {
    const record = value as { readonly [key: string]: JsonValue }
    return `{${Object.keys(record).sort().map((key) => `${JSON.stringify(key)}:${stableStringify(record[key]!)}`)}}`
  }
  return JSON.stringify(value)
}

/** A multiset of records: their stable JSON, sorted. */
const asMultiset = (records: ReadonlyArray<JsonValue>): ReadonlyArray<string> => records.map(stableStringify).sort()

// ---------------------------------------------------------------------------------------------

const decodable = files.flatMap((file): ReadonlyArray<readonly [string, Encoding, string]> => {
  if (file.endsWith(".pb")) return [[file, "protobuf", file.slice(0, -".pb".length)]]
  if (file.endsWith(".body.json")) return [[file, "json", file.slice(0, -".body.json".length)]]
  return []
})

const inputs = files.filter((file) => file.endsWith(".input.json")).map((file) => file.slice(0, -".input.json".length))

describe("interop vectors", () => {
  it("are all there: each input has both bodies, and each body its expected records", () => {
    expect(inputs.length).toBeGreaterThanOrEqual(5)
    expect(decodable.length).toBe(inputs.length * 2)
    for (const name of inputs) {
      expect(files).toContain(`${name}.pb`)
      expect(files).toContain(`${name}.body.json`)
    }
    for (const [file] of decodable) expect(files).toContain(`${file}.expected.jsonl`)
  })

  describe("decoding the official client's bodies", () => {
    it.each(decodable)("%s (%s) reads into its expected records, in wire order", (file, encoding, name) => {
      const kind = kindOf(name)
      const body = encoding === "protobuf" ? new Uint8Array(read(file)) : read(file).toString("utf8")
      const expected = expectedRecords(file)
      expect(expected.length).toBeGreaterThan(0)
      expect(decodeBody(kind, encoding, body)).toEqual(expected)
    })
  })

  describe("encoding each input", () => {
    const validated = (name: string) => {
      const { input, kind } = parse(read(`${name}.input.json`).toString("utf8")) as {
        readonly kind: Kind
        readonly input: JsonValue
      }
      if (kind === "datapoint") return { kind, datapoints: Either.getOrThrow(Datapoint.validate(input)) } as const
      const events = Array.isArray(input) ? Event.validateAll(input) : Either.map(Event.validate(input), (e) => [e])
      return { kind, events: Either.getOrThrow(events) } as const
    }

    it.each(inputs)("%s: our protobuf body reads into the records of the official one", (name) => {
      const item = validated(name)
      const body = item.kind === "datapoint"
        ? protobuf.encodeDatapoints(item.datapoints)
        : encodeEvents(item.events)
      expect(asMultiset(decodeBody(item.kind, "protobuf", body))).toEqual(asMultiset(expectedRecords(`${name}.pb`)))
    })

    it.each(inputs)("%s: our JSON body reads into the records of the official one", (name) => {
      const item = validated(name)
      const body = item.kind === "datapoint" ? json.encodeDatapoints(item.datapoints) : json.encodeEvents(item.events)
      // valid JSON for any parser, not just ours
      expect(() => JSON.parse(body)).not.toThrow()
      expect(asMultiset(decodeBody(item.kind, "json", body))).toEqual(
        asMultiset(expectedRecords(`${name}.body.json`))
      )
    })

    it.each(inputs)("%s: our protobuf body decodes like the official bytes, datapoint for datapoint", (name) => {
      const item = validated(name)
      const ours = item.kind === "datapoint"
        ? protobuf.encodeDatapoints(item.datapoints)
        : encodeEvents(item.events)
      const theirs = new Uint8Array(read(`${name}.pb`))
      expect(asMultiset(decodeBody(item.kind, "protobuf", ours))).toEqual(
        asMultiset(decodeBody(item.kind, "protobuf", theirs))
      )
    })
  })
})
