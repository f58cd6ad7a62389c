/**
 * The Effect-free state of one ingest pipeline (datapoints, or events), which both packages
 * drive with their own fibers: the bounded queue and what a full one drops, when a batch is due,
 * the batches in flight and what `flush` waits for, the accounting of each outcome, the one
 * warning per incident, the halving of a batch answered 413, and the texts of every warning.
 *
 * A batch leaves when it is full (`maxBatchSize`, or half the queue when the queue is the smaller)
 * or when its oldest item has waited `flushInterval` (a linger, as in the OpenTelemetry batch
 * processor), and right away on `flush` and on close. Each package's consumer takes a batch only
 * when one of `maxConcurrentRequests` slots is free, so memory is bounded by the queue plus the
 * batches in flight even when the service stalls.
 */
import type * as Datapoint from "../datapoint.js"
import { countOf, formatCount, plural } from "../english.js"
import type { Verdict } from "../http/status.js"
import type { Items, Segment } from "./buffer.js"
import { countItems, SegmentBuffer } from "./buffer.js"
import type { DropReason, StatsMirror } from "./stats.js"
import { StatsRecorder } from "./stats.js"

/** @internal */
export type Kind = "datapoints" | "events"

/** @internal */
export interface PipelineSettings<I extends Items<I>> {
  readonly kind: Kind
  readonly capacity: number
  readonly maxBatchSize: number
  readonly flushIntervalMillis: number
  readonly overflow: "dropNewest" | "dropOldest"
  /** Joins a send's items to the last queued segment's, when they can be one. */
  readonly absorb?: ((last: I, next: I) => boolean) | undefined
  /** `host[:port]` of the endpoint, as the warnings name it. */
  readonly host: string
  /** `retry.maxElapsed`, formatted by the package's Effect for the warnings. */
  readonly maxElapsed: string
  /** A span of milliseconds as the package's Effect formats durations. */
  readonly formatMillis: (millis: number) => string
}

/**
 * What is left to do after items were offered: refuse them (`closed`, their count), log the
 * warning, give the event loop a turn. Allocated only when there is a warning or a refusal.
 * @internal
 */
export interface Offered {
  readonly closed: number | undefined
  readonly warning: string | undefined
  readonly yieldTurn: boolean
}

/** @internal */
export const offeredDone: Offered = { closed: undefined, warning: undefined, yieldTurn: false }
/** @internal */
export const offeredYieldTurn: Offered = { closed: undefined, warning: undefined, yieldTurn: true }

/** The items of one batch that are still in flight; its `firstSeq` holds back `flush`. @internal */
export interface Batch<I extends Items<I>> {
  readonly firstSeq: number
  readonly segments: ReadonlyArray<Segment<I>>
  remaining: number
}

/** What the consumer does next: stop, wait for a wake-up, wait at most this many milliseconds, or send. @internal */
export type Step = "finished" | "idle" | "send" | number

/** What the pipeline needs to know of a failed attempt (each package's `RequestFailure`). @internal */
export interface Failure {
  readonly error: {
    /** As logged: the network error, the timeout, or the status and the service's message. */
    readonly description: string
    /** The status answered; none for a network error or a timeout. */
    readonly status?: number | undefined
  }
  /** What the status said; none when no status came. */
  readonly verdict: Verdict | undefined
  readonly retryable: boolean
}

/**
 * What a failed attempt means to the pipeline: `"retryable"` (the network, a timeout, 408, 429,
 * 5xx), `"tooLarge"` (413: split the batch), or `"rejected"` (sending the same body again can't
 * succeed: a redirect, a refused token, another 4xx).
 * @internal
 */
export const outcomeOf = (failure: Pick<Failure, "retryable" | "verdict">): "retryable" | "tooLarge" | "rejected" =>
  failure.retryable ? "retryable" : failure.verdict === "tooLarge" ? "tooLarge" : "rejected"

/**
 * What a batch dropped as too large, for its one warning, and the smallest body refused with
 * 413. A body at least as large as one already refused would be refused too, so it is split, or
 * dropped, without being sent: a proxy that answers 413 to everything costs about log2(N)
 * requests rather than 2N-1.
 * @internal
 */
export class TooLargeTally<F extends Failure> {
  private dropped = 0
  private unsent = 0
  private smallestRefused = Infinity
  /** The 413 that refused it. */
  private refusal: F | undefined = undefined

  /** The refusal a body of this size would get again, if one no larger was refused. */
  refusedBefore(bodyLength: number): F | undefined {
    return bodyLength >= this.smallestRefused ? this.refusal : undefined
  }

  /**
   * A part answered (or, `unsent`, known to be answered) 413: returns whether it is to be split;
   * a lone item is dropped instead, and counted here for the warning.
   */
  refused(failure: F, bodyLength: number, count: number, unsent: boolean): boolean {
    if (!unsent) {
      this.smallestRefused = bodyLength
      this.refusal = failure
    }
    if (count > 1) return true
    this.dropped++
    if (unsent) this.unsent++
    return false
  }

  /** The batch's one warning, or `undefined` when it dropped nothing as too large. */
  warning(kind: Kind): string | undefined {
    if (this.dropped === 0) return undefined
    const unsent = this.unsent === 0
      ? ""
      : ` (${formatCount(this.unsent)} of them not sent, being no smaller than a body already refused)`
    return `Dropped ${countOf(this.dropped, kind)} too large to send${unsent}: ${this.refusal?.error.description}`
  }
}

/** @internal */
export const rejectedWarning = (kind: Kind, count: number, failure: Failure): string =>
  `SignalFx rejected ${countOf(count, kind)}, dropped: ${failure.error.description}`

/** @internal */
export const gaveUpWarning = (kind: Kind, count: number, attempts: number, maxElapsed: string, failure: Failure) =>
  `Gave up on ${countOf(count, kind)} after ${
    plural(attempts, "attempt")
  } within ${maxElapsed}: ${failure.error.description}`

/** @internal */
export const unexpectedFailureMessage = (kind: Kind, count: number): string =>
  `Dropped ${countOf(count, kind)} after an unexpected failure`

/** @internal */
export class PipelineState<I extends Items<I>> {
  readonly buffer: SegmentBuffer<I>
  readonly stats: StatsRecorder
  /** After a 429 or 503, requests go one at a time until one succeeds. */
  throttled = false
  closing = false
  /** A queue smaller than a batch would otherwise fill up, and drop, while the linger runs. */
  private readonly batchReadyAt: number
  private readonly inflight = new Set<Batch<I>>()
  private readonly waiters = new Set<{ readonly target: number; readonly settled: () => void }>()
  private flushTarget = 0
  private droppedWhileFull = 0
  /**
   * One incident, told twice: the first request that fails says why at once (refused, DNS, TLS,
   * a timeout, the status and the service's message), and the first that succeeds afterwards
   * says that delivery recovered. The retries in between stay quiet.
   */
  private failedSince: number | undefined = undefined
  private failedAttempts = 0

  /** `wake` tells the consumer there is something new to look at. */
  constructor(
    private readonly settings: PipelineSettings<I>,
    mirror: StatsMirror,
    private readonly wake: () => void
  ) {
    this.buffer = new SegmentBuffer<I>(settings.capacity, settings.absorb)
    this.stats = new StatsRecorder(mirror)
    this.batchReadyAt = Math.min(settings.maxBatchSize, Math.ceil(settings.capacity / 2))
  }

  /** Queues the items at once; the package does the rest (`Offered`). */
  offer(items: I, globals: Datapoint.Dimensions, now: () => number): Offered {
    const { buffer, settings, stats } = this
    const count = items.length
    if (count === 0) return offeredDone
    stats.accept(count)
    if (this.closing) {
      stats.drop("closed", count)
      return { closed: count, warning: undefined, yieldTurn: false }
    }
    let accepted = items
    let dropped = 0
    if (count > buffer.free) {
      if (settings.overflow === "dropNewest") {
        accepted = items.slice(0, buffer.free)
        dropped = count - buffer.free
      } else if (count >= buffer.capacity) {
        dropped = buffer.clear() + count - buffer.capacity
        accepted = items.slice(count - buffer.capacity)
      } else {
        dropped = buffer.dropOldest(count - buffer.free)
      }
    }
    const wasEmpty = buffer.size === 0
    buffer.offer(accepted, globals, now)
    if (wasEmpty || buffer.size >= this.batchReadyAt) this.wake()
    // Past half full, a caller sending in a tight loop is starving the event loop that delivers
    // its data: one turn of it lets responses in and batches out. That is not a wait on the
    // network, and it is what keeps such a loop from overflowing the queue on a healthy link.
    const yieldTurn = buffer.size * 2 > buffer.capacity
    let warning: string | undefined
    if (dropped > 0) {
      stats.drop("queueFull", dropped)
      this.notifyWaiters()
      if (this.droppedWhileFull === 0) {
        warning = `The ${settings.kind} queue is full (${buffer.capacity}): dropping the ${
          settings.overflow === "dropNewest" ? "newest" : "oldest"
        } ${settings.kind} until it drains`
      }
      this.droppedWhileFull += dropped
    } else if (this.droppedWhileFull > 0) {
      const total = this.droppedWhileFull
      this.droppedWhileFull = 0
      warning = `The ${settings.kind} queue recovered; ${countOf(total, settings.kind)} dropped while it was full`
    }
    if (warning !== undefined) return { closed: undefined, warning, yieldTurn }
    return yieldTurn ? offeredYieldTurn : offeredDone
  }

  /** Every item numbered below this is delivered or dropped. */
  private settledBelow(): number {
    let low = this.buffer.headSeq
    for (const batch of this.inflight) if (batch.firstSeq < low) low = batch.firstSeq
    return low
  }

  private notifyWaiters(): void {
    if (this.waiters.size === 0) return
    const low = this.settledBelow()
    for (const waiter of this.waiters) {
      if (waiter.target <= low) {
        this.waiters.delete(waiter)
        waiter.settled()
      }
    }
  }

  /**
   * Calls `settled` once every item numbered below `target` is delivered or dropped, at once if
   * they are; returns what cancels the wait.
   */
  whenSettled(target: number, settled: () => void): () => void {
    if (this.settledBelow() >= target) {
      settled()
      return () => {}
    }
    const waiter = { target, settled }
    this.waiters.add(waiter)
    return () => this.waiters.delete(waiter)
  }

  /** Sends what is queued now without waiting for the linger; returns the target to wait for. */
  flush(): number {
    const target = this.buffer.nextSeq
    if (target > this.flushTarget) this.flushTarget = target
    this.wake()
    return target
  }

  /** Stops accepting; the consumer sends what is queued and then finishes. Returns the target to wait for. */
  close(): number {
    this.closing = true
    this.wake()
    return this.buffer.nextSeq
  }

  /** What the consumer does next, at `now`. */
  next(now: number): Step {
    const { buffer } = this
    if (buffer.size === 0) return this.closing ? "finished" : "idle"
    if (this.closing || buffer.headSeq < this.flushTarget || buffer.size >= this.batchReadyAt) return "send"
    const wait = buffer.oldestEnqueuedAt! + this.settings.flushIntervalMillis - now
    return wait > 0 ? wait : "send"
  }

  /** Takes the next batch off the queue and counts it in flight, or `undefined` if none is left. */
  take(): Batch<I> | undefined {
    const segments = this.buffer.take(this.settings.maxBatchSize)
    if (segments.length === 0) return undefined
    const batch: Batch<I> = { firstSeq: segments[0]!.firstSeq, segments, remaining: countItems(segments) }
    this.inflight.add(batch)
    return batch
  }

  settle(batch: Batch<I>, outcome: "delivered" | DropReason, count: number): void {
    batch.remaining -= count
    if (outcome === "delivered") this.stats.deliver(count)
    else this.stats.drop(outcome, count)
  }

  /** The batch is done with, whatever became of it. */
  finish(batch: Batch<I>): void {
    this.inflight.delete(batch)
    this.notifyWaiters()
  }

  /** Drops everything queued or in flight as `shutdownDeadline`, once the requests are stopped. */
  abandon(): void {
    this.closing = true
    // A batch stopped before it started never ran its own accounting.
    for (const batch of this.inflight) this.settle(batch, "shutdownDeadline", batch.remaining)
    this.inflight.clear()
    this.stats.drop("shutdownDeadline", this.buffer.clear())
    this.notifyWaiters()
  }

  /** The warning at the shutdown deadline, `timeout` formatted. */
  deadlineWarning(timeout: string): string {
    return `Shutdown deadline of ${timeout} reached: ${
      countOf(this.stats.dropped.shutdownDeadline, this.settings.kind)
    } not delivered`
  }

  /** An attempt failed; returns the warning that opens an incident, if this one does. */
  failed(failure: Failure, bodyLength: number, now: number): string | undefined {
    if (failure.verdict === "throttled") this.throttled = true
    this.stats.fail(failure.error.description, failure.error.status, now)
    // An answer came, so the body surely left; not so for a network error or a timeout.
    if (failure.error.status !== undefined) this.stats.sent(bodyLength)
    // A refusal or a body too large is reported with what it drops, batch by batch.
    if (!failure.retryable) return undefined
    this.failedAttempts++
    if (this.failedSince !== undefined) return undefined
    this.failedSince = now
    const { host, kind, maxElapsed } = this.settings
    return `Cannot deliver ${kind} to ${host}: ${failure.error.description}. Retrying for up to ${maxElapsed}; the next line comes when delivery recovers or ${kind} are dropped`
  }

  /** An attempt succeeded; returns the warning that closes an incident, if one was open. */
  succeeded(bodyLength: number, now: number): string | undefined {
    this.throttled = false
    this.stats.sent(bodyLength)
    if (this.failedSince === undefined) return undefined
    const attempts = this.failedAttempts
    const since = now - this.failedSince
    this.failedSince = undefined
    this.failedAttempts = 0
    const { formatMillis, host, kind } = this.settings
    return `Delivery of ${kind} to ${host} recovered after ${plural(attempts, "failed attempt")} in ${
      formatMillis(since)
    }`
  }
}
