/**
 * The pipelines' accounting (`../../core/ingest/stats.ts`) mirrored into Effect metrics, so an
 * application's own metrics pipeline sees the same figures.
 */
import type * as Context from "effect/Context"
import * as Metric from "effect/Metric"
import type { StatsMirror } from "../../core/ingest/stats.js"
import { byReason, metricInfo } from "../../core/ingest/stats.js"

export type { DeliveryError, DropReason, PipelineStats } from "../../core/ingest/stats.js"

/** @internal */
export const accepted = Metric.counter(metricInfo.accepted.name, { description: metricInfo.accepted.description })
/** @internal */
export const delivered = Metric.counter(metricInfo.delivered.name, { description: metricInfo.delivered.description })
/** @internal */
export const dropped = Metric.counter(metricInfo.dropped.name, { description: metricInfo.dropped.description })
/** @internal */
export const pending = Metric.gauge(metricInfo.pending.name, { description: metricInfo.pending.description })
/** @internal */
export const retries = Metric.counter(metricInfo.retries.name, { description: metricInfo.retries.description })
/** @internal */
export const requests = Metric.counter(metricInfo.requests.name, { description: metricInfo.requests.description })
/** @internal */
export const bytesSent = Metric.counter(metricInfo.bytesSent.name, { description: metricInfo.bytesSent.description })

/**
 * The metrics of one kind (`datapoints` or `events`), their attributes applied once, updated in
 * the registry of `context` (the one the service was built with).
 * @internal
 */
export const metricsMirror = (kind: "datapoints" | "events", context: Context.Context<never>): StatsMirror => {
  const ofKind = <State>(metric: Metric.Metric<number, State>) => Metric.withAttributes(metric, { kind })
  const acceptedOfKind = ofKind(accepted)
  const deliveredOfKind = ofKind(delivered)
  const droppedOf = byReason((reason) => Metric.withAttributes(dropped, { kind, reason }))
  const pendingOfKind = ofKind(pending)
  const requestsOfKind = ofKind(requests)
  const retriesOfKind = ofKind(retries)
  const bytesSentOfKind = ofKind(bytesSent)
  return {
    accepted: (count) => acceptedOfKind.updateUnsafe(count, context),
    delivered: (count) => deliveredOfKind.updateUnsafe(count, context),
    dropped: (reason, count) => droppedOf[reason].updateUnsafe(count, context),
    pending: (value) => pendingOfKind.updateUnsafe(value, context),
    requests: (count) => requestsOfKind.updateUnsafe(count, context),
    retries: (count) => retriesOfKind.updateUnsafe(count, context),
    bytesSent: (bytes) => bytesSentOfKind.updateUnsafe(bytes, context)
  }
}
