/**
 * The accounting of one pipeline. Every item accepted ends in exactly one of `delivered` or a
 * `dropped` reason, and `pending` is derived from the others, so
 * `accepted = delivered + pending + Σ dropped` holds by construction. The same figures are
 * mirrored into Effect metrics so an application's own metrics pipeline sees them.
 */
import * as Metric from "effect/Metric"
import * as MetricLabel from "effect/MetricLabel"

/** @internal */
export type DropReason = "queueFull" | "rejected" | "retriesExhausted" | "tooLarge" | "shutdownDeadline" | "closed"

/** @internal */
export interface PipelineStats {
  readonly accepted: number
  readonly delivered: number
  readonly pending: number
  readonly dropped: { readonly [reason in DropReason]: number }
  readonly retries: number
  readonly requests: number
  readonly bytesSent: number
}

/** @internal */
export const accepted = Metric.counter("signalfx_ingest_accepted", {
  description: "Datapoints or events accepted by send, including those later dropped"
})
/** @internal */
export const delivered = Metric.counter("signalfx_ingest_delivered", {
  description: "Datapoints or events the service answered with success"
})
/** @internal */
export const dropped = Metric.counter("signalfx_ingest_dropped", {
  description: "Datapoints or events not delivered, by reason"
})
/** @internal */
export const pending = Metric.gauge("signalfx_ingest_pending", {
  description: "Datapoints or events queued or in flight"
})
/** @internal */
export const retries = Metric.counter("signalfx_ingest_retries", { description: "Requests sent again after a failure" })
/** @internal */
export const requests = Metric.counter("signalfx_ingest_requests", {
  description: "HTTP requests sent to the ingest API"
})
/** @internal */
export const bytesSent = Metric.counter("signalfx_ingest_bytes_sent", {
  description: "Request body bytes sent, after compression"
})

/** @internal */
export class StatsRecorder {
  accepted = 0
  delivered = 0
  readonly dropped: { [reason in DropReason]: number } = {
    queueFull: 0,
    rejected: 0,
    retriesExhausted: 0,
    tooLarge: 0,
    shutdownDeadline: 0,
    closed: 0
  }
  retries = 0
  requests = 0
  bytesSent = 0
  private readonly tags: ReadonlyArray<MetricLabel.MetricLabel>
  private readonly dropTags: { readonly [reason in DropReason]: ReadonlyArray<MetricLabel.MetricLabel> }

  constructor(kind: "datapoints" | "events") {
    this.tags = [MetricLabel.make("kind", kind)]
    const dropTag = (reason: DropReason) => [...this.tags, MetricLabel.make("reason", reason)]
    this.dropTags = {
      queueFull: dropTag("queueFull"),
      rejected: dropTag("rejected"),
      retriesExhausted: dropTag("retriesExhausted"),
      tooLarge: dropTag("tooLarge"),
      shutdownDeadline: dropTag("shutdownDeadline"),
      closed: dropTag("closed")
    }
  }

  /** `delivered + Σ dropped`, kept as they change: `pending` is read on every `send`. */
  private settled = 0

  get pending(): number {
    return this.accepted - this.settled
  }

  accept(count: number): void {
    this.accepted += count
    accepted.unsafeUpdate(count, this.tags)
    pending.unsafeUpdate(this.pending, this.tags)
  }

  deliver(count: number): void {
    this.delivered += count
    this.settled += count
    delivered.unsafeUpdate(count, this.tags)
    pending.unsafeUpdate(this.pending, this.tags)
  }

  drop(reason: DropReason, count: number): void {
    if (count === 0) return
    this.dropped[reason] += count
    this.settled += count
    dropped.unsafeUpdate(count, this.dropTags[reason])
    pending.unsafeUpdate(this.pending, this.tags)
  }

  request(bytes: number, isRetry: boolean): void {
    this.requests++
    this.bytesSent += bytes
    requests.unsafeUpdate(1, this.tags)
    bytesSent.unsafeUpdate(bytes, this.tags)
    if (isRetry) {
      this.retries++
      retries.unsafeUpdate(1, this.tags)
    }
  }

  snapshot(): PipelineStats {
    return {
      accepted: this.accepted,
      delivered: this.delivered,
      pending: this.pending,
      dropped: { ...this.dropped },
      retries: this.retries,
      requests: this.requests,
      bytesSent: this.bytesSent
    }
  }
}
