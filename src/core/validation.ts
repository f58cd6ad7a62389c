/**
 * The walk that checks a send against the rule table (`rules.ts`), shared by the two ways it is
 * run. The first walk lists nothing and stops at the first problem: the one-walk encoder runs
 * it with a sink that writes each valid datapoint straight into its buffer, and
 * `validateDatapoints` with a sink that copies it. Only when that walk fails does a second,
 * the same walk given an `Issues` to fill, list every problem with its path for the error.
 * The first walk allocates nothing per field and builds no path.
 */
import type * as Datapoint from "./datapoint.js"
import type * as Event from "./event.js"
import { includesKey, setEntry } from "./record.js"
import * as rules from "./rules.js"

/** @internal */
export const formatKey = (key: string): string => `[${JSON.stringify(key)}]`

/**
 * How many problems an error lists; the rest are counted. Describing each of a million bad
 * datapoints cost seconds and built a message of megabytes.
 * @internal
 */
export const MAX_LISTED_ISSUES = 100

/**
 * One problem: where (`gauges[0].dimensions["1host"]`) and what. Each package turns a list of
 * them into its own `ValidationError`.
 * @internal
 */
export interface Problem {
  readonly path: string
  readonly message: string
}

/**
 * What a check returns: the validated value, or the problems listed (at most
 * {@link MAX_LISTED_ISSUES}) and how many more were found.
 * @internal
 */
export type Checked<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly problems: ReadonlyArray<Problem>; readonly omitted: number }

const passed = <A>(value: A): Checked<A> => ({ ok: true, value })

class Issues {
  list: Array<Problem> | undefined = undefined
  /** Every problem found, listed or not. */
  count = 0
  add(path: string, message: string): void {
    this.addRepeated(1, () => path, message)
  }
  /** `count` problems with the same message; only those still listed get their path built. */
  addRepeated(count: number, pathOf: (k: number) => string, message: string): void {
    const listed = Math.min(count, MAX_LISTED_ISSUES - (this.list?.length ?? 0))
    for (let k = 0; k < listed; k++) (this.list ??= []).push({ path: pathOf(k), message })
    this.count += count
  }
  failure<A>(): Checked<A> {
    const problems = this.list ?? []
    return { ok: false, problems, omitted: this.count - problems.length }
  }
}

/**
 * A problem the walk found: the first walk (no `issues`) stops at it, and this says so; the
 * second lists it and goes on.
 */
const stopsAt = (issues: Issues | undefined, path: string, problem: string): boolean => {
  if (issues === undefined) return true
  issues.add(path, problem)
  return false
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

const hasOwn = Object.prototype.hasOwnProperty

/** Keys that passed the dimension key rule; an application uses a handful, again and again. */
let validDimensionKeys = new Set<string>()
const MAX_CACHED_KEYS = 4096

/** The dimension key rule, skipping its pattern and prefix tests for a key already found valid. */
const checkDimensionKeyCached = (key: string): string | undefined => {
  if (validDimensionKeys.has(key)) return undefined
  const problem = rules.dimensionKey.check(key)
  if (problem === undefined) {
    if (validDimensionKeys.size >= MAX_CACHED_KEYS) validDimensionKeys = new Set()
    validDimensionKeys.add(key)
  }
  return problem
}

/**
 * The valid dimensions of the item being walked, the first entries of arrays reused from one
 * item to the next: a datapoint's are handed to the sink as they are, without a copy.
 */
const ownKeys: Array<string> = []
const ownValues: Array<string> = []

/**
 * Walks an item's own dimensions (its own enumerable keys, each value read once, so a getter
 * can't answer differently to the check and to the encoder) into `ownKeys` and `ownValues`, and
 * counts them with the global dimensions. Returns how many it read, or -1 when they break a rule.
 */
const walkDimensions = (
  dimensions: unknown,
  path: string,
  issues: Issues | undefined,
  globals: Datapoint.Dimensions | undefined
): number => {
  const at = join(path, "dimensions")
  /** Own keys, valid or not. */
  let read = 0
  /** Valid entries kept in `ownKeys` and `ownValues`. */
  let kept = 0
  let withinCount = true
  if (dimensions !== undefined) {
    if (!isRecord(dimensions)) {
      stopsAt(
        issues,
        at,
        `dimensions must be an object of string keys to string values, got ${rules.describeValue(dimensions)}`
      )
      return -1
    }
    if (issues !== undefined) {
      // The second walk names the count first; the first stops at the first key past the limit.
      const problem = rules.dimensionCount.check(Object.keys(dimensions).length)
      if (problem !== undefined) issues.add(at, problem)
      withinCount = problem === undefined
    }
    for (const key in dimensions) {
      if (!hasOwn.call(dimensions, key)) continue
      read++
      if (issues === undefined && rules.dimensionCount.check(read) !== undefined) return -1
      const value = dimensions[key]
      const keyProblem = checkDimensionKeyCached(key)
      const valueProblem = rules.dimensionValue.check(value)
      if (keyProblem !== undefined && stopsAt(issues, `${at}${formatKey(key)}`, keyProblem)) return -1
      if (valueProblem !== undefined && stopsAt(issues, `${at}${formatKey(key)}`, valueProblem)) return -1
      if (keyProblem === undefined && typeof value === "string" && valueProblem === undefined && withinCount) {
        ownKeys[kept] = key
        ownValues[kept] = value
        kept++
      }
    }
  }
  if (!withinCount) return -1
  if (globals !== undefined) {
    let merged = read
    for (const key in globals) {
      if (!includesKey(ownKeys, kept, key)) merged++
    }
    const problem = rules.mergedDimensionCount.check(merged)
    if (problem !== undefined) {
      stopsAt(issues, at, problem)
      return -1
    }
  }
  return kept === read ? kept : -1
}

/** A copy of the dimensions `walkDimensions` kept, sharing nothing with the caller's objects. */
const copyOwnDimensions = (count: number): Datapoint.Dimensions => {
  const copy: Record<string, string> = {}
  // only keys that passed the rules are assigned (so `__proto__` can't be)
  for (let i = 0; i < count; i++) copy[ownKeys[i]!] = ownValues[i]!
  return copy
}

/**
 * Takes each valid datapoint of a send as the walk finds it: the encoder, which writes it
 * straight into its buffer, or a copy for `validateDatapoints`. `keys` and `values` are the
 * datapoint's own dimensions, the first `count` entries of arrays reused from one datapoint to
 * the next.
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

/** Checks one datapoint, each field read once, and hands it to `sink` when it is valid. */
const walkDatapoint = (
  type: Datapoint.MetricType,
  input: unknown,
  path: string,
  issues: Issues | undefined,
  globals: Datapoint.Dimensions | undefined,
  sink: DatapointSink
): boolean => {
  if (!isRecord(input)) {
    stopsAt(issues, path, `a datapoint must be an object with metric and value, got ${rules.describeValue(input)}`)
    return false
  }
  const before = issues?.count
  const metric = input.metric
  const metricProblem = rules.metricName.check(metric)
  if (metricProblem !== undefined && stopsAt(issues, join(path, "metric"), metricProblem)) return false
  const value = input.value
  const valueProblem = rules.value.check(value)
  if (valueProblem !== undefined && stopsAt(issues, join(path, "value"), valueProblem)) return false
  const timestamp = input.timestamp
  const timestampProblem = timestamp === undefined ? undefined : rules.timestamp.check(timestamp)
  if (timestampProblem !== undefined && stopsAt(issues, join(path, "timestamp"), timestampProblem)) return false
  const dimensions = input.dimensions
  const count = walkDimensions(dimensions, path, issues, globals)
  if (
    count < 0 || issues?.count !== before || typeof metric !== "string" || !rules.value.is(value) ||
    (timestamp !== undefined && typeof timestamp !== "number")
  ) return false
  sink.put(type, metric, value, timestamp, ownKeys, ownValues, count, isRecord(dimensions) ? dimensions : undefined)
  return true
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

const missingDatapoint = "a datapoint must be an object with metric and value, got undefined"

/** Walks a send; returns how many datapoints the sink took, or `undefined` when any problem was found. */
const walkDatapoints = (
  input: unknown,
  globals: Datapoint.Dimensions | undefined,
  issues: Issues | undefined,
  sink: DatapointSink
): number | undefined => {
  if (!isRecord(input)) {
    stopsAt(
      issues,
      "",
      `expected an object with gauges, counters or cumulativeCounters, got ${rules.describeValue(input)}`
    )
    return undefined
  }
  for (const field in input) {
    if (knownDatapointFields.has(field)) continue
    const suggestion = suggestions[field]
    const problem = suggestion === undefined
      ? "unknown key; datapoints go in gauges, counters or cumulativeCounters (or cumulative_counters)"
      : `unknown key; did you mean ${suggestion}?`
    if (stopsAt(issues, field, problem)) return undefined
  }
  let count = 0
  for (const [field, type] of datapointLists) {
    const list = input[field]
    if (list === undefined) continue
    if (!Array.isArray(list)) {
      if (stopsAt(issues, field, `${field} must be an array of datapoints, got ${rules.describeValue(list)}`)) {
        return undefined
      }
      continue
    }
    if (issues === undefined) {
      // The hot path: a plain loop, given up at the first problem (a hole is one).
      for (let i = 0; i < list.length; i++) {
        if (!walkDatapoint(type, list[i], "", undefined, globals, sink)) return undefined
      }
    } else {
      forEachSlot(
        list,
        (i) => walkDatapoint(type, list[i], `${field}[${i}]`, issues, globals, sink),
        (from, holes) => issues.addRepeated(holes, (k) => `${field}[${from + k}]`, missingDatapoint)
      )
    }
    count += list.length
  }
  return issues === undefined || issues.count === 0 ? count : undefined
}

/**
 * Validates a send and hands each datapoint to `sink` as it goes. Returns how many datapoints
 * the sink took, or `undefined` at the first problem: the caller then discards what the sink
 * took and runs `validateDatapoints` for the error, which lists every problem with its path.
 * @internal
 */
export const validateDatapointsInto = (
  input: unknown,
  globals: Datapoint.Dimensions | undefined,
  sink: DatapointSink
): number | undefined => walkDatapoints(input, globals, undefined, sink)

/** Keeps a copy of each datapoint, sharing nothing with the caller's objects. */
class CopyingSink implements DatapointSink {
  readonly valid: Array<Datapoint.Validated> = []
  put(
    type: Datapoint.MetricType,
    metric: string,
    value: Datapoint.Value,
    timestamp: number | undefined,
    _keys: ReadonlyArray<string>,
    _values: ReadonlyArray<string>,
    count: number
  ): void {
    this.valid.push({ type, metric, value, timestamp, dimensions: copyOwnDimensions(count) })
  }
}

/**
 * The first walk copies each datapoint and builds no path; only when it finds a problem does
 * the second walk build them, for the error.
 * @internal
 */
export const validateDatapoints = (
  input: unknown,
  globals?: Datapoint.Dimensions
): Checked<Array<Datapoint.Validated>> => {
  const first = new CopyingSink()
  if (walkDatapoints(input, globals, undefined, first) !== undefined) return passed(first.valid)
  const issues = new Issues()
  const second = new CopyingSink()
  walkDatapoints(input, globals, issues, second)
  return issues.count === 0 ? passed(second.valid) : issues.failure()
}

/**
 * Checks a dimensions record on its own (the global dimensions); paths start at `dimensions`.
 * @internal
 */
export const validateDimensionsRecord = (
  input: unknown
): Checked<Datapoint.Dimensions> => {
  const issues = new Issues()
  const count = walkDimensions(input, "", issues, undefined)
  return count >= 0 && issues.count === 0 ? passed(copyOwnDimensions(count)) : issues.failure()
}

// ---------------------------------------------------------------------------------------------
// Events: rare, so only the walk that lists every problem

const validateProperties = (properties: unknown, path: string, issues: Issues): Event.Properties => {
  const copy: Record<string, Event.PropertyValue> = {}
  if (properties === undefined) return copy
  const at = join(path, "properties")
  if (!isRecord(properties)) {
    issues.add(at, `properties must be an object of string keys to values, got ${rules.describeValue(properties)}`)
    return copy
  }
  const keys = Object.keys(properties)
  const countProblem = rules.propertyCount.check(keys.length)
  if (countProblem !== undefined) issues.add(at, countProblem)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    const value = properties[key]
    const keyProblem = rules.propertyKey.check(key)
    const valueProblem = rules.propertyValue.check(value)
    if (keyProblem !== undefined) issues.add(`${at}${formatKey(key)}`, keyProblem)
    if (valueProblem !== undefined) issues.add(`${at}${formatKey(key)}`, valueProblem)
    if (keyProblem === undefined && valueProblem === undefined && rules.propertyValue.is(value)) {
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
    issues.add(path, `an event must be an object with an eventType, got ${rules.describeValue(input)}`)
    return undefined
  }
  const before = issues.count
  const eventType = input.eventType
  const typeProblem = rules.eventType.check(eventType)
  if (typeProblem !== undefined) issues.add(join(path, "eventType"), typeProblem)
  // only an absent category defaults; `null` is an error, as in `EventSchema`
  const category = input.category === undefined ? "USER_DEFINED" : input.category
  const categoryProblem = rules.category.check(category)
  if (categoryProblem !== undefined) issues.add(join(path, "category"), categoryProblem)
  const timestamp = input.timestamp
  const timestampProblem = timestamp === undefined ? undefined : rules.timestamp.check(timestamp)
  if (timestampProblem !== undefined) issues.add(join(path, "timestamp"), timestampProblem)
  const count = walkDimensions(input.dimensions, path, issues, globals)
  // copied before the properties are read: a getter among them could walk other dimensions
  const dimensions = count < 0 ? {} : copyOwnDimensions(count)
  const properties = validateProperties(input.properties, path, issues)
  if (
    issues.count !== before || typeof eventType !== "string" || !rules.category.is(category) ||
    (timestamp !== undefined && typeof timestamp !== "number")
  ) return undefined
  return { eventType, category, dimensions, properties, timestamp }
}

/** @internal */
export const validateEvent = (
  input: unknown,
  globals?: Datapoint.Dimensions
): Checked<Event.Validated> => {
  const issues = new Issues()
  const event = validateEventAt(input, "", issues, globals)
  return event !== undefined && issues.count === 0 ? passed(event) : issues.failure()
}

/** @internal */
export const validateEvents = (
  input: unknown,
  globals?: Datapoint.Dimensions
): Checked<Array<Event.Validated>> => {
  const issues = new Issues()
  if (!Array.isArray(input)) {
    issues.add("", `expected an array of events, got ${rules.describeValue(input)}`)
    return issues.failure()
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
  return issues.count === 0 ? passed(valid) : issues.failure()
}
