/**
 * The accounting of one ingest pipeline, in both packages. Every item accepted ends in exactly
 * one of `delivered` or a `dropped` reason, and `pending` is derived from the others, so
 * `accepted = delivered + pending + Σ dropped` holds by construction. Each package mirrors the
 * figures into its Effect's metrics through a {@link StatsMirror} (metric names in {@link metricInfo}).
 */

/** @internal */
export type DropReason = "queueFull" | "rejected" | "retriesExhausted" | "tooLarge" | "shutdownDeadline" | "closed"

/** A value for each drop reason (a metric's labels, a count). @internal */
export const byReason = <A>(make: (reason: DropReason) => A): { [reason in DropReason]: A } => ({
  queueFull: make("queueFull"),
  rejected: make("rejected"),
  retriesExhausted: make("retriesExhausted"),
  tooLarge: make("tooLarge"),
  shutdownDeadline: make("shutdownDeadline"),
  closed: make("closed")
})

/**
 * The last time a request failed: what went wrong, and when.
 * @internal
 */
export interface DeliveryError {
  /** As logged: the network error, the timeout, or the status and the service's message. */
  readonly message: string
  /** The HTTP status the service answered; none for a network error or a timeout. */
  readonly status?: number | undefined
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

/**
 * The accounting of datapoints or events. At every moment
 * `accepted = delivered + pending + Σ dropped`.
 *
 * - `dropped.queueFull`: the queue was full (see `overflow`);
 * - `dropped.rejected`: the service refused them (a 4xx other than 408, 413, 429, or a redirect);
 * - `dropped.retriesExhausted`: still failing after `retry.maxElapsed`;
 * - `dropped.tooLarge`: a single datapoint or event answered with 413 (or not sent, being no
 *   smaller than a body of its batch already answered with 413);
 * - `dropped.shutdownDeadline`: not delivered when `shutdownTimeout` ran out at stop;
 * - `dropped.closed`: sent after the service was stopped.
 *
 * `bytesSent` counts the bodies of the requests the server answered (what surely left);
 * `lastError` is the last failed request, `{ message, at }`, for a health check to show.
 */
export type Stats = {
  readonly datapoints: PipelineStats
  readonly events: PipelineStats
}

/**
 * The metrics that mirror the stats, by name and description; tagged `kind`, and `dropped` also
 * `reason`.
 * @internal
 */
export const metricInfo = {
  accepted: {
    name: "signalfx_ingest_accepted",
    description: "Datapoints or events accepted by send, including those later dropped"
  },
  delivered: {
    name: "signalfx_ingest_delivered",
    description: "Datapoints or events the service answered with success"
  },
  dropped: { name: "signalfx_ingest_dropped", description: "Datapoints or events not delivered, by reason" },
  pending: { name: "signalfx_ingest_pending", description: "Datapoints or events queued or in flight" },
  retries: { name: "signalfx_ingest_retries", description: "Requests sent again after a failure" },
  requests: { name: "signalfx_ingest_requests", description: "HTTP requests sent to the ingest API" },
  bytesSent: {
    name: "signalfx_ingest_bytes_sent",
    description: "Body bytes of the requests the server answered, after compression"
  }
} as const

/**
 * Where a package's metrics follow the figures of one pipeline (its `kind` already applied).
 * @internal
 */
export interface StatsMirror {
  readonly accepted: (count: number) => void
  readonly delivered: (count: number) => void
  readonly dropped: (reason: DropReason, count: number) => void
  readonly pending: (pending: number) => void
  readonly requests: (count: number) => void
  readonly retries: (count: number) => void
  readonly bytesSent: (bytes: number) => void
}

/** @internal */
export class StatsRecorder {
  accepted = 0
  delivered = 0
  readonly dropped: { [reason in DropReason]: number } = byReason(() => 0)
  retries = 0
  requests = 0
  bytesSent = 0
  lastError: DeliveryError | undefined = undefined

  constructor(private readonly mirror: StatsMirror) {}

  /** `delivered + Σ dropped`, kept as they change: `pending` is read on every `send`. */
  private settled = 0

  get pending(): number {
    return this.accepted - this.settled
  }

  accept(count: number): void {
    this.accepted += count
    this.mirror.accepted(count)
    this.mirror.pending(this.pending)
  }

  deliver(count: number): void {
    this.delivered += count
    this.settled += count
    this.mirror.delivered(count)
    this.mirror.pending(this.pending)
  }

  drop(reason: DropReason, count: number): void {
    if (count === 0) return
    this.dropped[reason] += count
    this.settled += count
    this.mirror.dropped(reason, count)
    this.mirror.pending(this.pending)
  }

  request(isRetry: boolean): void {
    this.requests++
    this.mirror.requests(1)
    if (isRetry) {
      this.retries++
      this.mirror.retries(1)
    }
  }

  /** The server answered a request with this many body bytes: they surely left. */
  sent(bytes: number): void {
    this.bytesSent += bytes
    this.mirror.bytesSent(bytes)
  }

  fail(message: string, status: number | undefined, at: number): void {
    this.lastError = { message, status, at: new Date(at) }
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
