/**
 * One ingest pipeline (datapoints, or events): the bounded queue, the consumer fiber that turns
 * it into batches, and the delivery of each batch with retries, splitting and accounting.
 *
 * A batch leaves when it is full (`maxBatchSize`, or half the queue when the queue is the smaller)
 * or when its oldest item has waited `flushInterval` (a linger, as in the OpenTelemetry batch
 * processor), and right away on `flush` and on close. The consumer takes a batch only when one
 * of `maxConcurrentRequests` slots is free, so memory is bounded by the queue plus the batches in
 * flight even when the service stalls; a full queue drops per the `overflow` option and counts
 * what it drops.
 */
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as FiberSet from "effect/FiberSet"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as zlib from "node:zlib"
import { countOf, formatCount, plural } from "../../core/english.js"
import type { Items, Segment } from "../../core/ingest/buffer.js"
import { countItems, SegmentBuffer, splitSegments } from "../../core/ingest/buffer.js"
import type * as Datapoint from "../../Datapoint.js"
import { ClosedError } from "../../SignalFxError.js"
import type { RequestFailure } from "../http/request.js"
import { retryPolicy } from "../http/retry.js"
import type { ResolvedOptions } from "./options.js"
import { AUTO_GZIP_THRESHOLD, GZIP_LEVEL } from "./options.js"
import type { DropReason } from "./stats.js"
import { StatsRecorder } from "./stats.js"
import type { Transport } from "./transport.js"
import { outcomeOf } from "./transport.js"

/** @internal */
export interface PipelineConfig<I extends Items<I>> {
  readonly kind: "datapoints" | "events"
  readonly path: string
  readonly capacity: number
  readonly contentType: string
  /** The body of one request from the segments of a batch. */
  readonly encode: (segments: ReadonlyArray<Segment<I>>) => Uint8Array
  /** Joins a send's items to the last queued segment's, when they can be one. */
  readonly absorb?: (last: I, next: I) => boolean
}

/**
 * What is left to do after items were offered: fail with the `ClosedError`, log the warning,
 * give the event loop a turn. Allocated only when there is a warning or an error.
 * @internal
 */
export interface Offered {
  readonly closed: ClosedError | undefined
  readonly warning: Effect.Effect<void> | undefined
  readonly yieldTurn: boolean
}

/** @internal */
export const offeredDone: Offered = { closed: undefined, warning: undefined, yieldTurn: false }
const offeredYieldTurn: Offered = { closed: undefined, warning: undefined, yieldTurn: true }

/** Gives the event loop one turn (`setImmediate`): not a wait on the network. */
const yieldToEventLoop: Effect.Effect<void> = Effect.async<void>((resume) => {
  const handle = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(handle))
})

/**
 * The rest of an offer, as an effect.
 * @internal
 */
export const completeOffer = (offered: Offered): Effect.Effect<void, ClosedError> => {
  if (offered === offeredDone) return Effect.void
  if (offered.closed !== undefined) return Effect.fail(offered.closed)
  const warning = offered.warning ?? Effect.void
  return offered.yieldTurn ? Effect.zipRight(warning, yieldToEventLoop) : warning
}

/** @internal */
export interface Pipeline<I extends Items<I>> extends PipelineControl {
  /**
   * Queues the items at once, when called (it is the synchronous core of `send`, run inside an
   * effect by the service and straight from the Promise facade); `completeOffer` does the rest.
   */
  readonly unsafeOffer: (items: I, globals: Datapoint.Dimensions) => Offered
}

/**
 * A pipeline but for its offer, whose items differ with what it queues.
 * @internal
 */
export interface PipelineControl {
  readonly flush: Effect.Effect<void>
  /** Stops accepting, sends what is queued, and gives up at the shutdown deadline. */
  readonly close: Effect.Effect<void>
  /**
   * Stops at once: what is queued or in flight is dropped as `shutdownDeadline`, and the requests
   * still open are aborted. For a deadline that has already passed.
   */
  readonly abandon: Effect.Effect<void>
  readonly stats: StatsRecorder
}

/** What a batch dropped as too large, for its one warning, and the smallest body refused with 413. */
interface TooLargeTally {
  dropped: number
  unsent: number
  smallestRefused: number
  /** The 413 that refused it. */
  refusal: RequestFailure | undefined
}

/** The items of one batch that are still in flight; its `firstSeq` holds back `flush`. */
interface Batch {
  readonly firstSeq: number
  remaining: number
}

const gzipOptions: zlib.ZlibOptions = { level: GZIP_LEVEL }

/**
 * On the calling thread: at level 1 compressing a batch takes about as long as handing it to
 * libuv's pool and back (~80 µs per 1,000 datapoints either way on the main thread), and the
 * pool's round trips added ~130 µs of CPU per batch on top.
 */
const gzip = (body: Uint8Array): Effect.Effect<Uint8Array> => Effect.sync(() => zlib.gzipSync(body, gzipOptions))

/** @internal */
export const makePipeline = <I extends Items<I>>(
  config: PipelineConfig<I>,
  options: ResolvedOptions,
  transport: Transport
): Effect.Effect<Pipeline<I>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { kind } = config
    const buffer = new SegmentBuffer<I>(config.capacity, config.absorb)
    const stats = new StatsRecorder(kind)
    const clock = yield* Effect.clock
    const currentTimeMillis = (): number => clock.unsafeCurrentTimeMillis()
    const wake = yield* Effect.makeLatch(false)
    const slots = yield* Effect.makeSemaphore(options.maxConcurrentRequests)
    const throttleGate = yield* Effect.makeSemaphore(1)
    const fibers = yield* FiberSet.make()
    const schedule = retryPolicy<RequestFailure>(options.retry)
    const inflight = new Set<Batch>()
    const waiters = new Set<{ readonly target: number; readonly deferred: Deferred.Deferred<void> }>()
    // A queue smaller than a batch would otherwise fill up, and drop, while the linger runs.
    const batchReadyAt = Math.min(options.maxBatchSize, Math.ceil(config.capacity / 2))
    let throttled = false
    let closing = false
    let flushTarget = 0
    let droppedWhileFull = 0

    /** Every item numbered below this is delivered or dropped. */
    const settledBelow = (): number => {
      let low = buffer.headSeq
      for (const batch of inflight) if (batch.firstSeq < low) low = batch.firstSeq
      return low
    }

    const notifyWaiters = (): void => {
      if (waiters.size === 0) return
      const low = settledBelow()
      for (const waiter of waiters) {
        if (waiter.target <= low) {
          waiters.delete(waiter)
          Deferred.unsafeDone(waiter.deferred, Exit.void)
        }
      }
    }

    const awaitSettled = (target: number): Effect.Effect<void> =>
      Effect.suspend(() => {
        if (settledBelow() >= target) return Effect.void
        const deferred = Deferred.unsafeMake<void>(FiberId.none)
        const waiter = { target, deferred }
        waiters.add(waiter)
        return Deferred.await(deferred).pipe(Effect.ensuring(Effect.sync(() => waiters.delete(waiter))))
      })

    const settle = (batch: Batch, outcome: "delivered" | DropReason, count: number): void => {
      batch.remaining -= count
      if (outcome === "delivered") stats.deliver(count)
      else stats.drop(outcome, count)
    }

    // The consumer and close run under these annotations; an offer annotates only its rare
    // warnings, since wrapping every offer in `annotateLogs` cost more than queueing a `send`.
    const annotate = Effect.annotateLogs({ package: "effect-signalfx", module: "Ingest" })

    const unsafeOffer: Pipeline<I>["unsafeOffer"] = (items, globals) => {
      const count = items.length
      if (count === 0) return offeredDone
      stats.accept(count)
      if (closing) {
        stats.drop("closed", count)
        return { closed: new ClosedError({ what: kind, count }), warning: undefined, yieldTurn: false }
      }
      let accepted = items
      let dropped = 0
      if (count > buffer.free) {
        if (options.overflow === "dropNewest") {
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
      buffer.offer(accepted, globals, currentTimeMillis)
      if (wasEmpty || buffer.size >= batchReadyAt) wake.unsafeOpen()
      // Past half full, a caller sending in a tight loop is starving the event loop that delivers
      // its data: one turn of it lets responses in and batches out. That is not a wait on the
      // network, and it is what keeps such a loop from overflowing the queue on a healthy link.
      const yieldTurn = buffer.size * 2 > buffer.capacity
      let warning: Effect.Effect<void> | undefined
      if (dropped > 0) {
        stats.drop("queueFull", dropped)
        notifyWaiters()
        if (droppedWhileFull === 0) {
          warning = annotate(Effect.logWarning(
            `The ${kind} queue is full (${buffer.capacity}): dropping the ${
              options.overflow === "dropNewest" ? "newest" : "oldest"
            } ${kind} until it drains`
          ))
        }
        droppedWhileFull += dropped
      } else if (droppedWhileFull > 0) {
        const total = droppedWhileFull
        droppedWhileFull = 0
        warning = annotate(
          Effect.logWarning(`The ${kind} queue recovered; ${countOf(total, kind)} dropped while it was full`)
        )
      }
      if (warning !== undefined) return { closed: undefined, warning, yieldTurn }
      return yieldTurn ? offeredYieldTurn : offeredDone
    }

    /**
     * One incident, told twice: the first request that fails says why at once (refused, DNS, TLS,
     * a timeout, the status and the service's message), and the first that succeeds afterwards
     * says that delivery recovered. The retries in between stay quiet.
     */
    let failedSince: number | undefined
    let failedAttempts = 0

    const failed = (failure: RequestFailure, bytes: number): Effect.Effect<void> => {
      if (failure.verdict === "throttled") throttled = true
      const now = clock.unsafeCurrentTimeMillis()
      stats.fail(failure.error.description, now)
      // An answer came, so the body surely left; not so for a network error or a timeout.
      if (failure.error.status !== undefined) stats.sent(bytes)
      // A refusal or a body too large is reported with what it drops, batch by batch.
      if (!failure.retryable) return Effect.void
      failedAttempts++
      if (failedSince !== undefined) return Effect.void
      failedSince = now
      return Effect.logWarning(
        `Cannot deliver ${kind} to ${options.endpoint.host}: ${failure.error.description}. Retrying for up to ${
          Duration.format(options.retry.maxElapsed)
        }; the next line comes when delivery recovers or ${kind} are dropped`
      )
    }

    const succeeded = (bytes: number): Effect.Effect<void> => {
      throttled = false
      stats.sent(bytes)
      if (failedSince === undefined) return Effect.void
      const attempts = failedAttempts
      const since = clock.unsafeCurrentTimeMillis() - failedSince
      failedSince = undefined
      failedAttempts = 0
      return Effect.logWarning(
        `Delivery of ${kind} to ${options.endpoint.host} recovered after ${plural(attempts, "failed attempt")} in ${
          Duration.format(Duration.millis(since))
        }`
      )
    }

    const attempt = (body: Uint8Array, gzipped: boolean, isRetry: () => boolean) =>
      Effect.suspend(() => {
        stats.request(isRetry())
        const post = transport.post(config.path, body, config.contentType, gzipped)
        return throttled ? throttleGate.withPermits(1)(post) : post
      }).pipe(
        Effect.tapBoth({
          onSuccess: () => Effect.suspend(() => succeeded(body.length)),
          onFailure: (failure: RequestFailure) => Effect.suspend(() => failed(failure, body.length))
        })
      )

    /**
     * One batch, split in halves while the service answers 413. A body at least as large as one
     * already refused would be refused too, so it is split, or dropped, without being sent: a
     * proxy that answers 413 to everything costs about log2(N) requests rather than 2N-1. The
     * datapoints dropped as too large are told in one warning per batch.
     */
    const send = (batch: Batch, segments: ReadonlyArray<Segment<I>>): Effect.Effect<void> =>
      Effect.gen(function*() {
        const tooLarge: TooLargeTally = { dropped: 0, unsent: 0, smallestRefused: Infinity, refusal: undefined }
        yield* sendPart(batch, segments, tooLarge)
        if (tooLarge.dropped === 0) return
        const unsent = tooLarge.unsent === 0
          ? ""
          : ` (${formatCount(tooLarge.unsent)} of them not sent, being no smaller than a body already refused)`
        yield* Effect.logWarning(
          `Dropped ${
            countOf(tooLarge.dropped, kind)
          } too large to send${unsent}: ${tooLarge.refusal?.error.description}`
        )
      })

    const sendPart = (
      batch: Batch,
      segments: ReadonlyArray<Segment<I>>,
      tooLarge: TooLargeTally
    ): Effect.Effect<void> =>
      Effect.gen(function*() {
        const count = countItems(segments)
        const encoded = config.encode(segments)
        const gzipped = options.compression === "gzip" ||
          (options.compression === "auto" && encoded.length > AUTO_GZIP_THRESHOLD)
        const body = gzipped ? yield* gzip(encoded) : encoded
        const refusedUnsent = body.length >= tooLarge.smallestRefused
        let attempts = 0
        const outcome = refusedUnsent && tooLarge.refusal !== undefined
          ? Either.left(tooLarge.refusal)
          : yield* attempt(body, gzipped, () => attempts++ > 0).pipe(Effect.retry(schedule), Effect.either)
        if (Either.isRight(outcome)) return settle(batch, "delivered", count)
        const failure = outcome.left
        switch (outcomeOf(failure)) {
          case "tooLarge": {
            if (!refusedUnsent) {
              tooLarge.smallestRefused = body.length
              tooLarge.refusal = failure
            }
            if (count === 1) {
              settle(batch, "tooLarge", 1)
              tooLarge.dropped++
              if (refusedUnsent) tooLarge.unsent++
              return
            }
            const [first, second] = splitSegments(segments, Math.ceil(count / 2))
            yield* sendPart(batch, first, tooLarge)
            return yield* sendPart(batch, second, tooLarge)
          }
          case "rejected":
            settle(batch, "rejected", count)
            return yield* Effect.logWarning(
              `SignalFx rejected ${countOf(count, kind)}, dropped: ${failure.error.description}`
            )
          case "retryable":
            settle(batch, "retriesExhausted", count)
            return yield* Effect.logWarning(
              `Gave up on ${countOf(count, kind)} after ${plural(attempts, "attempt")} within ${
                Duration.format(options.retry.maxElapsed)
              }: ${failure.error.description}`
            )
        }
      })

    const deliver = (segments: ReadonlyArray<Segment<I>>) => {
      const batch: Batch = { firstSeq: segments[0]!.firstSeq, remaining: countItems(segments) }
      inflight.add(batch)
      return send(batch, segments).pipe(
        Effect.onExit((exit) =>
          Effect.suspend(() => {
            if (Exit.isSuccess(exit) || batch.remaining === 0) return Effect.void
            const remaining = batch.remaining
            if (Exit.isInterrupted(exit)) {
              settle(batch, "shutdownDeadline", remaining)
              return Effect.void
            }
            settle(batch, "rejected", remaining)
            return Effect.logError(`Dropped ${countOf(remaining, kind)} after an unexpected failure`, exit.cause)
          })
        ),
        Effect.ensuring(Effect.sync(() => {
          inflight.delete(batch)
          notifyWaiters()
        })),
        Effect.ensuring(slots.release(1))
      )
    }

    const consumer = Effect.gen(function*() {
      while (true) {
        if (buffer.size === 0) {
          if (closing) return
          wake.unsafeClose()
          yield* wake.await
          continue
        }
        const urgent = closing || buffer.headSeq < flushTarget || buffer.size >= batchReadyAt
        if (!urgent) {
          const wait = buffer.oldestEnqueuedAt! + options.flushIntervalMillis - clock.unsafeCurrentTimeMillis()
          if (wait > 0) {
            wake.unsafeClose()
            yield* Effect.raceFirst(Effect.sleep(wait), wake.await)
            continue
          }
        }
        yield* slots.take(1)
        // Taking items and handing them to their fiber must not be torn apart by an interruption;
        // the fiber itself must be interruptible again, or timeouts and the shutdown deadline can't stop it.
        yield* Effect.uninterruptible(Effect.suspend(() => {
          const segments = buffer.take(options.maxBatchSize)
          if (segments.length === 0) return slots.release(1)
          return Effect.asVoid(FiberSet.run(fibers, Effect.interruptible(deliver(segments))))
        }))
      }
    }).pipe(annotate)

    // Layers may be built uninterruptibly, and a forked fiber inherits that: the consumer must not.
    const consumerFiber = yield* Effect.forkScoped(Effect.interruptible(consumer))

    const flush = Effect.suspend(() => {
      const target = buffer.nextSeq
      if (target > flushTarget) flushTarget = target
      wake.unsafeOpen()
      return awaitSettled(target)
    })

    const abandon = Effect.gen(function*() {
      closing = true
      yield* Fiber.interrupt(consumerFiber)
      // Interrupting a request aborts it, so its socket no longer holds the process.
      yield* FiberSet.clear(fibers)
      // A batch fiber interrupted before it started never ran its own accounting.
      for (const batch of inflight) settle(batch, "shutdownDeadline", batch.remaining)
      inflight.clear()
      stats.drop("shutdownDeadline", buffer.clear())
      notifyWaiters()
    })

    const close = Effect.gen(function*() {
      closing = true
      wake.unsafeOpen()
      // Finalizers run uninterruptibly; the wait must be interruptible for the deadline to cut it.
      const drained = yield* awaitSettled(buffer.nextSeq).pipe(
        Effect.interruptible,
        Effect.timeoutOption(options.shutdownTimeout)
      )
      if (Option.isSome(drained)) return
      yield* abandon
      yield* Effect.logWarning(
        `Shutdown deadline of ${Duration.format(options.shutdownTimeout)} reached: ${
          countOf(stats.dropped.shutdownDeadline, kind)
        } not delivered`
      )
    }).pipe(annotate)

    return { unsafeOffer, flush, close, abandon, stats }
  })
