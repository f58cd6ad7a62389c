/**
 * Messages that read as English: "1 datapoint", "2 datapoints", "an object", "1,000,000".
 */

/** A count, grouped by thousands: `999,900`. @internal */
export const formatCount = (count: number): string => count.toLocaleString("en-US")

/**
 * `count` and the noun, singular for one: `plural(1, "datapoint")` is `"1 datapoint"`. A noun
 * whose plural is not `+s` gives it.
 * @internal
 */
export const plural = (count: number, singular: string, pluralForm = `${singular}s`): string =>
  `${formatCount(count)} ${count === 1 ? singular : pluralForm}`

/** `"datapoints"` or `"events"` for a count of items of that kind: `1 event`, `2 events`. @internal */
export const countOf = (count: number, kind: "datapoints" | "events"): string => plural(count, kind.slice(0, -1), kind)

/** The word with its indefinite article: `an object`, `a string`. @internal */
export const withArticle = (word: string): string => `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`

/**
 * What a value is, for "must be X, got Y": `null`, `an array`, `a symbol`, `a string`, never
 * the value itself (it may be a secret, or throw when turned into text).
 * @internal
 */
export const describeType = (value: unknown): string => {
  if (value === null) return "null"
  if (value === undefined) return "undefined"
  if (Array.isArray(value)) return "an array"
  if (typeof value === "number" && Number.isNaN(value)) return "NaN"
  return withArticle(typeof value)
}

/**
 * A value for "got Y" in an option's error: a number, bigint or boolean as itself, a string
 * quoted, anything else by its type. Never `String(value)`, which throws for a symbol or an
 * object without a prototype.
 * @internal
 */
export const shown = (value: unknown): string => {
  switch (typeof value) {
    case "number":
    case "bigint":
    case "boolean":
      return String(value)
    case "string":
      return JSON.stringify(value)
    default:
      return describeType(value)
  }
}
