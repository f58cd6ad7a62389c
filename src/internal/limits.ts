/**
 * The service's limits (docs/protocol.md §2.5) as small predicates. Each rule returns
 * `undefined` when the value is acceptable and a human sentence naming the problem
 * otherwise, so the fast validator and the Schemas share one definition of "valid".
 */
import { withArticle } from "./english.js"

/** @internal */
export const MAX_NAME_LENGTH = 256
/** @internal */
export const MAX_DIMENSION_KEY_LENGTH = 128
/** @internal */
export const MAX_DIMENSION_VALUE_LENGTH = 256
/** @internal */
export const MAX_DIMENSIONS = 36
/** @internal */
export const MAX_PROPERTIES = 1024
/** @internal */
export const MAX_PROPERTY_KEY_LENGTH = 128
/** @internal */
export const MAX_PROPERTY_STRING_LENGTH = 256

/** @internal */
export const INT64_MIN = -(2n ** 63n)
/** @internal */
export const INT64_MAX = 2n ** 63n - 1n

/**
 * Below this, a non-zero timestamp is 1973-03-03 in milliseconds but the year 5138 in seconds:
 * it was almost certainly written in seconds.
 * @internal
 */
export const SMALLEST_MILLISECOND_TIMESTAMP = 100_000_000_000
/**
 * Above this a timestamp is past the year 5138 in milliseconds: it was written in micro- or
 * nanoseconds.
 * @internal
 */
export const LARGEST_MILLISECOND_TIMESTAMP = 100_000_000_000_000

/**
 * Dimension keys the service itself defines despite their reserved prefixes; users may send them.
 * @internal
 */
export const SERVICE_DIMENSION_KEYS: ReadonlySet<string> = new Set(["sf_hires", "gcp_id", "azure_resource_id"])

const RESERVED_DIMENSION_PREFIXES = ["sf_", "aws_", "gcp_", "azure_"] as const

const DIMENSION_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/

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

const describe = (value: unknown): string => {
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

/** @internal */
export const describeValue = describe

/** @internal */
export const checkName = (what: "metric name" | "event type", name: unknown): string | undefined => {
  if (typeof name !== "string") return `the ${what} must be a string, got ${describe(name)}`
  if (name.length === 0) return `the ${what} must not be empty`
  if (exceedsLength(name, MAX_NAME_LENGTH)) return `the ${what} must be at most ${MAX_NAME_LENGTH} characters`
  return undefined
}

/** @internal */
export const checkDimensionKey = (key: string): string | undefined => {
  if (key.length === 0) return "a dimension key must not be empty"
  if (key.length > MAX_DIMENSION_KEY_LENGTH) {
    return `a dimension key must be at most ${MAX_DIMENSION_KEY_LENGTH} characters`
  }
  if (!DIMENSION_KEY_PATTERN.test(key)) {
    const first = key.charCodeAt(0)
    const startsWithLetter = (first >= 65 && first <= 90) || (first >= 97 && first <= 122)
    return startsWithLetter
      ? "a dimension key may hold only letters, digits, '_', '-' and '.'"
      : "a dimension key must start with a letter"
  }
  if (!SERVICE_DIMENSION_KEYS.has(key)) {
    for (const prefix of RESERVED_DIMENSION_PREFIXES) {
      if (key.startsWith(prefix)) return `a dimension key must not start with the reserved prefix '${prefix}'`
    }
  }
  return undefined
}

/** @internal */
export const checkDimensionValue = (value: unknown): string | undefined => {
  if (typeof value !== "string") return `a dimension value must be a string, got ${describe(value)}`
  if (value.length === 0) return "a dimension value must not be empty"
  if (exceedsLength(value, MAX_DIMENSION_VALUE_LENGTH)) {
    return `a dimension value must be at most ${MAX_DIMENSION_VALUE_LENGTH} characters`
  }
  return undefined
}

/** @internal */
export const checkFiniteNumber = (value: number): string | undefined =>
  Number.isFinite(value) ? undefined : `${value} is not a finite number`

/** @internal */
export const checkInt64 = (value: bigint): string | undefined =>
  value < INT64_MIN || value > INT64_MAX ? `${value}n is outside the int64 range` : undefined

/** @internal */
export const isDatapointValue = (value: unknown): value is number | bigint | string =>
  typeof value === "number" || typeof value === "bigint" || typeof value === "string"

/** @internal */
export const isPropertyValue = (value: unknown): value is number | bigint | string | boolean =>
  isDatapointValue(value) || typeof value === "boolean"

/** @internal */
export const checkDatapointValue = (value: unknown): string | undefined => {
  switch (typeof value) {
    case "number":
      return checkFiniteNumber(value)
    case "bigint":
      return checkInt64(value)
    case "string":
      return undefined
    default:
      return `a value must be a number, a bigint or a string, got ${describe(value)}`
  }
}

/** @internal */
export const checkTimestamp = (timestamp: unknown): string | undefined => {
  if (typeof timestamp !== "number") {
    return `a timestamp must be a number of milliseconds since the epoch, got ${describe(timestamp)}`
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    return `a timestamp must be a non-negative integer number of milliseconds, got ${timestamp}`
  }
  if (timestamp !== 0 && timestamp < SMALLEST_MILLISECOND_TIMESTAMP) {
    return `the timestamp ${timestamp} looks like seconds; SignalFx timestamps are milliseconds since the epoch`
  }
  if (timestamp > LARGEST_MILLISECOND_TIMESTAMP) {
    return `the timestamp ${timestamp} looks like micro- or nanoseconds; SignalFx timestamps are milliseconds since the epoch`
  }
  return undefined
}

/** @internal */
export const checkPropertyKey = (key: string): string | undefined => {
  if (key.length === 0) return "a property key must not be empty"
  if (exceedsLength(key, MAX_PROPERTY_KEY_LENGTH)) {
    return `a property key must be at most ${MAX_PROPERTY_KEY_LENGTH} characters`
  }
  return undefined
}

/** @internal */
export const checkPropertyValue = (value: unknown): string | undefined => {
  switch (typeof value) {
    case "string":
      return exceedsLength(value, MAX_PROPERTY_STRING_LENGTH)
        ? `a string property must be at most ${MAX_PROPERTY_STRING_LENGTH} characters`
        : undefined
    case "number":
      return checkFiniteNumber(value)
    case "bigint":
      return checkInt64(value)
    case "boolean":
      return undefined
    default:
      return `a property value must be a string, a number, a bigint or a boolean, got ${describe(value)}`
  }
}
