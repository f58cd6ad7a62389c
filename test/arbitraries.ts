/**
 * fast-check generators for the data model, shared by the test suites.
 *
 * The valid generators stay inside SignalFx's limits (docs/protocol.md §2.5) but reach for their
 * edges: full Unicode (astral code points included), exactly 36 dimensions, bigints at the int64
 * limits, negative and fractional numbers, the service's own `sf_hires` key. The invalid
 * generators break exactly one rule at a time, so that a test can say which rule it expects.
 * They need no Effect (only the core's types and validation), so both packages' tests use them.
 */
import * as fc from "fast-check"
import type * as Datapoint from "../src/core/datapoint.js"
import type * as Event from "../src/core/event.js"
import { categories } from "../src/core/event.js"
import type { Checked } from "../src/core/validation.js"
import { validateDatapoints, validateEvents } from "../src/core/validation.js"

export const INT64_MIN = -(2n ** 63n)
export const INT64_MAX = 2n ** 63n - 1n

/** Milliseconds since the epoch that no rule questions: 1973-03-03 to the year 5138. */
export const SMALLEST_TIMESTAMP = 100_000_000_000
export const LARGEST_TIMESTAMP = 100_000_000_000_000

// ---------------------------------------------------------------------------------------------
// strings
// ---------------------------------------------------------------------------------------------

/** Any code point of the full Unicode range, astral ones included (never a lone surrogate). */
export const unicodeString = (constraints: { readonly minLength?: number; readonly maxLength?: number } = {}) =>
  fc.string({ unit: "binary", ...constraints })

/** Strings that are mostly astral code points: each is two UTF-16 units but one character. */
export const astralString = (constraints: { readonly minLength?: number; readonly maxLength?: number } = {}) =>
  fc.string({
    unit: fc.integer({ min: 0x10000, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint)),
    ...constraints
  })

/** A string of exactly `length` code points, all of them astral. */
export const astralOfLength = (length: number): string => "🚀".repeat(length)

// ---------------------------------------------------------------------------------------------
// names, dimensions
// ---------------------------------------------------------------------------------------------

export const metricName: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("cpu.utilization", "requests", "latência.p99", "東京.load", "🚀.launches") },
  { weight: 4, arbitrary: unicodeString({ minLength: 1, maxLength: 24 }) },
  { weight: 1, arbitrary: astralString({ minLength: 1, maxLength: 8 }) },
  // the longest name allowed: 256 characters, counted in code points
  { weight: 1, arbitrary: fc.constantFrom("m".repeat(256), astralOfLength(256)) }
)

export const eventType: fc.Arbitrary<string> = metricName

const reservedPrefixes = ["sf_", "aws_", "gcp_", "azure_"] as const

/** The service's own keys, allowed despite their reserved prefixes. */
export const serviceDimensionKeys = ["sf_hires", "gcp_id", "azure_resource_id"] as const

const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
const keyRest = `${letters}0123456789_-.`

/** Keys that several generated objects share, so that global and own dimensions collide. */
export const commonDimensionKeys = ["host", "region", "env", "service", "AWSUniqueId"] as const

export const dimensionKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...commonDimensionKeys) },
  { weight: 1, arbitrary: fc.constantFrom(...serviceDimensionKeys) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...letters),
        fc.string({ unit: fc.constantFrom(...keyRest), maxLength: 20 })
      )
      .map(([first, rest]) => first + rest)
      .filter((key) => !reservedPrefixes.some((prefix) => key.startsWith(prefix)))
  },
  // the longest key allowed
  { weight: 1, arbitrary: fc.constant(`k${"x".repeat(127)}`) }
)

export const dimensionValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: unicodeString({ minLength: 1, maxLength: 20 }) },
  { weight: 1, arbitrary: astralString({ minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom("v".repeat(256), astralOfLength(256)) }
)

const dimensionEntries = (minKeys: number, maxKeys: number) =>
  fc.uniqueArray(fc.tuple(dimensionKey, dimensionValue), {
    minLength: minKeys,
    maxLength: maxKeys,
    selector: ([key]) => key
  }).map((entries): Datapoint.Dimensions => Object.fromEntries(entries))

/** Valid dimensions: usually a few, sometimes exactly the maximum of 36. */
export const dimensions: fc.Arbitrary<Datapoint.Dimensions> = fc.oneof(
  { weight: 5, arbitrary: dimensionEntries(0, 6) },
  { weight: 1, arbitrary: dimensionEntries(36, 36) }
)

/** Global dimensions, drawn mostly from {@link commonDimensionKeys} so they collide with own ones. */
export const globalDimensions: fc.Arbitrary<Datapoint.Dimensions> = fc
  .uniqueArray(
    fc.tuple(fc.oneof(fc.constantFrom(...commonDimensionKeys), dimensionKey), dimensionValue),
    { maxLength: 5, selector: ([key]) => key }
  )
  .map((entries): Datapoint.Dimensions => Object.fromEntries(entries))

// ---------------------------------------------------------------------------------------------
// values, timestamps
// ---------------------------------------------------------------------------------------------

/** bigints across the whole int64 range, and right at its limits. */
export const int64: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.bigInt({ min: INT64_MAX - 1000n, max: INT64_MAX }),
  fc.bigInt({ min: INT64_MIN, max: INT64_MIN + 1000n }),
  // just beyond the safe integers, where a number would lose precision
  fc.bigInt({ min: 2n ** 53n - 10n, max: 2n ** 53n + 10n }),
  fc.bigInt({ min: -(2n ** 53n) - 10n, max: -(2n ** 53n) + 10n }),
  fc.bigInt({ min: -1000n, max: 1000n })
)

/** Finite numbers: small and safe integers (negative too), fractions, and doubles of any size. */
export const finiteNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.constantFrom(0, -0, 0.5, -0.25, 1.5e-300, Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53, 2 ** 63)
)

export const value: fc.Arbitrary<Datapoint.Value> = fc.oneof(
  { weight: 3, arbitrary: finiteNumber },
  { weight: 2, arbitrary: int64 },
  { weight: 1, arbitrary: unicodeString({ maxLength: 20 }) }
)

/** Any safe integer in `[min, max]` (`fc.integer` stops at 32 bits). */
export const safeInteger = (min: number, max: number): fc.Arbitrary<number> =>
  fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number)

export const timestamp: fc.Arbitrary<number> = fc.oneof(
  safeInteger(SMALLEST_TIMESTAMP, LARGEST_TIMESTAMP),
  safeInteger(1_400_000_000_000, 2_000_000_000_000)
)

// ---------------------------------------------------------------------------------------------
// datapoints
// ---------------------------------------------------------------------------------------------

export const datapoint: fc.Arbitrary<Datapoint.Datapoint> = fc.record(
  { metric: metricName, value, timestamp, dimensions },
  { requiredKeys: ["metric", "value"] }
)

export const metricType: fc.Arbitrary<Datapoint.MetricType> = fc.constantFrom("gauge", "counter", "cumulative_counter")

/** A valid `send` argument, with both spellings of the cumulative counters list. */
export const datapoints: fc.Arbitrary<Datapoint.Datapoints> = fc.record(
  {
    gauges: fc.array(datapoint, { maxLength: 4 }),
    counters: fc.array(datapoint, { maxLength: 4 }),
    cumulativeCounters: fc.array(datapoint, { maxLength: 4 }),
    cumulative_counters: fc.array(datapoint, { maxLength: 2 })
  },
  { requiredKeys: [] }
)

const listOf: Readonly<Record<Datapoint.MetricType, keyof Datapoint.Datapoints>> = {
  gauge: "gauges",
  counter: "counters",
  cumulative_counter: "cumulativeCounters"
}

const validOrThrow = <A>(checked: Checked<A>): A => {
  if (!checked.ok) throw new Error(`a generated valid input failed validation: ${JSON.stringify(checked.problems)}`)
  return checked.value
}

/**
 * Validated datapoints as the encoders receive them, with the metric types interleaved in any
 * order (a real queue mixes them).
 */
export const validatedDatapoints: fc.Arbitrary<ReadonlyArray<Datapoint.Validated>> = fc
  .array(fc.tuple(metricType, datapoint), { maxLength: 8 })
  .map((items) => items.flatMap(([type, point]) => validOrThrow(validateDatapoints({ [listOf[type]]: [point] }))))

// ---------------------------------------------------------------------------------------------
// events
// ---------------------------------------------------------------------------------------------

export const category: fc.Arbitrary<Event.Category> = fc.constantFrom(...categories)

/** Property keys are any non-empty string of at most 128 characters, `__proto__` included. */
export const propertyKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: unicodeString({ minLength: 1, maxLength: 16 }) },
  { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty") },
  { weight: 1, arbitrary: fc.constantFrom("p".repeat(128), astralOfLength(128)) }
)

export const propertyValue: fc.Arbitrary<Event.PropertyValue> = fc.oneof(
  { weight: 2, arbitrary: finiteNumber },
  { weight: 2, arbitrary: int64 },
  { weight: 2, arbitrary: unicodeString({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom("s".repeat(256), astralOfLength(256)) },
  { weight: 1, arbitrary: fc.boolean() }
)

/**
 * Properties as an object with own entries only: keys such as `__proto__` become own
 * properties (as `JSON.parse` makes them), not the prototype.
 */
export const properties: fc.Arbitrary<Event.Properties> = fc
  .uniqueArray(fc.tuple(propertyKey, propertyValue), { maxLength: 8, selector: ([key]) => key })
  .map((entries) => {
    const record: Record<string, Event.PropertyValue> = {}
    for (const [key, property] of entries) {
      Object.defineProperty(record, key, { value: property, enumerable: true, writable: true, configurable: true })
    }
    return record
  })

export const event: fc.Arbitrary<Event.Event> = fc.record(
  { eventType, category, dimensions, properties, timestamp },
  { requiredKeys: ["eventType"] }
)

export const validatedEvents: fc.Arbitrary<ReadonlyArray<Event.Validated>> = fc
  .array(event, { maxLength: 5 })
  .map((events) => validOrThrow(validateEvents(events)))

// ---------------------------------------------------------------------------------------------
// invalid input: each breaks one rule
// ---------------------------------------------------------------------------------------------

export const invalidMetricName: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom("", "m".repeat(257), astralOfLength(257), null, undefined, 42, ["cpu"]),
  unicodeString({ minLength: 257, maxLength: 300 })
)

export const invalidDimensionKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("", "1host", "_private", "-x", ".x", "sf_metric", "aws_tag", "gcp_project", "azure_vm", "host name"),
  fc.constantFrom("host/path", "hôte", "🚀", "a:b", `k${"x".repeat(128)}`),
  fc.tuple(fc.constantFrom(...reservedPrefixes), fc.string({ unit: fc.constantFrom(...keyRest), maxLength: 8 }))
    .map(([prefix, rest]) => prefix + rest)
    .filter((key) => !(serviceDimensionKeys as ReadonlyArray<string>).includes(key))
)

export const invalidDimensionValue: fc.Arbitrary<unknown> = fc.constantFrom(
  "",
  "v".repeat(257),
  astralOfLength(257),
  null,
  undefined,
  42,
  true,
  { nested: "x" }
)

export const invalidDimensions: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(dimensions, invalidDimensionKey, dimensionValue).map(([valid, key, v]) => ({ ...valid, [key]: v })),
  fc.tuple(dimensions, dimensionKey, invalidDimensionValue).map(([valid, key, v]) => ({ ...valid, [key]: v })),
  // 37 dimensions, one too many
  fc.uniqueArray(fc.tuple(dimensionKey, dimensionValue), { minLength: 37, maxLength: 40, selector: ([key]) => key })
    .map((entries) => Object.fromEntries(entries)),
  fc.constantFrom(null, "host=a", ["host", "a"], 42)
)

export const invalidValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, null, undefined, true, {}, [1]),
  fc.bigInt({ min: INT64_MAX + 1n, max: INT64_MAX * 4n }),
  fc.bigInt({ min: INT64_MIN * 4n, max: INT64_MIN - 1n })
)

export const invalidTimestamp: fc.Arbitrary<unknown> = fc.oneof(
  // seconds instead of milliseconds
  safeInteger(1, SMALLEST_TIMESTAMP - 1),
  // micro- or nanoseconds
  safeInteger(LARGEST_TIMESTAMP + 1, Number.MAX_SAFE_INTEGER),
  safeInteger(-LARGEST_TIMESTAMP, -1),
  fc.double({ min: SMALLEST_TIMESTAMP, max: LARGEST_TIMESTAMP, noInteger: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, null, "1700000000000", 1_700_000_000_000n)
)

/** A datapoint that breaks exactly one rule. */
export const invalidDatapoint: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.tuple(datapoint, invalidMetricName).map(([point, metric]) => ({ ...point, metric })),
  fc.tuple(datapoint, invalidValue).map(([point, v]) => ({ ...point, value: v })),
  fc.tuple(datapoint, invalidTimestamp).map(([point, t]) => ({ ...point, timestamp: t })),
  fc.tuple(datapoint, invalidDimensions).map(([point, d]) => ({ ...point, dimensions: d }))
)

export const invalidPropertyKey: fc.Arbitrary<string> = fc.constantFrom("", "p".repeat(129), astralOfLength(129))

export const invalidPropertyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    "s".repeat(257),
    astralOfLength(257),
    null,
    undefined,
    {},
    [1]
  ),
  fc.bigInt({ min: INT64_MAX + 1n, max: INT64_MAX * 4n })
)

const withProperty = (base: Event.Properties | undefined, key: string, property: unknown): Record<string, unknown> => {
  const record: Record<string, unknown> = { ...base }
  Object.defineProperty(record, key, { value: property, enumerable: true, writable: true, configurable: true })
  return record
}

export const invalidProperties: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(properties, invalidPropertyKey, propertyValue).map(([valid, key, v]) => withProperty(valid, key, v)),
  fc.tuple(properties, propertyKey, invalidPropertyValue).map(([valid, key, v]) => withProperty(valid, key, v)),
  fc.constantFrom(null, "k=v", ["k", "v"], 1)
)

export const invalidCategory: fc.Arbitrary<unknown> = fc.constantFrom(
  "user_defined",
  "",
  "DEPLOYMENT",
  null,
  1000000,
  ["ALERT"]
)

/** An event that breaks exactly one rule. */
export const invalidEvent: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.tuple(event, invalidMetricName).map(([e, eventType]) => ({ ...e, eventType })),
  fc.tuple(event, invalidCategory).map(([e, c]) => ({ ...e, category: c })),
  fc.tuple(event, invalidTimestamp).map(([e, t]) => ({ ...e, timestamp: t })),
  fc.tuple(event, invalidDimensions).map(([e, d]) => ({ ...e, dimensions: d })),
  fc.tuple(event, invalidProperties).map(([e, p]) => ({ ...e, properties: p }))
)
