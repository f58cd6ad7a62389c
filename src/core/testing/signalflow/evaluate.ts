/**
 * Computes one resolution window of a published stream over the ingested datapoints: the
 * matching time series, each rolled up to one value per window, then the aggregations in order.
 */
import type { Aggregation, AggregationOp, Filter, Rollup, StreamPlan } from "./compile.js"
import type { Sample, Series, SeriesStore } from "./store.js"
import { samplesIn } from "./store.js"

/** A computed value: ints stay exact, and say so, to be sent as longs. */
export interface Value {
  readonly value: number | bigint
  readonly isInt: boolean
}

export interface OutputSeries {
  /** Identifies the output series within its publish block, the same in every window. */
  readonly identity: string
  /** The input metric while the stream is not aggregated; aggregated series are computed. */
  readonly metric: string | undefined
  readonly dimensions: Readonly<Record<string, string>>
  readonly value: Value
}

const globs = new Map<string, RegExp>()

/** `*` matches any run of characters, as in SignalFlow's metric names and filter values. */
const matchesPattern = (pattern: string, text: string): boolean => {
  if (!pattern.includes("*")) return pattern === text
  let regex = globs.get(pattern)
  if (regex === undefined) {
    regex = new RegExp(
      `^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`,
      "s"
    )
    globs.set(pattern, regex)
  }
  return regex.test(text)
}

const matchesFilter = (filter: Filter, series: Series): boolean => {
  switch (filter._tag) {
    case "Match": {
      const value = filter.key === "sf_metric" ? series.metric : series.dimensions[filter.key]
      return value !== undefined && filter.patterns.some((pattern) => matchesPattern(pattern, value))
    }
    case "And":
      return matchesFilter(filter.left, series) && matchesFilter(filter.right, series)
    case "Or":
      return matchesFilter(filter.left, series) || matchesFilter(filter.right, series)
    case "Not":
      return !matchesFilter(filter.operand, series)
  }
}

/** The time series a stream reads, whether or not they have data in a given window. */
export const matchingSeries = (plan: StreamPlan, store: SeriesStore): Array<Series> => {
  const matched: Array<Series> = []
  for (const series of store.all()) {
    if (!matchesPattern(plan.metric, series.metric)) continue
    if (plan.filter !== undefined && !matchesFilter(plan.filter, series)) continue
    matched.push(series)
  }
  return matched
}

const asNumber = (value: Value): number => Number(value.value)

/** Reduces values the way an aggregation (or the same-named rollup) does. */
const reduce = (op: AggregationOp | Rollup, values: ReadonlyArray<Value>): Value => {
  switch (op) {
    case "count":
      return { value: values.length, isInt: true }
    case "latest":
      return values[values.length - 1]!
    case "min":
      return values.reduce((best, value) => asNumber(value) < asNumber(best) ? value : best)
    case "max":
      return values.reduce((best, value) => asNumber(value) > asNumber(best) ? value : best)
    case "sum": {
      if (values.every((value) => value.isInt)) {
        const total = values.reduce((sum, value) => sum + BigInt(value.value), 0n)
        const small = total >= BigInt(Number.MIN_SAFE_INTEGER) && total <= BigInt(Number.MAX_SAFE_INTEGER)
        return { value: small ? Number(total) : total, isInt: true }
      }
      return { value: values.reduce((sum, value) => sum + asNumber(value), 0), isInt: false }
    }
    case "mean":
    case "average":
      if (values.length === 1) return values[0]!
      return { value: values.reduce((sum, value) => sum + asNumber(value), 0) / values.length, isInt: false }
  }
}

const defaultRollup = (type: Series["type"]): Rollup =>
  type === "gauge" ? "average" : type === "counter" ? "sum" : "latest"

const rollUp = (series: Series, samples: ReadonlyArray<Sample>, rollup: Rollup | undefined): Value =>
  reduce(rollup ?? defaultRollup(series.type), samples)

const aggregate = (aggregation: Aggregation, inputs: ReadonlyArray<OutputSeries>): Array<OutputSeries> => {
  const groups = new Map<string, { dimensions: Record<string, string>; values: Array<Value> }>()
  for (const input of inputs) {
    const dimensions: Record<string, string> = {}
    let complete = true
    for (const name of aggregation.by ?? []) {
      const value = input.dimensions[name]
      if (value === undefined) {
        complete = false
        break
      }
      Object.defineProperty(dimensions, name, { value, enumerable: true, writable: true, configurable: true })
    }
    // A series without every grouping dimension takes no part, as in the service.
    if (!complete) continue
    const identity = JSON.stringify((aggregation.by ?? []).map((name) => dimensions[name]))
    let group = groups.get(identity)
    if (group === undefined) {
      group = { dimensions, values: [] }
      groups.set(identity, group)
    }
    group.values.push(input.value)
  }
  return [...groups].map(([identity, group]) => ({
    identity,
    metric: undefined,
    dimensions: group.dimensions,
    value: reduce(aggregation.op, group.values)
  }))
}

/** The output series of a stream with a value in the window `[from, to)`. */
export const evaluateWindow = (
  plan: StreamPlan,
  inputs: ReadonlyArray<Series>,
  from: number,
  to: number
): Array<OutputSeries> => {
  let outputs: Array<OutputSeries> = []
  for (const series of inputs) {
    const samples = samplesIn(series, from, to)
    if (samples.length === 0) continue
    outputs.push({
      identity: series.key,
      metric: series.metric,
      dimensions: series.dimensions,
      value: rollUp(series, samples, plan.rollup)
    })
  }
  for (const aggregation of plan.aggregations) outputs = aggregate(aggregation, outputs)
  return outputs
}
