/**
 * Effect's metric registry as SignalFx datapoints. Tags become dimensions.
 *
 * - a counter: a cumulative counter when it only goes up (`incremental`), else a gauge, since
 *   SignalFx computes deltas of a cumulative counter and a decrease would read as a reset;
 * - a gauge: a gauge;
 * - a histogram: `.count` and `.sum` cumulative counters, `.min` / `.max` gauges, and a
 *   `.bucket` cumulative counter per bucket with its `upper_bound` dimension (`+Inf` last);
 * - a summary: `.count` and `.sum` cumulative counters, `.min` / `.max` gauges and a gauge per
 *   quantile named like `.p50`, `.p99`, `.p999`;
 * - a frequency: a cumulative counter per observed value, with the `value` dimension.
 */
import * as MetricKeyType from "effect/MetricKeyType"
import type * as MetricPair from "effect/MetricPair"
import * as MetricState from "effect/MetricState"
import * as Option from "effect/Option"
import type { PointsBuilder } from "../../core/reporter/points.js"

/** @internal */
export const quantileSuffix = (quantile: number): string =>
  `p${String(Math.round(quantile * 1000) / 10).replace(".", "")}`

/** @internal */
export const addEffectMetrics = (
  builder: PointsBuilder,
  pairs: ReadonlyArray<MetricPair.MetricPair.Untyped>,
  include: (name: string) => boolean
): void => {
  for (const { metricKey, metricState } of pairs) {
    const name = metricKey.name
    if (!include(name)) continue
    const dimensions: Record<string, string> = {}
    for (const tag of metricKey.tags) dimensions[tag.key] = tag.value
    const keyType = metricKey.keyType
    if (MetricKeyType.isCounterKey(keyType) && MetricState.isCounterState(metricState)) {
      builder.add(keyType.incremental ? "cumulative_counter" : "gauge", name, metricState.count, dimensions)
    } else if (MetricState.isGaugeState(metricState)) {
      builder.add("gauge", name, metricState.value, dimensions)
    } else if (MetricState.isHistogramState(metricState)) {
      builder.add("cumulative_counter", `${name}.count`, metricState.count, dimensions)
      builder.add("cumulative_counter", `${name}.sum`, metricState.sum, dimensions)
      if (metricState.count > 0) {
        builder.add("gauge", `${name}.min`, metricState.min, dimensions)
        builder.add("gauge", `${name}.max`, metricState.max, dimensions)
      }
      for (const [bound, count] of metricState.buckets) {
        builder.add("cumulative_counter", `${name}.bucket`, count, {
          ...dimensions,
          upper_bound: Number.isFinite(bound) ? String(bound) : "+Inf"
        })
      }
    } else if (MetricState.isSummaryState(metricState)) {
      builder.add("cumulative_counter", `${name}.count`, metricState.count, dimensions)
      builder.add("cumulative_counter", `${name}.sum`, metricState.sum, dimensions)
      if (metricState.count > 0) {
        builder.add("gauge", `${name}.min`, metricState.min, dimensions)
        builder.add("gauge", `${name}.max`, metricState.max, dimensions)
      }
      for (const [quantile, value] of metricState.quantiles) {
        if (Option.isSome(value)) builder.add("gauge", `${name}.${quantileSuffix(quantile)}`, value.value, dimensions)
      }
    } else if (MetricState.isFrequencyState(metricState)) {
      for (const [value, count] of metricState.occurrences) {
        builder.add("cumulative_counter", name, count, { ...dimensions, value })
      }
    }
  }
}
