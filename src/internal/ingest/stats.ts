/**
 * The pipelines' accounting (`../../core/ingest/stats.ts`) mirrored into Effect metrics, so an
 * application's own metrics pipeline sees the same figures.
 */
import * as Metric from "effect/Metric"
import * as MetricLabel from "effect/MetricLabel"
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
 * The metrics of one kind (`datapoints` or `events`), their labels made once.
 * @internal
 */
export const metricsMirror = (kind: "datapoints" | "events"): StatsMirror => {
  const tags = [MetricLabel.make("kind", kind)]
  const dropTags = byReason((reason) => [...tags, MetricLabel.make("reason", reason)])
  return {
    accepted: (count) => accepted.unsafeUpdate(count, tags),
    delivered: (count) => delivered.unsafeUpdate(count, tags),
    dropped: (reason, count) => dropped.unsafeUpdate(count, dropTags[reason]),
    pending: (value) => pending.unsafeUpdate(value, tags),
    requests: (count) => requests.unsafeUpdate(count, tags),
    retries: (count) => retries.unsafeUpdate(count, tags),
    bytesSent: (bytes) => bytesSent.unsafeUpdate(bytes, tags)
  }
}
