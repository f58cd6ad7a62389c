/**
 * The rule table: every rule SignalFx holds datapoints and events to (docs/protocol.md §2.5),
 * written once, as its limits and a `check` that returns `undefined` when the value is
 * acceptable and a sentence naming the problem otherwise. Three readers share it: the Schemas of
 * `Datapoint` and `Event` (each filter is a rule's check), and the walk of `validation.ts`, which
 * the fast validator runs to list every problem with its path and the one-walk encoder runs to
 * stop at the first. No reader writes a condition or a message of its own.
 */
import { withArticle } from "./english.js"

/**
 * A rule's check; each rule of the table has one, beside its limits.
 * @internal
 */
export interface Rule<A> {
  readonly check: (value: A) => string | undefined
}

/** What a check says of a value of the wrong type. */
export const describeValue = (value: unknown): string => {
  if (value === null) return "null"
  if (Array.isArray(value)) return "an array"
  switch (typeof value) {
    case "bigint":
      return `the bigint ${value}n`
    case "number":
      return `the number ${value}`
    case "string":
      return "a string"
    case "undefined":
      return "undefined"
    default:
      return withArticle(typeof value)
  }
}

/**
 * Length in Unicode code points, which is what the service counts; the UTF-16 length is an
 * upper bound, so the slow count runs only for strings that might be too long.
 */
const exceedsLength = (value: string, max: number): boolean => {
  if (value.length <= max) return false
  let codePoints = 0
  for (const _ of value) {
    if (++codePoints > max) return true
  }
  return false
}

const nameRule = (what: "metric name" | "event type") => {
  const maxLength = 256
  return {
    maxLength,
    check: (name: unknown): string | undefined => {
      if (typeof name !== "string") return `the ${what} must be a string, got ${describeValue(name)}`
      if (name.length === 0) return `the ${what} must not be empty`
      if (exceedsLength(name, maxLength)) return `the ${what} must be at most ${maxLength} characters`
      return undefined
    }
  } as const
}

/** @internal */
export const metricName = nameRule("metric name")

/** @internal */
export const eventType = nameRule("event type")

const int64 = {
  min: -(2n ** 63n),
  max: 2n ** 63n - 1n,
  check: (value: bigint): string | undefined =>
    value < int64.min || value > int64.max ? `${value}n is outside the int64 range` : undefined
} as const

const finite = (value: number): string | undefined =>
  Number.isFinite(value) ? undefined : `${value} is not a finite number`

/**
 * A datapoint value: a finite number, an int64 `bigint` or a string. `is` is the type alone, for
 * a reader to narrow with once `check` has passed.
 * @internal
 */
export const value = {
  is: (value: unknown): value is number | bigint | string =>
    typeof value === "number" || typeof value === "bigint" || typeof value === "string",
  check: (value: unknown): string | undefined => {
    switch (typeof value) {
      case "number":
        return finite(value)
      case "bigint":
        return int64.check(value)
      case "string":
        return undefined
      default:
        return `a value must be a number, a bigint or a string, got ${describeValue(value)}`
    }
  }
} as const

/** @internal */
export const timestamp = {
  /**
   * Below this, a non-zero timestamp is 1973-03-03 in milliseconds but the year 5138 in seconds:
   * it was almost certainly written in seconds.
   */
  smallest: 100_000_000_000,
  /** Above this a timestamp is past the year 5138 in milliseconds: it was written in micro- or nanoseconds. */
  largest: 100_000_000_000_000,
  check: (value: unknown): string | undefined => {
    if (typeof value !== "number") {
      return `a timestamp must be a number of milliseconds since the epoch, got ${describeValue(value)}`
    }
    if (!Number.isSafeInteger(value) || value < 0) {
      return `a timestamp must be a non-negative integer number of milliseconds, got ${value}`
    }
    if (value !== 0 && value < timestamp.smallest) {
      return `the timestamp ${value} looks like seconds; SignalFx timestamps are milliseconds since the epoch`
    }
    if (value > timestamp.largest) {
      return `the timestamp ${value} looks like micro- or nanoseconds; SignalFx timestamps are milliseconds since the epoch`
    }
    return undefined
  }
} as const

/** @internal */
export const dimensionKey = {
  maxLength: 128,
  pattern: /^[A-Za-z][A-Za-z0-9_.-]*$/,
  reservedPrefixes: ["sf_", "aws_", "gcp_", "azure_"],
  /** Keys the service itself defines despite their reserved prefixes; users may send them. */
  serviceKeys: new Set(["sf_hires", "gcp_id", "azure_resource_id"]) as ReadonlySet<string>,
  check: (key: string): string | undefined => {
    if (key.length === 0) return "a dimension key must not be empty"
    if (key.length > dimensionKey.maxLength) {
      return `a dimension key must be at most ${dimensionKey.maxLength} characters`
    }
    if (!dimensionKey.pattern.test(key)) {
      const first = key.charCodeAt(0)
      const startsWithLetter = (first >= 65 && first <= 90) || (first >= 97 && first <= 122)
      return startsWithLetter
        ? "a dimension key may hold only letters, digits, '_', '-' and '.'"
        : "a dimension key must start with a letter"
    }
    if (!dimensionKey.serviceKeys.has(key)) {
      for (const prefix of dimensionKey.reservedPrefixes) {
        if (key.startsWith(prefix)) return `a dimension key must not start with the reserved prefix '${prefix}'`
      }
    }
    return undefined
  }
} as const

/** @internal */
export const dimensionValue = {
  maxLength: 256,
  check: (value: unknown): string | undefined => {
    if (typeof value !== "string") return `a dimension value must be a string, got ${describeValue(value)}`
    if (value.length === 0) return "a dimension value must not be empty"
    if (exceedsLength(value, dimensionValue.maxLength)) {
      return `a dimension value must be at most ${dimensionValue.maxLength} characters`
    }
    return undefined
  }
} as const

const MAX_DIMENSIONS = 36

/** @internal */
export const dimensionCount = {
  max: MAX_DIMENSIONS,
  check: (count: number): string | undefined =>
    count > MAX_DIMENSIONS ? `at most ${MAX_DIMENSIONS} dimensions are allowed, got ${count}` : undefined
} as const

/**
 * The service counts the global dimensions too: an item's own and the global ones it does not
 * set must stay within the limit together.
 * @internal
 */
export const mergedDimensionCount = {
  check: (count: number): string | undefined =>
    count > MAX_DIMENSIONS
      ? `with the global dimensions there would be ${count} dimensions; at most ${MAX_DIMENSIONS} are allowed`
      : undefined
} as const

/**
 * The global dimensions themselves, once more are added: every datapoint will carry them.
 * @internal
 */
export const globalDimensionCount = {
  check: (count: number): string | undefined =>
    count > MAX_DIMENSIONS
      ? `with the global dimensions already set there would be ${count}; at most ${MAX_DIMENSIONS} are allowed`
      : undefined
} as const

/** `USER_DEFINED` is the default; `COLLECTD` is deprecated by the service but still accepted. */
const categories = [
  "USER_DEFINED",
  "ALERT",
  "AUDIT",
  "JOB",
  "COLLECTD",
  "SERVICE_DISCOVERY",
  "EXCEPTION",
  "AGENT"
] as const
const categorySet: ReadonlySet<unknown> = new Set(categories)

/**
 * An event's category. `is` is the type alone, for a reader to narrow with once `check` has passed.
 * @internal
 */
export const category = {
  values: categories,
  is: (value: unknown): value is typeof categories[number] => categorySet.has(value),
  check: (value: unknown): string | undefined =>
    categorySet.has(value) ?
      undefined :
      `the category must be one of ${categories.join(", ")}, got ${
        typeof value === "string" ? JSON.stringify(value) : describeValue(value)
      }`
} as const

/** @internal */
export const propertyKey = {
  maxLength: 128,
  check: (key: string): string | undefined => {
    if (key.length === 0) return "a property key must not be empty"
    if (exceedsLength(key, propertyKey.maxLength)) {
      return `a property key must be at most ${propertyKey.maxLength} characters`
    }
    return undefined
  }
} as const

/**
 * A property value: a string of at most 256 characters, a finite number, an int64 `bigint` or a
 * boolean. `is` is the type alone, for a reader to narrow with once `check` has passed.
 * @internal
 */
export const propertyValue = {
  maxStringLength: 256,
  is: (candidate: unknown): candidate is number | bigint | string | boolean =>
    typeof candidate === "boolean" || value.is(candidate),
  check: (value: unknown): string | undefined => {
    switch (typeof value) {
      case "string":
        return exceedsLength(value, propertyValue.maxStringLength)
          ? `a string property must be at most ${propertyValue.maxStringLength} characters`
          : undefined
      case "number":
        return finite(value)
      case "bigint":
        return int64.check(value)
      case "boolean":
        return undefined
      default:
        return `a property value must be a string, a number, a bigint or a boolean, got ${describeValue(value)}`
    }
  }
} as const

/** @internal */
export const propertyCount = {
  max: 1024,
  check: (count: number): string | undefined =>
    count > propertyCount.max ? `at most ${propertyCount.max} properties are allowed, got ${count}` : undefined
} as const
