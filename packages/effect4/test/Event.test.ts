import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as arb from "../../../test/arbitraries.js"
import * as Event from "../src/Event.js"
import { ValidationError } from "../src/SignalFxError.js"
import { prop } from "./property.js"

const fastCheck = { numRuns: 300 }

const issuesOf = (result: Result.Result<unknown, ValidationError>): ReadonlyArray<string> => {
  if (Result.isSuccess(result)) throw new Error(`expected a ValidationError, got ${String(result.success)}`)
  return result.failure.issues.map((issue) => issue.toString())
}

const propertiesOf = (count: number): Record<string, number> =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, i]))

const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
    Object.freeze(value)
  }
  return value
}

describe("Event.validate", () => {
  it("fills in the category, copies dimensions and properties", () => {
    expect(Event.validate({ eventType: "deployments" })).toEqual(Result.succeed({
      eventType: "deployments",
      category: "USER_DEFINED",
      dimensions: {},
      properties: {},
      timestamp: undefined
    }))
    const full = {
      eventType: "deployments",
      category: "ALERT",
      dimensions: { host: "myhost", sf_hires: "1" },
      properties: { version: "2015.04.29-01", replicas: 3, ratio: 0.05, big: 2n ** 62n, canary: false },
      timestamp: 1_442_960_607_000
    } as const
    expect(Event.validate(full)).toEqual(Result.succeed(full))
  })

  it.each(Event.categories)("accepts the category %s", (category) => {
    expect(Result.getOrThrow(Event.validate({ eventType: "e", category })).category).toBe(category)
  })

  it("knows the eight categories", () => {
    expect([...Event.categories].sort()).toEqual([
      "AGENT",
      "ALERT",
      "AUDIT",
      "COLLECTD",
      "EXCEPTION",
      "JOB",
      "SERVICE_DISCOVERY",
      "USER_DEFINED"
    ])
  })

  it("rejects an unknown category, naming the valid ones", () => {
    expect(issuesOf(Event.validate({ eventType: "e", category: "user_defined" }))).toEqual([
      "category: the category must be one of USER_DEFINED, ALERT, AUDIT, JOB, COLLECTD, SERVICE_DISCOVERY, EXCEPTION, AGENT, got \"user_defined\""
    ])
    expect(issuesOf(Event.validate({ eventType: "e", category: 1000000 }))[0]).toMatch(/got the number 1000000$/)
    expect(issuesOf(Event.validate({ eventType: "e", category: null }))[0]).toMatch(/^category: .* got null$/)
  })

  it("requires an event type of 1 to 256 characters", () => {
    expect(issuesOf(Event.validate({}))).toEqual(["eventType: the event type must be a string, got undefined"])
    expect(issuesOf(Event.validate({ eventType: "" }))).toEqual(["eventType: the event type must not be empty"])
    expect(issuesOf(Event.validate({ eventType: "e".repeat(257) }))).toEqual([
      "eventType: the event type must be at most 256 characters"
    ])
    expect(Result.isSuccess(Event.validate({ eventType: arb.astralOfLength(256) }))).toBe(true)
  })

  it("rejects input that is not an event", () => {
    for (const input of [null, "deploy", 1, [{ eventType: "e" }]]) {
      expect(issuesOf(Event.validate(input))[0]).toMatch(/^an event must be an object with an eventType, got /)
    }
  })

  it("holds dimensions to the datapoint rules", () => {
    const dimensions = {
      "1host": "a",
      aws_region: "eu",
      ok: "",
      ...Object.fromEntries(Array.from({ length: 34 }, (_, i) => [`d${i}`, "v"]))
    }
    expect(issuesOf(Event.validate({ eventType: "e", dimensions }))).toEqual([
      "dimensions: at most 36 dimensions are allowed, got 37",
      "dimensions[\"1host\"]: a dimension key must start with a letter",
      "dimensions[\"aws_region\"]: a dimension key must not start with the reserved prefix 'aws_'",
      "dimensions[\"ok\"]: a dimension value must not be empty"
    ])
  })

  describe("properties", () => {
    it("may be strings, finite numbers, int64 bigints and booleans", () => {
      const properties = {
        s: "text",
        empty: "",
        i: -3,
        d: 0.05,
        max: arb.INT64_MAX,
        min: arb.INT64_MIN,
        t: true,
        f: false
      }
      expect(Result.getOrThrow(Event.validate({ eventType: "e", properties })).properties).toEqual(properties)
    })

    it("reject non-finite numbers, out-of-range bigints and other types", () => {
      expect(
        issuesOf(Event.validate({
          eventType: "e",
          properties: {
            ratio: Number.NaN,
            inf: Number.NEGATIVE_INFINITY,
            huge: arb.INT64_MAX + 1n,
            nothing: null,
            nested: { a: 1 },
            list: [1]
          }
        }))
      ).toEqual([
        "properties[\"ratio\"]: NaN is not a finite number",
        "properties[\"inf\"]: -Infinity is not a finite number",
        "properties[\"huge\"]: 9223372036854775808n is outside the int64 range",
        "properties[\"nothing\"]: a property value must be a string, a number, a bigint or a boolean, got null",
        "properties[\"nested\"]: a property value must be a string, a number, a bigint or a boolean, got an object",
        "properties[\"list\"]: a property value must be a string, a number, a bigint or a boolean, got an array"
      ])
    })

    it("have keys of 1 to 128 characters and string values of at most 256", () => {
      const ok = { ["k".repeat(128)]: "v".repeat(256), [arb.astralOfLength(128)]: arb.astralOfLength(256) }
      expect(Result.getOrThrow(Event.validate({ eventType: "e", properties: ok })).properties).toEqual(ok)
      expect(
        issuesOf(Event.validate({
          eventType: "e",
          properties: { "": 1, ["k".repeat(129)]: 1, long: "v".repeat(257) }
        }))
      ).toEqual([
        "properties[\"\"]: a property key must not be empty",
        `properties["${"k".repeat(129)}"]: a property key must be at most 128 characters`,
        "properties[\"long\"]: a string property must be at most 256 characters"
      ])
    })

    it("number at most 1024", () => {
      expect(
        Object.keys(Result.getOrThrow(Event.validate({ eventType: "e", properties: propertiesOf(1024) })).properties)
      )
        .toHaveLength(1024)
      expect(issuesOf(Event.validate({ eventType: "e", properties: propertiesOf(1025) }))).toEqual([
        "properties: at most 1024 properties are allowed, got 1025"
      ])
    })

    it("keep keys such as __proto__ as own entries", () => {
      const properties = JSON.parse("{\"__proto__\": 1, \"constructor\": \"c\"}") as Record<string, unknown>
      const validated = Result.getOrThrow(Event.validate({ eventType: "e", properties })).properties
      expect(Object.keys(validated)).toEqual(["__proto__", "constructor"])
      expect(Object.getOwnPropertyDescriptor(validated, "__proto__")?.value).toBe(1)
      expect(Object.getPrototypeOf(validated)).toBe(Object.prototype)
    })

    it("must come in an object", () => {
      expect(issuesOf(Event.validate({ eventType: "e", properties: ["a"] }))).toEqual([
        "properties: properties must be an object of string keys to values, got an array"
      ])
    })
  })

  it("holds timestamps to the datapoint rules, and says when one is in seconds", () => {
    expect(issuesOf(Event.validate({ eventType: "e", timestamp: 1_442_960_607 }))).toEqual([
      "timestamp: the timestamp 1442960607 looks like seconds; SignalFx timestamps are milliseconds since the epoch"
    ])
    expect(issuesOf(Event.validate({ eventType: "e", timestamp: -5 }))).toEqual([
      "timestamp: a timestamp must be a non-negative integer number of milliseconds, got -5"
    ])
  })

  it("lists every problem in one ValidationError", () => {
    const result = Event.validate({
      eventType: "",
      category: "NOPE",
      timestamp: 1.5,
      dimensions: { _x: "a" },
      properties: { ratio: Number.NaN }
    })
    expect(Result.isFailure(result)).toBe(true)
    const error = Result.flip(result).pipe(Result.getOrThrow)
    expect(error).toBeInstanceOf(ValidationError)
    expect(error._tag).toBe("ValidationError")
    expect(error.issues.map((issue) => issue.path)).toEqual([
      "eventType",
      "category",
      "timestamp",
      "dimensions[\"_x\"]",
      "properties[\"ratio\"]"
    ])
    expect(error.message.split("\n")).toEqual([
      "5 problems in the input:",
      ...error.issues.map((issue) => `  ${issue.toString()}`)
    ])
    expect(error.message).toContain("properties[\"ratio\"]: NaN is not a finite number")
  })
})

describe("Event.validateAll", () => {
  it("validates every event, with the index in the path", () => {
    expect(issuesOf(Event.validateAll([{ eventType: "ok" }, { eventType: "ok" }, { eventType: 3 }, "x"]))).toEqual([
      "[2].eventType: the event type must be a string, got the number 3",
      "[3]: an event must be an object with an eventType, got a string"
    ])
    expect(
      Result.getOrThrow(Event.validateAll([{ eventType: "a" }, { eventType: "b", category: "JOB" }])).map((e) => [
        e.eventType,
        e.category
      ])
    ).toEqual([["a", "USER_DEFINED"], ["b", "JOB"]])
    expect(Event.validateAll([])).toEqual(Result.succeed([]))
  })

  it("rejects input that is not an array", () => {
    expect(issuesOf(Event.validateAll({ eventType: "e" }))).toEqual(["expected an array of events, got an object"])
  })
})

describe("ownership of the caller's objects", () => {
  const makeEvent = () => ({
    eventType: "deployments",
    dimensions: { host: "a" },
    properties: { version: "1", replicas: 3 },
    timestamp: 1_700_000_000_000
  })

  it("validates deeply frozen input", () => {
    expect(Result.isSuccess(Event.validate(deepFreeze(makeEvent())))).toBe(true)
    expect(Result.isSuccess(Event.validateAll(deepFreeze([makeEvent(), makeEvent()])))).toBe(true)
  })

  it("does not mutate the input, and later changes to it do not reach the validated event", () => {
    const input = makeEvent()
    const before = structuredClone(input)
    const validated = Result.getOrThrow(Event.validate(input))
    expect(input).toEqual(before)
    expect(validated.dimensions).not.toBe(input.dimensions)
    expect(validated.properties).not.toBe(input.properties)
    const snapshot = structuredClone(validated)
    input.eventType = "changed"
    input.dimensions.host = "changed"
    input.properties.version = "changed"
    Object.assign(input.properties, { added: true })
    expect(validated).toEqual(snapshot)
  })

  prop("any valid event validates frozen, to its own content", { event: arb.event }, ({ event }) => {
    const frozen = deepFreeze(structuredClone(event))
    const validated = Result.getOrThrow(Event.validate(frozen))
    expect(validated).toEqual({
      eventType: event.eventType,
      category: event.category ?? "USER_DEFINED",
      dimensions: event.dimensions ?? {},
      properties: event.properties ?? {},
      timestamp: event.timestamp
    })
    expect(validated.dimensions).not.toBe(frozen.dimensions)
    expect(validated.properties).not.toBe(frozen.properties)
  }, { fastCheck })
})

describe("Event schemas", () => {
  const schemaAccepts = Schema.is(Event.EventSchema)
  const validatorAccepts = (item: unknown) => Result.isSuccess(Event.validate(item))

  it("EventSchema decodes a valid event and rejects invalid ones", () => {
    const decode = Schema.decodeUnknownResult(Event.EventSchema)
    expect(decode({ eventType: "e", category: "ALERT", properties: { n: 1n } })).toEqual(
      Result.succeed({ eventType: "e", category: "ALERT", properties: { n: 1n } })
    )
    expect(Result.isFailure(decode({ eventType: "e", properties: { "": 1 } }))).toBe(true)
    expect(Result.isFailure(decode({ eventType: "e", properties: propertiesOf(1025) }))).toBe(true)
    expect(Result.isFailure(decode({ eventType: "e", dimensions: { sf_metric: "x" } }))).toBe(true)
  })

  prop(
    "EventSchema accepts exactly what the fast validator accepts",
    { item: fc.oneof(arb.event, arb.invalidEvent) },
    ({ item }) => {
      expect(schemaAccepts(item)).toBe(validatorAccepts(item))
    },
    { fastCheck: { numRuns: 500 } }
  )

  prop("every generated valid event is accepted", { item: arb.event }, ({ item }) => {
    expect(validatorAccepts(item)).toBe(true)
    expect(schemaAccepts(item)).toBe(true)
  }, { fastCheck })

  prop("every generated invalid event is rejected", { item: arb.invalidEvent }, ({ item }) => {
    expect(validatorAccepts(item)).toBe(false)
    expect(schemaAccepts(item)).toBe(false)
  }, { fastCheck })

  prop(
    "they agree on arbitrary junk in every field",
    {
      item: fc.record({
        eventType: fc.oneof(arb.eventType, fc.anything()),
        category: fc.oneof(arb.category, fc.anything()),
        timestamp: fc.oneof(arb.timestamp, fc.anything()),
        dimensions: fc.oneof(arb.dimensions, fc.anything()),
        properties: fc.oneof(arb.properties, fc.dictionary(fc.string(), fc.anything(), { maxKeys: 4 }), fc.anything())
      }, { requiredKeys: [] })
    },
    ({ item }) => {
      expect(schemaAccepts(item)).toBe(validatorAccepts(item))
    },
    { fastCheck }
  )
})
