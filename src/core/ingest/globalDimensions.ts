/**
 * The arguments of the global-dimension operations (`addDimensions`, `removeDimensions`),
 * checked where the service runs them: bad input is a problem naming what is wrong, which each
 * package turns into its `ValidationError`, on the Effect API as on the Promise facade, rather
 * than die inside the service or be taken silently for nothing.
 */
import type * as Datapoint from "../datapoint.js"
import { describeType } from "../english.js"
import { globalDimensionCount } from "../rules.js"
import type { Checked } from "../validation.js"
import { validateDimensionsRecord } from "../validation.js"

const invalid = (path: string, message: string): Checked<never> => ({
  ok: false,
  problems: [{ path, message }],
  omitted: 0
})

/**
 * An object literal (or one without a prototype): a `Map` or a class instance would otherwise
 * be read for its own enumerable properties, usually none, and add nothing without a word.
 * @internal
 */
export const isPlainObject = (value: unknown): value is Readonly<Record<string, unknown>> => {
  if (typeof value !== "object" || value === null) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/** What an object that is not a plain one is, by its constructor: `a Map`, `an array`. */
const describeObject = (value: object): string => {
  if (Array.isArray(value)) return "an array"
  const name: unknown = value.constructor?.name
  return typeof name === "string" && /^[A-Za-z_$][\w$]{0,63}$/.test(name) ? `a ${name}` : "an object with a prototype"
}

/**
 * The global dimensions once `dimensions` are added: each key and value checked as on a
 * datapoint, and all of them together within the limit a datapoint has, since every datapoint
 * will carry them.
 * @internal
 */
export const addedDimensions = (
  dimensions: unknown,
  globals: Datapoint.Dimensions
): Checked<Datapoint.Dimensions> => {
  if (!isPlainObject(dimensions)) {
    return invalid(
      "dimensions",
      `must be an object of string keys to string values, got ${
        typeof dimensions === "object" && dimensions !== null ? describeObject(dimensions) : describeType(dimensions)
      }`
    )
  }
  const added = validateDimensionsRecord(dimensions)
  if (!added.ok) return added
  const merged = { ...globals, ...added.value }
  const problem = globalDimensionCount.check(Object.keys(merged).length)
  return problem === undefined ? { ok: true, value: merged } : invalid("dimensions", problem)
}

/**
 * The global dimensions without `keys`: an array of strings. A lone string is refused rather
 * than iterated character by character.
 * @internal
 */
export const removedDimensions = (
  keys: unknown,
  globals: Datapoint.Dimensions
): Checked<Datapoint.Dimensions> => {
  if (typeof keys === "string") {
    return invalid("keys", `must be an array of dimension keys, got a string; did you mean [${JSON.stringify(keys)}]?`)
  }
  if (!Array.isArray(keys)) return invalid("keys", `must be an array of dimension keys, got ${describeType(keys)}`)
  const bad = keys.findIndex((key) => typeof key !== "string")
  if (bad !== -1) {
    return invalid(`keys[${bad}]`, `a dimension key must be a string, got ${describeType(keys[bad])}`)
  }
  const remaining: Record<string, string> = { ...globals }
  for (const key of keys) delete remaining[key]
  return { ok: true, value: remaining }
}
