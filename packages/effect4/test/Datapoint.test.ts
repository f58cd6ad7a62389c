import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as arb from "../../../test/arbitraries.js"
import * as Datapoint from "../src/Datapoint.js"
import { ValidationError, ValidationIssue } from "../src/SignalFxError.js"
import { prop } from "./property.js"
import { effect } from "./support.js"

const fastCheck = { numRuns: 300 }

/** The issues of a failed validation, as `path: message` lines; fails the test on success. */
const issuesOf = (result: Result.Result<unknown, ValidationError>): ReadonlyArray<string> => {
  if (Result.isSuccess(result)) throw new Error(`expected a ValidationError, got ${String(result.success)}`)
  return result.failure.issues.map((issue) => issue.toString())
}

const validGauge = (point: Record<string, unknown>) => Datapoint.validate({ gauges: [point] })

const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
    Object.freeze(value)
  }
  return value
}

describe("Datapoint.validate", () => {
  it("types each list and keeps the order: gauges, counters, cumulative counters", () => {
    const result = Datapoint.validate({
      gauges: [{ metric: "g", value: 1, timestamp: 1_700_000_000_000, dimensions: { host: "a" } }],
      counters: [{ metric: "c", value: 2n }],
      cumulativeCounters: [{ metric: "cc", value: "text" }]
    })
    expect(result).toEqual(Result.succeed([
      { type: "gauge", metric: "g", value: 1, timestamp: 1_700_000_000_000, dimensions: { host: "a" } },
      { type: "counter", metric: "c", value: 2n, timestamp: undefined, dimensions: {} },
      { type: "cumulative_counter", metric: "cc", value: "text", timestamp: undefined, dimensions: {} }
    ]))
  })

  it("accepts cumulative_counters beside cumulativeCounters, and keeps both", () => {
    const result = Datapoint.validate({
      cumulativeCounters: [{ metric: "a", value: 1 }],
      cumulative_counters: [{ metric: "b", value: 2 }]
    })
    expect(Result.getOrThrow(result).map((point) => [point.type, point.metric])).toEqual([
      ["cumulative_counter", "a"],
      ["cumulative_counter", "b"]
    ])
  })

  it("accepts an empty object and empty lists", () => {
    expect(Datapoint.validate({})).toEqual(Result.succeed([]))
    expect(Datapoint.validate({ gauges: [], counters: undefined })).toEqual(Result.succeed([]))
  })

  it("rejects input that is not a datapoints object", () => {
    for (const input of [null, undefined, 42, "gauges", [{ metric: "a", value: 1 }]]) {
      const issues = issuesOf(Datapoint.validate(input))
      expect(issues).toHaveLength(1)
      expect(issues[0]).toMatch(/^expected an object with gauges, counters or cumulativeCounters/)
    }
  })

  it("rejects unknown keys, suggesting the right spelling", () => {
    expect(issuesOf(Datapoint.validate({ gauge: [], cumulative_counter: [], points: [] }))).toEqual([
      "gauge: unknown key; did you mean gauges?",
      "cumulative_counter: unknown key; did you mean cumulativeCounters?",
      "points: unknown key; datapoints go in gauges, counters or cumulativeCounters (or cumulative_counters)"
    ])
  })

  it("rejects a list that is not an array, and an item that is not an object", () => {
    expect(issuesOf(Datapoint.validate({ gauges: { metric: "a", value: 1 }, counters: [null, "x"] }))).toEqual([
      "gauges: gauges must be an array of datapoints, got an object",
      "counters[0]: a datapoint must be an object with metric and value, got null",
      "counters[1]: a datapoint must be an object with metric and value, got a string"
    ])
  })

  describe("metric names", () => {
    it("must be a non-empty string", () => {
      expect(issuesOf(validGauge({ metric: "", value: 1 }))).toEqual([
        "gauges[0].metric: the metric name must not be empty"
      ])
      expect(issuesOf(validGauge({ value: 1 }))).toEqual([
        "gauges[0].metric: the metric name must be a string, got undefined"
      ])
      expect(issuesOf(validGauge({ metric: 7, value: 1 }))).toEqual([
        "gauges[0].metric: the metric name must be a string, got the number 7"
      ])
    })

    it("may be 256 characters, counted in code points, but not 257", () => {
      expect(Result.isSuccess(validGauge({ metric: "m".repeat(256), value: 1 }))).toBe(true)
      // 256 astral characters are 512 UTF-16 units
      expect(Result.isSuccess(validGauge({ metric: arb.astralOfLength(256), value: 1 }))).toBe(true)
      expect(issuesOf(validGauge({ metric: "m".repeat(257), value: 1 }))).toEqual([
        "gauges[0].metric: the metric name must be at most 256 characters"
      ])
      expect(issuesOf(validGauge({ metric: arb.astralOfLength(257), value: 1 }))).toEqual([
        "gauges[0].metric: the metric name must be at most 256 characters"
      ])
    })
  })

  describe("dimension keys", () => {
    const keyProblem = (key: string) => issuesOf(validGauge({ metric: "m", value: 1, dimensions: { [key]: "v" } }))

    it.each([
      ["1host", "a dimension key must start with a letter"],
      ["_private", "a dimension key must start with a letter"],
      ["-x", "a dimension key must start with a letter"],
      [".x", "a dimension key must start with a letter"],
      ["🚀", "a dimension key must start with a letter"],
      ["host name", "a dimension key may hold only letters, digits, '_', '-' and '.'"],
      ["host/path", "a dimension key may hold only letters, digits, '_', '-' and '.'"],
      ["hôte", "a dimension key may hold only letters, digits, '_', '-' and '.'"],
      ["", "a dimension key must not be empty"],
      ["sf_metric", "a dimension key must not start with the reserved prefix 'sf_'"],
      ["aws_tag", "a dimension key must not start with the reserved prefix 'aws_'"],
      ["gcp_project", "a dimension key must not start with the reserved prefix 'gcp_'"],
      ["azure_vm", "a dimension key must not start with the reserved prefix 'azure_'"],
      [`k${"x".repeat(128)}`, "a dimension key must be at most 128 characters"]
    ])("rejects %j", (key, message) => {
      expect(keyProblem(key)).toEqual([`gauges[0].dimensions${JSON.stringify([key])}: ${message}`])
    })

    it.each([
      "host",
      "host_ip",
      "host-name",
      "host.name",
      "H",
      "a1",
      "sf_hires",
      "gcp_id",
      "azure_resource_id",
      "AWSUniqueId",
      "sfx",
      `k${"x".repeat(127)}`
    ])(
      "accepts %j",
      (key) => {
        const result = validGauge({ metric: "m", value: 1, dimensions: { [key]: "v" } })
        expect(Result.getOrThrow(result)[0]!.dimensions).toEqual({ [key]: "v" })
      }
    )
  })

  describe("dimension values", () => {
    it("must be non-empty strings of at most 256 characters", () => {
      expect(issuesOf(validGauge({ metric: "m", value: 1, dimensions: { a: "", b: 1, c: null, d: "v".repeat(257) } })))
        .toEqual([
          "gauges[0].dimensions[\"a\"]: a dimension value must not be empty",
          "gauges[0].dimensions[\"b\"]: a dimension value must be a string, got the number 1",
          "gauges[0].dimensions[\"c\"]: a dimension value must be a string, got null",
          "gauges[0].dimensions[\"d\"]: a dimension value must be at most 256 characters"
        ])
      const longest = { a: "v".repeat(256), b: arb.astralOfLength(256) }
      expect(Result.getOrThrow(validGauge({ metric: "m", value: 1, dimensions: longest }))[0]!.dimensions).toEqual(
        longest
      )
    })

    it("must come in an object", () => {
      expect(issuesOf(validGauge({ metric: "m", value: 1, dimensions: ["host", "a"] }))).toEqual([
        "gauges[0].dimensions: dimensions must be an object of string keys to string values, got an array"
      ])
      expect(issuesOf(validGauge({ metric: "m", value: 1, dimensions: null }))).toEqual([
        "gauges[0].dimensions: dimensions must be an object of string keys to string values, got null"
      ])
    })

    it("number at most 36", () => {
      const dimensionsOf = (count: number) =>
        Object.fromEntries(Array.from({ length: count }, (_, i) => [`d${i}`, `v${i}`]))
      expect(Result.getOrThrow(validGauge({ metric: "m", value: 1, dimensions: dimensionsOf(36) }))[0]!.dimensions)
        .toEqual(dimensionsOf(36))
      expect(issuesOf(validGauge({ metric: "m", value: 1, dimensions: dimensionsOf(37) }))).toEqual([
        "gauges[0].dimensions: at most 36 dimensions are allowed, got 37"
      ])
    })
  })

  describe("values", () => {
    it.each([
      [Number.NaN, "NaN is not a finite number"],
      [Number.POSITIVE_INFINITY, "Infinity is not a finite number"],
      [Number.NEGATIVE_INFINITY, "-Infinity is not a finite number"],
      [arb.INT64_MAX + 1n, "9223372036854775808n is outside the int64 range"],
      [arb.INT64_MIN - 1n, "-9223372036854775809n is outside the int64 range"],
      [true, "a value must be a number, a bigint or a string, got a boolean"],
      [null, "a value must be a number, a bigint or a string, got null"],
      [undefined, "a value must be a number, a bigint or a string, got undefined"],
      [{}, "a value must be a number, a bigint or a string, got an object"]
    ])("rejects %s", (value, message) => {
      expect(issuesOf(validGauge({ metric: "m", value }))).toEqual([`gauges[0].value: ${message}`])
    })

    it.each([0, -0, -17, 12.75, -0.25, 1.5e-300, Number.MAX_VALUE, arb.INT64_MAX, arb.INT64_MIN, 0n, "", "text"])(
      "accepts %s",
      (value) => {
        expect(Result.getOrThrow(validGauge({ metric: "m", value }))[0]!.value).toBe(value)
      }
    )
  })

  describe("timestamps", () => {
    it("accept milliseconds since the epoch, and 0", () => {
      for (const timestamp of [0, 100_000_000_000, 1_442_960_607_000, Date.now(), 100_000_000_000_000]) {
        expect(Result.getOrThrow(validGauge({ metric: "m", value: 1, timestamp }))[0]!.timestamp).toBe(timestamp)
      }
    })

    it("reject a timestamp in seconds, saying so", () => {
      expect(issuesOf(validGauge({ metric: "m", value: 1, timestamp: 1_700_000_000 }))).toEqual([
        "gauges[0].timestamp: the timestamp 1700000000 looks like seconds; SignalFx timestamps are milliseconds since the epoch"
      ])
    })

    it("reject a timestamp in micro- or nanoseconds, saying so", () => {
      for (const timestamp of [100_000_000_000_001, 1_700_000_000_000_000]) {
        expect(issuesOf(validGauge({ metric: "m", value: 1, timestamp }))[0]).toContain(
          "looks like micro- or nanoseconds"
        )
      }
    })

    it.each([
      [-1, "a timestamp must be a non-negative integer number of milliseconds, got -1"],
      [1_700_000_000_000.5, "a timestamp must be a non-negative integer number of milliseconds, got 1700000000000.5"],
      [2 ** 53, "a timestamp must be a non-negative integer number of milliseconds, got 9007199254740992"],
      [Number.NaN, "a timestamp must be a non-negative integer number of milliseconds, got NaN"],
      ["1700000000000", "a timestamp must be a number of milliseconds since the epoch, got a string"],
      [
        1_700_000_000_000n,
        "a timestamp must be a number of milliseconds since the epoch, got the bigint 1700000000000n"
      ],
      [null, "a timestamp must be a number of milliseconds since the epoch, got null"]
    ])("reject %s", (timestamp, message) => {
      expect(issuesOf(validGauge({ metric: "m", value: 1, timestamp }))).toEqual([`gauges[0].timestamp: ${message}`])
    })
  })

  describe("a failed validation", () => {
    const input = {
      gauges: [
        { metric: "ok", value: 1 },
        { metric: "ok", value: 2 },
        { metric: "ok", value: 3 },
        { metric: "cpu", value: 1, dimensions: { "1host": "a" } }
      ],
      counters: [{ metric: "", value: Number.NaN, timestamp: 1_700_000_000, dimensions: { sf_x: "", ok: "v" } }],
      cumulative_counters: [{ metric: "x".repeat(300), value: 2n ** 64n }]
    }

    it("is one ValidationError listing every problem with its path", () => {
      const result = Datapoint.validate(input)
      expect(Result.isFailure(result)).toBe(true)
      const error = Result.flip(result).pipe(Result.getOrThrow)
      expect(error).toBeInstanceOf(ValidationError)
      expect(error._tag).toBe("ValidationError")
      expect(error.issues.every((issue) => issue instanceof ValidationIssue)).toBe(true)
      expect(error.issues.map((issue) => issue.toString())).toEqual([
        "gauges[3].dimensions[\"1host\"]: a dimension key must start with a letter",
        "counters[0].metric: the metric name must not be empty",
        "counters[0].value: NaN is not a finite number",
        "counters[0].timestamp: the timestamp 1700000000 looks like seconds; SignalFx timestamps are milliseconds since the epoch",
        "counters[0].dimensions[\"sf_x\"]: a dimension key must not start with the reserved prefix 'sf_'",
        "counters[0].dimensions[\"sf_x\"]: a dimension value must not be empty",
        "cumulative_counters[0].metric: the metric name must be at most 256 characters",
        "cumulative_counters[0].value: 18446744073709551616n is outside the int64 range"
      ])
      expect(error.issues[0]!.path).toBe("gauges[3].dimensions[\"1host\"]")
      expect(error.issues[0]!.message).toBe("a dimension key must start with a letter")
    })

    it("has a message that lists every issue", () => {
      const error = Result.flip(Datapoint.validate(input)).pipe(Result.getOrThrow)
      const lines = error.message.split("\n")
      expect(lines[0]).toBe("8 problems in the input:")
      expect(lines.slice(1)).toEqual(error.issues.map((issue) => `  ${issue.toString()}`))
      const single = Result.flip(validGauge({ metric: "", value: 1 })).pipe(Result.getOrThrow)
      expect(single.message).toBe("1 problem in the input:\n  gauges[0].metric: the metric name must not be empty")
    })

    it("keeps nothing of the valid datapoints of the same call", () => {
      const result = Datapoint.validate({ gauges: [{ metric: "ok", value: 1 }, { metric: "", value: 1 }] })
      expect(Result.isFailure(result)).toBe(true)
    })

    effect("fails, as an Effect, with an error that catchTag can handle", () =>
      Effect.gen(function*() {
        const tag = yield* Effect.fromResult(Datapoint.validate(input)).pipe(
          Effect.as("validated"),
          Effect.catchTag("ValidationError", (error) => Effect.succeed(`caught ${error.issues.length}`))
        )
        expect(tag).toBe("caught 8")
      }))
  })

  describe("ownership of the caller's objects", () => {
    const makeInput = () => ({
      gauges: [{ metric: "cpu", value: 1, timestamp: 1_700_000_000_000, dimensions: { host: "a", region: "eu" } }],
      cumulative_counters: [{ metric: "bytes", value: 10n, dimensions: { host: "a" } }]
    })

    it("validates deeply frozen input", () => {
      const input = deepFreeze(makeInput())
      expect(Result.getOrThrow(Datapoint.validate(input))).toHaveLength(2)
    })

    it("never mutates the input", () => {
      const input = makeInput()
      const before = structuredClone(input)
      Datapoint.validate(input)
      Datapoint.validate({
        ...input,
        counters: [{ metric: "", value: Number.NaN, dimensions: input.gauges[0]!.dimensions }]
      })
      expect(input).toEqual(before)
    })

    it("copies the dimensions: later changes to the input do not reach the validated datapoints", () => {
      const input = makeInput()
      const validated = Result.getOrThrow(Datapoint.validate(input))
      expect(validated[0]!.dimensions).not.toBe(input.gauges[0]!.dimensions)
      expect(validated[1]!.dimensions).not.toBe(input.cumulative_counters[0]!.dimensions)
      const snapshot = structuredClone(validated)
      const gauge = input.gauges[0]! as { metric: string; value: number; dimensions: Record<string, string> }
      gauge.metric = "changed"
      gauge.value = 99
      gauge.dimensions.host = "changed"
      gauge.dimensions.added = "x"
      delete (gauge.dimensions as Partial<Record<string, string>>).region
      input.gauges.length = 0
      expect(validated).toEqual(snapshot)
    })

    it("property: any valid input validates frozen, and the result equals the input's content", () => {
      fc.assert(
        fc.property(arb.datapoints, (input) => {
          const frozen = deepFreeze(structuredClone(input))
          const validated = Result.getOrThrow(Datapoint.validate(frozen))
          const all = [
            ...(frozen.gauges ?? []),
            ...(frozen.counters ?? []),
            ...(frozen.cumulativeCounters ?? []),
            ...(frozen.cumulative_counters ?? [])
          ]
          expect(
            validated.map(({ dimensions, metric, timestamp, value }) => ({ metric, value, timestamp, dimensions }))
          )
            .toEqual(all.map((point) => ({
              metric: point.metric,
              value: point.value,
              timestamp: point.timestamp,
              dimensions: point.dimensions ?? {}
            })))
          validated.forEach((point, i) => {
            expect(point.dimensions).not.toBe(all[i]!.dimensions)
            expect(Object.isFrozen(point.dimensions)).toBe(false)
          })
        }),
        fastCheck
      )
    })
  })
})

describe("Datapoint schemas", () => {
  const schemaAccepts = Schema.is(Datapoint.DatapointSchema)
  const decode = Schema.decodeUnknownResult(Datapoint.DatapointSchema)
  const validatorAccepts = (item: unknown) => Result.isSuccess(Datapoint.validate({ gauges: [item] }))

  it("DatapointSchema decodes a valid datapoint and rejects an invalid one", () => {
    expect(decode({ metric: "cpu", value: 1n, timestamp: 1_700_000_000_000, dimensions: { sf_hires: "1" } }))
      .toEqual(
        Result.succeed({ metric: "cpu", value: 1n, timestamp: 1_700_000_000_000, dimensions: { sf_hires: "1" } })
      )
    expect(Result.isFailure(decode({ metric: "cpu", value: 1, dimensions: { "1host": "a" } }))).toBe(true)
    expect(Result.isFailure(decode({ metric: "cpu", value: 1, timestamp: 1_700_000_000 }))).toBe(true)
  })

  it("DatapointsSchema takes both spellings of the cumulative counters", () => {
    const decodeAll = Schema.decodeUnknownResult(Datapoint.DatapointsSchema)
    expect(Result.isSuccess(decodeAll({ cumulative_counters: [{ metric: "a", value: 1 }] }))).toBe(true)
    expect(Result.isSuccess(decodeAll({ cumulativeCounters: [{ metric: "a", value: 1 }] }))).toBe(true)
    expect(Result.isFailure(decodeAll({ gauges: [{ metric: "a", value: Number.NaN }] }))).toBe(true)
  })

  prop(
    "DatapointSchema accepts exactly what the fast validator accepts",
    { item: fc.oneof(arb.datapoint, arb.invalidDatapoint) },
    ({ item }) => {
      expect(schemaAccepts(item)).toBe(validatorAccepts(item))
    },
    { fastCheck: { numRuns: 500 } }
  )

  prop("every generated valid datapoint is accepted", { item: arb.datapoint }, ({ item }) => {
    expect(validatorAccepts(item)).toBe(true)
    expect(schemaAccepts(item)).toBe(true)
  }, { fastCheck })

  prop("every generated invalid datapoint is rejected", { item: arb.invalidDatapoint }, ({ item }) => {
    expect(validatorAccepts(item)).toBe(false)
    expect(schemaAccepts(item)).toBe(false)
  }, { fastCheck })

  prop(
    "they agree on arbitrary junk in every field",
    {
      item: fc.record({
        metric: fc.oneof(arb.metricName, fc.anything()),
        value: fc.oneof(arb.value, fc.anything()),
        timestamp: fc.oneof(arb.timestamp, fc.anything()),
        dimensions: fc.oneof(arb.dimensions, fc.dictionary(fc.string(), fc.anything(), { maxKeys: 4 }), fc.anything())
      }, { requiredKeys: [] })
    },
    ({ item }) => {
      expect(schemaAccepts(item)).toBe(validatorAccepts(item))
    },
    { fastCheck }
  )
})
