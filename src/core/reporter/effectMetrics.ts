/**
 * Effect's metric registry as SignalFx datapoints, for either Effect major: each package reads its
 * registry into {@link MetricSnapshot}s (Effect 4's `Metric.snapshot` already has this shape;
 * Effect 3's `MetricPair`s are mapped to it) and this turns them into datapoints. Attributes
 * (Effect 3's tags) become dimensions.
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
import type { PointsBuilder } from "./points.js"

/** The statistics both histograms and summaries keep. @internal */
interface Distribution {
  readonly count: number
  readonly min: number
  readonly max: number
  readonly sum: number
}

/**
 * One metric of the registry, its state read: Effect 4's `Metric.Snapshot`, structurally.
 * @internal
 */
export type MetricSnapshot =
  & {
    readonly id: string
    readonly attributes: Readonly<Record<string, string>> | undefined
  }
  & (
    | {
      readonly type: "Counter"
      readonly state: { readonly count: number | bigint; readonly incremental: boolean }
    }
    | { readonly type: "Gauge"; readonly state: { readonly value: number | bigint } }
    | {
      readonly type: "Histogram"
      /** Cumulative counts per upper bound, the last bound `Infinity`. */
      readonly state: Distribution & { readonly buckets: Iterable<readonly [number, number]> }
    }
    | {
      readonly type: "Summary"
      readonly state: Distribution & { readonly quantiles: Iterable<readonly [number, number | undefined]> }
    }
    | { readonly type: "Frequency"; readonly state: { readonly occurrences: Iterable<readonly [string, number]> } }
  )

/** `0.5` → `p50`, `0.99` → `p99`, `0.999` → `p999`. @internal */
export const quantileSuffix = (quantile: number): string =>
  `p${String(Math.round(quantile * 1000) / 10).replace(".", "")}`

/**
 * The metrics this library keeps about its own delivery (`Ingest.metrics`): left out of reports
 * by default, with the Effect runtime's own.
 * @internal
 */
export const LIBRARY_METRIC_PREFIX = "signalfx_ingest_"

/**
 * The default `include`: `false` for the names under `runtimePrefix` (the metrics the Effect
 * runtime keeps about itself, named differently by each major) and for this library's own.
 * @internal
 */
export const applicationMetricsExcept = (runtimePrefix: string) => (name: string): boolean =>
  !name.startsWith(runtimePrefix) && !name.startsWith(LIBRARY_METRIC_PREFIX)

const addDistribution = (
  builder: PointsBuilder,
  name: string,
  state: Distribution,
  dimensions: Readonly<Record<string, string>>
): void => {
  builder.add("cumulative_counter", `${name}.count`, state.count, dimensions)
  builder.add("cumulative_counter", `${name}.sum`, state.sum, dimensions)
  // An empty distribution's min and max are placeholders (±Number.MAX_VALUE), not figures.
  if (state.count > 0) {
    builder.add("gauge", `${name}.min`, state.min, dimensions)
    builder.add("gauge", `${name}.max`, state.max, dimensions)
  }
}

/** @internal */
export const addEffectMetrics = (
  builder: PointsBuilder,
  snapshots: Iterable<MetricSnapshot>,
  include: (name: string) => boolean
): void => {
  for (const snapshot of snapshots) {
    const name = snapshot.id
    if (!include(name)) continue
    const dimensions: Readonly<Record<string, string>> = { ...snapshot.attributes }
    switch (snapshot.type) {
      case "Counter":
        builder.add(snapshot.state.incremental ? "cumulative_counter" : "gauge", name, snapshot.state.count, dimensions)
        break
      case "Gauge":
        builder.add("gauge", name, snapshot.state.value, dimensions)
        break
      case "Histogram":
        addDistribution(builder, name, snapshot.state, dimensions)
        for (const [bound, count] of snapshot.state.buckets) {
          builder.add("cumulative_counter", `${name}.bucket`, count, {
            ...dimensions,
            upper_bound: Number.isFinite(bound) ? String(bound) : "+Inf"
          })
        }
        break
      case "Summary":
        addDistribution(builder, name, snapshot.state, dimensions)
        for (const [quantile, value] of snapshot.state.quantiles) {
          if (value !== undefined) builder.add("gauge", `${name}.${quantileSuffix(quantile)}`, value, dimensions)
        }
        break
      case "Frequency":
        for (const [value, count] of snapshot.state.occurrences) {
          builder.add("cumulative_counter", name, count, { ...dimensions, value })
        }
        break
    }
  }
}
