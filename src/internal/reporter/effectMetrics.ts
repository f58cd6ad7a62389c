/**
 * Effect 3's metric registry read into the core's snapshots (`core/reporter/effectMetrics.ts`
 * turns them into datapoints): tags become attributes, a summary's missing quantile `undefined`.
 */
import * as MetricKeyType from "effect/MetricKeyType"
import type * as MetricPair from "effect/MetricPair"
import * as MetricState from "effect/MetricState"
import * as Option from "effect/Option"
import type { MetricSnapshot } from "../../core/reporter/effectMetrics.js"

const snapshotOf = ({ metricKey, metricState }: MetricPair.MetricPair.Untyped): MetricSnapshot | undefined => {
  const id = metricKey.name
  const attributes: Record<string, string> = {}
  for (const tag of metricKey.tags) attributes[tag.key] = tag.value
  const keyType = metricKey.keyType
  if (MetricKeyType.isCounterKey(keyType) && MetricState.isCounterState(metricState)) {
    return { id, attributes, type: "Counter", state: { count: metricState.count, incremental: keyType.incremental } }
  }
  if (MetricState.isGaugeState(metricState)) return { id, attributes, type: "Gauge", state: metricState }
  if (MetricState.isHistogramState(metricState)) return { id, attributes, type: "Histogram", state: metricState }
  if (MetricState.isSummaryState(metricState)) {
    const quantiles = Array.from(
      metricState.quantiles,
      ([quantile, value]) => [quantile, Option.getOrUndefined(value)] as const
    )
    return { id, attributes, type: "Summary", state: { ...metricState, quantiles } }
  }
  if (MetricState.isFrequencyState(metricState)) return { id, attributes, type: "Frequency", state: metricState }
  return undefined
}

/** @internal */
export const snapshots = (pairs: ReadonlyArray<MetricPair.MetricPair.Untyped>): Array<MetricSnapshot> =>
  pairs.flatMap((pair) => {
    const snapshot = snapshotOf(pair)
    return snapshot === undefined ? [] : [snapshot]
  })
