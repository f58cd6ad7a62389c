/**
 * measured-core metrics as SignalFx datapoints, in the convention of the pyformance / Codahale
 * reporters of the official clients: a running `count` is a cumulative counter, every other
 * statistic a gauge named `{metric}.{statistic}`.
 *
 * - `Counter`: a cumulative counter `{metric}`;
 * - `Gauge`, `SettableGauge`, `CachedGauge`: a gauge `{metric}`;
 * - `Histogram`: `.count` (cumulative), and `.min`, `.max`, `.mean`, `.stddev`, `.median`,
 *   `.p75`, `.p95`, `.p99`, `.p999` gauges;
 * - `Meter`: `.count` (cumulative), and `.mean`, `.currentRate`, `.1MinuteRate`,
 *   `.5MinuteRate`, `.15MinuteRate` gauges;
 * - `Timer`: the meter's figures and the histogram's gauges.
 */
import type { PointsBuilder } from "./points.js"

/**
 * A measured-core metric: what `Counter`, `Gauge`, `SettableGauge`, `CachedGauge`,
 * `Histogram`, `Meter` and `Timer` have in common.
 *
 * @since 0.1.0
 * @category models
 */
export interface MeasuredMetric {
  getType(): string
  toJSON(): unknown
}

/**
 * A measured-core `Collection`: its metrics are reported as `{collection name}.{metric name}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface MeasuredCollection {
  readonly name?: string | undefined
  readonly _metrics: { readonly [name: string]: MeasuredMetric }
}

/**
 * A measured-core `Collection`, or a plain object of named measured-core metrics.
 *
 * @since 0.1.0
 * @category models
 */
export type MeasuredRegistry = MeasuredCollection | { readonly [name: string]: MeasuredMetric }

const histogramGauges = ["min", "max", "mean", "stddev", "median", "p75", "p95", "p99", "p999"] as const
const meterGauges = ["mean", "currentRate", "1MinuteRate", "5MinuteRate", "15MinuteRate"] as const

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null

const numberAt = (record: Readonly<Record<string, unknown>>, key: string): number | undefined => {
  const value = record[key]
  return typeof value === "number" ? value : undefined
}

const addStatistics = (
  builder: PointsBuilder,
  name: string,
  data: unknown,
  statistics: ReadonlyArray<string>,
  dimensions: Readonly<Record<string, string>>
): void => {
  if (!isRecord(data)) return
  for (const statistic of statistics) {
    const value = numberAt(data, statistic)
    if (value !== undefined) builder.add("gauge", `${name}.${statistic}`, value, dimensions)
  }
}

const addCount = (
  builder: PointsBuilder,
  name: string,
  data: unknown,
  dimensions: Readonly<Record<string, string>>
): void => {
  const count = isRecord(data) ? numberAt(data, "count") : undefined
  if (count !== undefined) builder.add("cumulative_counter", `${name}.count`, count, dimensions)
}

/** @internal */
export const addMeasuredMetric = (
  builder: PointsBuilder,
  name: string,
  metric: MeasuredMetric,
  dimensions: Readonly<Record<string, string>>
): void => {
  const data = metric.toJSON()
  switch (metric.getType()) {
    case "Counter":
      if (typeof data === "number") builder.add("cumulative_counter", name, data, dimensions)
      return
    case "Gauge":
    case "SettableGauge":
    case "CachedGauge":
      if (typeof data === "number") builder.add("gauge", name, data, dimensions)
      return
    case "Histogram":
      addCount(builder, name, data, dimensions)
      addStatistics(builder, name, data, histogramGauges, dimensions)
      return
    case "Meter":
      addCount(builder, name, data, dimensions)
      addStatistics(builder, name, data, meterGauges, dimensions)
      return
    case "Timer":
      if (!isRecord(data)) return
      addCount(builder, name, data.meter, dimensions)
      addStatistics(builder, name, data.meter, meterGauges.filter((statistic) => statistic !== "mean"), dimensions)
      addStatistics(builder, name, data.histogram, histogramGauges, dimensions)
      return
  }
}

/**
 * A measured-core `Collection` names its metrics `{collection}.{metric}`, as its `toJSON` nests them.
 * @internal
 */
export const addMeasuredRegistry = (
  builder: PointsBuilder,
  registry: MeasuredRegistry,
  include: (name: string) => boolean
): void => {
  const metrics: Readonly<Record<string, unknown>> = isCollection(registry) ? registry._metrics : registry
  const prefix = isCollection(registry) && registry.name !== undefined && registry.name !== ""
    ? `${registry.name}.`
    : ""
  for (const key of Object.keys(metrics)) {
    const metric = metrics[key]
    if (!isMeasuredMetric(metric)) continue
    const name = prefix + key
    if (include(name)) addMeasuredMetric(builder, name, metric, {})
  }
}

const isMeasuredMetric = (value: unknown): value is MeasuredMetric =>
  isRecord(value) && typeof value.getType === "function" && typeof value.toJSON === "function"

const isCollection = (registry: MeasuredRegistry): registry is MeasuredCollection =>
  "_metrics" in registry && isRecord(registry._metrics) && !isMeasuredMetric(registry._metrics)
