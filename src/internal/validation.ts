/**
 * The fast validator behind `send`. It checks the same rules as the public Schemas (both call
 * the predicates of `limits.ts`) but without allocating per field: it runs once per datapoint
 * on the hot path, and builds path strings only when something is wrong.
 */
import * as Either from "effect/Either"
import type * as Datapoint from "../Datapoint.js"
import type * as Event from "../Event.js"
import { ValidationError, ValidationIssue } from "../SignalFxError.js"
import * as limits from "./limits.js"
import { includesKey, setEntry } from "./record.js"

/** @internal */
export const EVENT_CATEGORIES = [
  "USER_DEFINED",
  "ALERT",
  "AUDIT",
  "JOB",
  "COLLECTD",
  "SERVICE_DISCOVERY",
  "EXCEPTION",
  "AGENT"
] as const

const eventCategories: ReadonlySet<unknown> = new Set(EVENT_CATEGORIES)

const isCategory = (category: unknown): category is Event.Category => eventCategories.has(category)

/** @internal */
export const formatKey = (key: string): string => `[${JSON.stringify(key)}]`

/**
 * How many problems an error lists; the rest are counted. Describing each of a million bad
 * datapoints cost seconds and built a message of megabytes.
 * @internal
 */
export const MAX_LISTED_ISSUES = 100

class Issues {
  list: Array<ValidationIssue> | undefined = undefined
  /** Every problem found, listed or not. */
  count = 0
  add(path: string, message: string): void {
    this.addRepeated(1, () => path, message)
  }
  /** `count` problems with the same message; only those still listed get their path built. */
  addRepeated(count: number, pathOf: (k: number) => string, message: string): void {
    const listed = Math.min(count, MAX_LISTED_ISSUES - (this.list?.length ?? 0))
    for (let k = 0; k < listed; k++) (this.list ??= []).push(new ValidationIssue({ path: pathOf(k), message }))
    this.count += count
  }
  error(): ValidationError {
    const issues = this.list ?? []
    const omitted = this.count - issues.length
    return new ValidationError(omitted === 0 ? { issues } : { issues, omitted })
  }
}

/**
 * Visits the elements present in `list`, in order, and reports each run of holes in one call:
 * a sparse array of ten million slots costs no work per hole.
 */
const forEachSlot = (
  list: ReadonlyArray<unknown>,
  visit: (index: number) => void,
  holes: (from: number, count: number) => void
): void => {
  let next = 0
  for (const key of Object.keys(list)) {
    const index = Number(key)
    if (!Number.isInteger(index) || index < next || index >= list.length) continue
    if (index > next) holes(next, index - next)
    visit(index)
    next = index + 1
  }
  if (list.length > next) holes(next, list.length - next)
}

const join = (path: string, field: string): string => path === "" ? field : `${path}.${field}`

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Keys that passed `checkDimensionKey`; an application uses a handful, again and again. */
let validDimensionKeys = new Set<string>()
const MAX_CACHED_KEYS = 4096

/** `checkDimensionKey`, skipping its pattern and prefix tests for a key already found valid. */
const checkDimensionKeyCached = (key: string): string | undefined => {
  if (validDimensionKeys.has(key)) return undefined
  const problem = limits.checkDimensionKey(key)
  if (problem === undefined) {
    if (validDimensionKeys.size >= MAX_CACHED_KEYS) validDimensionKeys = new Set()
    validDimensionKeys.add(key)
  }
  return problem
}

/**
 * Copies the dimensions into a fresh object so that nothing queued refers to the caller's
 * objects; only keys that passed the rules are ever assigned (so `__proto__` can't be).
 */
const validateDimensions = (
  dimensions: unknown,
  path: string,
  issues: Issues,
  globals: Datapoint.Dimensions | undefined
): Datapoint.Dimensions => {
  const copy: Record<string, string> = {}
  if (dimensions === undefined) {
    checkMergedCount(copy, 0, globals, path, issues)
    return copy
  }
  if (!isRecord(dimensions)) {
    issues.add(
      join(path, "dimensions"),
      `dimensions must be an object of string keys to string values, got ${limits.describeValue(dimensions)}`
    )
    return copy
  }
  const keys = Object.keys(dimensions)
  if (keys.length > limits.MAX_DIMENSIONS) {
    issues.add(
      join(path, "dimensions"),
      `at most ${limits.MAX_DIMENSIONS} dimensions are allowed, got ${keys.length}`
    )
  }
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    const value = dimensions[key]
    const keyProblem = checkDimensionKeyCached(key)
    const valueProblem = limits.checkDimensionValue(value)
    if (keyProblem !== undefined) issues.add(`${join(path, "dimensions")}${formatKey(key)}`, keyProblem)
    if (valueProblem !== undefined) issues.add(`${join(path, "dimensions")}${formatKey(key)}`, valueProblem)
    if (keyProblem === undefined && typeof value === "string" && valueProblem === undefined) copy[key] = value
  }
  if (keys.length <= limits.MAX_DIMENSIONS) checkMergedCount(copy, keys.length, globals, path, issues)
  return copy
}

const hasOwn = Object.prototype.hasOwnProperty

/** The service counts the global dimensions too: together they must stay within the limit. */
const checkMergedCount = (
  own: Datapoint.Dimensions,
  ownCount: number,
  globals: Datapoint.Dimensions | undefined,
  path: string,
  issues: Issues
): void => {
  if (globals === undefined) return
  let count = ownCount
  for (const key in globals) {
    if (!hasOwn.call(own, key)) count++
  }
  if (count > limits.MAX_DIMENSIONS) {
    issues.add(
      join(path, "dimensions"),
      `with the global dimensions there would be ${count} dimensions; at most ${limits.MAX_DIMENSIONS} are allowed`
    )
  }
}

/**
 * Checks a dimensions record on its own (the global dimensions); paths are the keys.
 * @internal
 */
export const validateDimensionsRecord = (
  input: unknown
): Either.Either<Datapoint.Dimensions, ValidationError> => {
  const issues = new Issues()
  const copy = validateDimensions(input, "", issues, undefined)
  return issues.count === 0 ? Either.right(copy) : Either.left(issues.error())
}

const validateTimestamp = (timestamp: unknown, path: string, issues: Issues): number | undefined => {
  if (timestamp === undefined) return undefined
  const problem = limits.checkTimestamp(timestamp)
  if (problem === undefined && typeof timestamp === "number") return timestamp
  issues.add(join(path, "timestamp"), problem ?? "invalid timestamp")
  return undefined
}

const validateDatapoint = (
  type: Datapoint.MetricType,
  input: unknown,
  path: string,
  issues: Issues,
  globals: Datapoint.Dimensions | undefined
): Datapoint.Validated | undefined => {
  if (!isRecord(input)) {
    issues.add(path, `a datapoint must be an object with metric and value, got ${limits.describeValue(input)}`)
    return undefined
  }
  const before = issues.count
  const metric = input.metric
  const metricProblem = limits.checkName("metric name", metric)
  if (metricProblem !== undefined) issues.add(join(path, "metric"), metricProblem)
  const value = input.value
  const valueProblem = limits.checkDatapointValue(value)
  if (valueProblem !== undefined) issues.add(join(path, "value"), valueProblem)
  const timestamp = validateTimestamp(input.timestamp, path, issues)
  const dimensions = validateDimensions(input.dimensions, path, issues, globals)
  if (issues.count !== before || typeof metric !== "string" || !limits.isDatapointValue(value)) return undefined
  return { type, metric, value, timestamp, dimensions }
}

const datapointLists: ReadonlyArray<readonly [field: keyof Datapoint.Datapoints, type: Datapoint.MetricType]> = [
  ["gauges", "gauge"],
  ["counters", "counter"],
  ["cumulativeCounters", "cumulative_counter"],
  ["cumulative_counters", "cumulative_counter"]
]

const knownDatapointFields: ReadonlySet<string> = new Set(datapointLists.map(([field]) => field))

const suggestions: Readonly<Record<string, string>> = {
  gauge: "gauges",
  counter: "counters",
  cumulative_counter: "cumulativeCounters",
  cumulativeCounter: "cumulativeCounters",
  cumulative_counter_list: "cumulativeCounters"
}

/**
 * The first walk builds no path per datapoint (a string per datapoint, on the hot path); only
 * when it finds a problem does a second walk build them, for the error.
 * @internal
 */
export const validateDatapoints = (
  input: unknown,
  globals?: Datapoint.Dimensions
): Either.Either<Array<Datapoint.Validated>, ValidationError> => {
  const unnamed = walkDatapoints(input, globals, false)
  return Either.isRight(unnamed) ? unnamed : walkDatapoints(input, globals, true)
}

const walkDatapoints = (
  input: unknown,
  globals: Datapoint.Dimensions | undefined,
  withPaths: boolean
): Either.Either<Array<Datapoint.Validated>, ValidationError> => {
  const issues = new Issues()
  const valid: Array<Datapoint.Validated> = []
  if (!isRecord(input)) {
    issues.add(
      "",
      `expected an object with gauges, counters or cumulativeCounters, got ${limits.describeValue(input)}`
    )
    return Either.left(issues.error())
  }
  for (const field in input) {
    if (!knownDatapointFields.has(field)) {
      const suggestion = suggestions[field]
      issues.add(
        field,
        suggestion === undefined
          ? "unknown key; datapoints go in gauges, counters or cumulativeCounters (or cumulative_counters)"
          : `unknown key; did you mean ${suggestion}?`
      )
    }
  }
  for (const [field, type] of datapointLists) {
    const list = input[field]
    if (list === undefined) continue
    if (!Array.isArray(list)) {
      issues.add(field, `${field} must be an array of datapoints, got ${limits.describeValue(list)}`)
      continue
    }
    if (!withPaths) {
      // The hot path: a plain loop, given up at the first problem (a hole is one), since the
      // walk with paths describes them all.
      for (let i = 0; i < list.length; i++) {
        const datapoint = validateDatapoint(type, list[i], "", issues, globals)
        if (datapoint === undefined) return Either.left(issues.error())
        valid.push(datapoint)
      }
      continue
    }
    forEachSlot(
      list,
      (i) => {
        const datapoint = validateDatapoint(type, list[i], `${field}[${i}]`, issues, globals)
        if (datapoint !== undefined) valid.push(datapoint)
      },
      (from, count) => issues.addRepeated(count, (k) => `${field}[${from + k}]`, missingDatapoint)
    )
  }
  return issues.count === 0 ? Either.right(valid) : Either.left(issues.error())
}

const missingDatapoint = "a datapoint must be an object with metric and value, got undefined"

// ---------------------------------------------------------------------------------------------
// The hot path of `send` in protobuf: validate and encode in one walk

/**
 * Takes each valid datapoint of a send at once, as `validateDatapointsInto` walks it: the
 * encoder, which writes it straight into its buffer. `keys` and `values` are the datapoint's own
 * dimensions, the first `count` entries of arrays reused from one datapoint to the next.
 * @internal
 */
export interface DatapointSink {
  readonly put: (
    type: Datapoint.MetricType,
    metric: string,
    value: Datapoint.Value,
    timestamp: number | undefined,
    keys: ReadonlyArray<string>,
    values: ReadonlyArray<string>,
    count: number,
    /** The caller's dimensions object they were read from: the encoder may know it already. */
    dimensionsObject: object | undefined
  ) => void
}

const scratchKeys: Array<string> = []
const scratchValues: Array<string> = []

/**
 * `validateDatapoint` without a copy or a message: the same rules, each field read once (so a
 * getter can't answer differently to the check and to the encoder), and the datapoint handed
 * to `sink`. False at the first problem.
 */
const putDatapoint = (
  type: Datapoint.MetricType,
  input: unknown,
  globals: Datapoint.Dimensions | undefined,
  sink: DatapointSink
): boolean => {
  if (!isRecord(input)) return false
  const metric = input.metric
  if (typeof metric !== "string" || limits.checkName("metric name", metric) !== undefined) return false
  const value = input.value
  if (!limits.isDatapointValue(value) || limits.checkDatapointValue(value) !== undefined) return false
  const timestamp = input.timestamp
  if (timestamp !== undefined && (typeof timestamp !== "number" || limits.checkTimestamp(timestamp) !== undefined)) {
    return false
  }
  const dimensions = input.dimensions
  let count = 0
  if (dimensions !== undefined) {
    if (!isRecord(dimensions)) return false
    // The own enumerable keys, as `Object.keys` gives them, without the array it allocates for
    // every datapoint.
    for (const key in dimensions) {
      if (!hasOwn.call(dimensions, key)) continue
      if (count === limits.MAX_DIMENSIONS) return false
      const dimensionValue = dimensions[key]
      if (
        typeof dimensionValue !== "string" || checkDimensionKeyCached(key) !== undefined ||
        limits.checkDimensionValue(dimensionValue) !== undefined
      ) return false
      scratchKeys[count] = key
      scratchValues[count] = dimensionValue
      count++
    }
  }
  if (globals !== undefined) {
    // As `checkMergedCount`: the global dimensions the datapoint does not set count too.
    let merged = count
    for (const key in globals) {
      if (!includesKey(scratchKeys, count, key)) merged++
    }
    if (merged > limits.MAX_DIMENSIONS) return false
  }
  sink.put(type, metric, value, timestamp, scratchKeys, scratchValues, count, dimensions)
  return true
}

/**
 * Validates a send and hands each datapoint to `sink` as it goes, with the rules of
 * `validateDatapoints`. Returns how many datapoints the sink took, or `undefined` at the first
 * problem: the caller then discards what the sink took and runs `validateDatapoints` for the
 * error, which lists every problem with its path.
 * @internal
 */
export const validateDatapointsInto = (
  input: unknown,
  globals: Datapoint.Dimensions | undefined,
  sink: DatapointSink
): number | undefined => {
  if (!isRecord(input)) return undefined
  for (const field in input) {
    if (!knownDatapointFields.has(field)) return undefined
  }
  let count = 0
  for (const [field, type] of datapointLists) {
    const list = input[field]
    if (list === undefined) continue
    if (!Array.isArray(list)) return undefined
    for (let i = 0; i < list.length; i++) {
      if (!putDatapoint(type, list[i], globals, sink)) return undefined
    }
    count += list.length
  }
  return count
}

const validateProperties = (properties: unknown, path: string, issues: Issues): Event.Properties => {
  const copy: Record<string, Event.PropertyValue> = {}
  if (properties === undefined) return copy
  if (!isRecord(properties)) {
    issues.add(
      join(path, "properties"),
      `properties must be an object of string keys to values, got ${limits.describeValue(properties)}`
    )
    return copy
  }
  const keys = Object.keys(properties)
  if (keys.length > limits.MAX_PROPERTIES) {
    issues.add(
      join(path, "properties"),
      `at most ${limits.MAX_PROPERTIES} properties are allowed, got ${keys.length}`
    )
  }
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    const value = properties[key]
    const keyProblem = limits.checkPropertyKey(key)
    const valueProblem = limits.checkPropertyValue(value)
    if (keyProblem !== undefined) issues.add(`${join(path, "properties")}${formatKey(key)}`, keyProblem)
    if (valueProblem !== undefined) issues.add(`${join(path, "properties")}${formatKey(key)}`, valueProblem)
    if (keyProblem === undefined && valueProblem === undefined && limits.isPropertyValue(value)) {
      setEntry(copy, key, value)
    }
  }
  return copy
}

const validateEventAt = (
  input: unknown,
  path: string,
  issues: Issues,
  globals: Datapoint.Dimensions | undefined
): Event.Validated | undefined => {
  if (!isRecord(input)) {
    issues.add(path, `an event must be an object with an eventType, got ${limits.describeValue(input)}`)
    return undefined
  }
  const before = issues.count
  const eventType = input.eventType
  const typeProblem = limits.checkName("event type", eventType)
  if (typeProblem !== undefined) issues.add(join(path, "eventType"), typeProblem)
  // only an absent category defaults; `null` is an error, as in `EventSchema`
  const category = input.category === undefined ? "USER_DEFINED" : input.category
  if (!isCategory(category)) {
    issues.add(
      join(path, "category"),
      `the category must be one of ${EVENT_CATEGORIES.join(", ")}, got ${
        typeof category === "string" ? JSON.stringify(category) : limits.describeValue(category)
      }`
    )
  }
  const timestamp = validateTimestamp(input.timestamp, path, issues)
  const dimensions = validateDimensions(input.dimensions, path, issues, globals)
  const properties = validateProperties(input.properties, path, issues)
  if (issues.count !== before || typeof eventType !== "string" || !isCategory(category)) return undefined
  return {
    eventType,
    category,
    dimensions,
    properties,
    timestamp
  }
}

/** @internal */
export const validateEvent = (
  input: unknown,
  globals?: Datapoint.Dimensions
): Either.Either<Event.Validated, ValidationError> => {
  const issues = new Issues()
  const event = validateEventAt(input, "", issues, globals)
  return event !== undefined && issues.count === 0 ? Either.right(event) : Either.left(issues.error())
}

/** @internal */
export const validateEvents = (
  input: unknown,
  globals?: Datapoint.Dimensions
): Either.Either<Array<Event.Validated>, ValidationError> => {
  const issues = new Issues()
  if (!Array.isArray(input)) {
    issues.add("", `expected an array of events, got ${limits.describeValue(input)}`)
    return Either.left(issues.error())
  }
  const valid: Array<Event.Validated> = []
  forEachSlot(
    input,
    (i) => {
      const event = validateEventAt(input[i], `[${i}]`, issues, globals)
      if (event !== undefined) valid.push(event)
    },
    (from, count) =>
      issues.addRepeated(count, (k) => `[${from + k}]`, "an event must be an object with an eventType, got undefined")
  )
  return issues.count === 0 ? Either.right(valid) : Either.left(issues.error())
}
