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

/**
 * The last time a request failed: what went wrong, and when.
 * @internal
 */
export interface DeliveryError {
  /** As logged: the network error, the timeout, or the status and the service's message. */
  readonly message: string
  readonly at: Date
}

/** @internal */
export interface PipelineStats {
  readonly accepted: number
  readonly delivered: number
  readonly pending: number
  readonly dropped: { readonly [reason in DropReason]: number }
  readonly retries: number
  readonly requests: number
  /** Body bytes of the requests the server answered (after compression): what surely left. */
  readonly bytesSent: number
  /** The last failed request (a network error, a timeout, a refusal), or `undefined`. */
  readonly lastError: DeliveryError | undefined
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
  description: "Body bytes of the requests the server answered, after compression"
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
  lastError: DeliveryError | undefined = undefined
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

  request(isRetry: boolean): void {
    this.requests++
    requests.unsafeUpdate(1, this.tags)
    if (isRetry) {
      this.retries++
      retries.unsafeUpdate(1, this.tags)
    }
  }

  /** The server answered a request with this many body bytes: they surely left. */
  sent(bytes: number): void {
    this.bytesSent += bytes
    bytesSent.unsafeUpdate(bytes, this.tags)
  }

  fail(message: string, at: number): void {
    this.lastError = { message, at: new Date(at) }
  }

  snapshot(): PipelineStats {
    return {
      accepted: this.accepted,
      delivered: this.delivered,
      pending: this.pending,
      dropped: { ...this.dropped },
      retries: this.retries,
      requests: this.requests,
      bytesSent: this.bytesSent,
      lastError: this.lastError
    }
  }
}
