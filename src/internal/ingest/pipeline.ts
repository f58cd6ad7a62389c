/**
 * One ingest pipeline (datapoints, or events) in Effect: the consumer fiber that drains the
 * core's queue (`../../core/ingest/pipeline.ts`, which decides when a batch is due and keeps the
 * accounting) into batches, and the delivery of each batch with retries, splitting and
 * accounting. The consumer takes a batch only when one of `maxConcurrentRequests` slots is free;
 * the close waits for everything queued, within the shutdown deadline.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberSet from "effect/FiberSet"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type { Items, Segment } from "../../core/ingest/buffer.js"
import { countItems, splitSegments } from "../../core/ingest/buffer.js"
import { gzip, gzips } from "../../core/ingest/options.js"
import type { Batch, Kind, Offered as CoreOffered } from "../../core/ingest/pipeline.js"
import {
  gaveUpWarning,
  offeredDone as coreOfferedDone,
  outcomeOf,
  PipelineState,
  rejectedWarning,
  TooLargeTally,
  unexpectedFailureMessage
} from "../../core/ingest/pipeline.js"
import type { StatsRecorder } from "../../core/ingest/stats.js"
import type * as Datapoint from "../../Datapoint.js"
import { ClosedError } from "../../SignalFxError.js"
import type { RequestFailure } from "../http/request.js"
import { retryPolicy } from "../http/retry.js"
import type { ResolvedOptions } from "./options.js"
import { metricsMirror } from "./stats.js"
import type { Transport } from "./transport.js"

/** @internal */
export interface PipelineConfig<I extends Items<I>> {
  readonly kind: Kind
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

// The consumer and close run under these annotations; an offer annotates only its rare
// warnings, since wrapping every offer in `annotateLogs` cost more than queueing a `send`.
const annotate = Effect.annotateLogs({ package: "effect-signalfx", module: "Ingest" })

/** @internal */
export const makePipeline = <I extends Items<I>>(
  config: PipelineConfig<I>,
  options: ResolvedOptions,
  transport: Transport
): Effect.Effect<Pipeline<I>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { kind } = config
    const clock = yield* Effect.clock
    const currentTimeMillis = (): number => clock.unsafeCurrentTimeMillis()
    const wake = yield* Effect.makeLatch(false)
    const state = new PipelineState<I>(
      {
        kind,
        capacity: config.capacity,
        maxBatchSize: options.maxBatchSize,
        flushIntervalMillis: options.flushIntervalMillis,
        overflow: options.overflow,
        absorb: config.absorb,
        host: options.endpoint.host,
        maxElapsed: Duration.format(options.retry.maxElapsed),
        formatMillis: (millis) => Duration.format(Duration.millis(millis))
      },
      metricsMirror(kind),
      () => wake.unsafeOpen()
    )
    const slots = yield* Effect.makeSemaphore(options.maxConcurrentRequests)
    const throttleGate = yield* Effect.makeSemaphore(1)
    const fibers = yield* FiberSet.make()
    const schedule = retryPolicy<RequestFailure>(options.retry)

    const awaitSettled = (target: number): Effect.Effect<void> =>
      Effect.async<void>((resume) => {
        const cancel = state.whenSettled(target, () => resume(Effect.void))
        return Effect.sync(cancel)
      })

    const unsafeOffer: Pipeline<I>["unsafeOffer"] = (items, globals) => {
      const offered: CoreOffered = state.offer(items, globals, currentTimeMillis)
      if (offered === coreOfferedDone) return offeredDone
      if (offered.closed !== undefined) {
        return { closed: new ClosedError({ what: kind, count: offered.closed }), warning: undefined, yieldTurn: false }
      }
      if (offered.warning === undefined) return offeredYieldTurn
      return { closed: undefined, warning: annotate(Effect.logWarning(offered.warning)), yieldTurn: offered.yieldTurn }
    }

    const logIf = (warning: string | undefined): Effect.Effect<void> =>
      warning === undefined ? Effect.void : Effect.logWarning(warning)

    const attempt = (body: Uint8Array, gzipped: boolean, isRetry: () => boolean) =>
      Effect.suspend(() => {
        state.stats.request(isRetry())
        const post = transport.post(config.path, body, config.contentType, gzipped)
        return state.throttled ? throttleGate.withPermits(1)(post) : post
      }).pipe(
        Effect.tapBoth({
          onSuccess: () => Effect.suspend(() => logIf(state.succeeded(body.length, currentTimeMillis()))),
          onFailure: (failure: RequestFailure) =>
            Effect.suspend(() => logIf(state.failed(failure, body.length, currentTimeMillis())))
        })
      )

    /**
     * One batch, split in halves while the service answers 413 (see `TooLargeTally`); the items
     * dropped as too large are told in one warning per batch.
     */
    const send = (batch: Batch<I>): Effect.Effect<void> =>
      Effect.gen(function*() {
        const tooLarge = new TooLargeTally<RequestFailure>()
        yield* sendPart(batch, batch.segments, tooLarge)
        yield* logIf(tooLarge.warning(kind))
      })

    const sendPart = (
      batch: Batch<I>,
      segments: ReadonlyArray<Segment<I>>,
      tooLarge: TooLargeTally<RequestFailure>
    ): Effect.Effect<void> =>
      Effect.gen(function*() {
        const count = countItems(segments)
        const encoded = config.encode(segments)
        const gzipped = gzips(options.compression, encoded.length)
        const body = gzipped ? yield* Effect.sync(() => gzip(encoded)) : encoded
        const refusal = tooLarge.refusedBefore(body.length)
        let attempts = 0
        const outcome = refusal !== undefined
          ? Either.left(refusal)
          : yield* attempt(body, gzipped, () => attempts++ > 0).pipe(
            Effect.retry(schedule),
            Effect.either
          )
        if (Either.isRight(outcome)) return state.settle(batch, "delivered", count)
        const failure = outcome.left
        switch (outcomeOf(failure)) {
          case "tooLarge": {
            if (!tooLarge.refused(failure, body.length, count, refusal !== undefined)) {
              return state.settle(batch, "tooLarge", 1)
            }
            const [first, second] = splitSegments(segments, Math.ceil(count / 2))
            yield* sendPart(batch, first, tooLarge)
            return yield* sendPart(batch, second, tooLarge)
          }
          case "rejected":
            state.settle(batch, "rejected", count)
            return yield* Effect.logWarning(rejectedWarning(kind, count, failure))
          case "retryable":
            state.settle(batch, "retriesExhausted", count)
            return yield* Effect.logWarning(
              gaveUpWarning(kind, count, attempts, Duration.format(options.retry.maxElapsed), failure)
            )
        }
      })

    const deliver = (batch: Batch<I>) =>
      send(batch).pipe(
        Effect.onExit((exit) =>
          Effect.suspend(() => {
            if (Exit.isSuccess(exit) || batch.remaining === 0) return Effect.void
            const remaining = batch.remaining
            if (Exit.isInterrupted(exit)) {
              state.settle(batch, "shutdownDeadline", remaining)
              return Effect.void
            }
            state.settle(batch, "rejected", remaining)
            return Effect.logError(unexpectedFailureMessage(kind, remaining), exit.cause)
          })
        ),
        Effect.ensuring(Effect.sync(() => state.finish(batch))),
        Effect.ensuring(slots.release(1))
      )

    const consumer = Effect.gen(function*() {
      while (true) {
        const step = state.next(currentTimeMillis())
        if (step === "finished") return
        if (step === "idle") {
          wake.unsafeClose()
          yield* wake.await
          continue
        }
        if (step !== "send") {
          wake.unsafeClose()
          yield* Effect.raceFirst(Effect.sleep(step), wake.await)
          continue
        }
        yield* slots.take(1)
        // Taking items and handing them to their fiber must not be torn apart by an interruption;
        // the fiber itself must be interruptible again, or timeouts and the shutdown deadline can't stop it.
        yield* Effect.uninterruptible(Effect.suspend(() => {
          const batch = state.take()
          if (batch === undefined) return slots.release(1)
          return Effect.asVoid(FiberSet.run(fibers, Effect.interruptible(deliver(batch))))
        }))
      }
    }).pipe(annotate)

    // Layers may be built uninterruptibly, and a forked fiber inherits that: the consumer must not.
    const consumerFiber = yield* Effect.forkScoped(Effect.interruptible(consumer))

    const flush = Effect.suspend(() => awaitSettled(state.flush()))

    const abandon = Effect.gen(function*() {
      state.closing = true
      yield* Fiber.interrupt(consumerFiber)
      // Interrupting a request aborts it, so its socket no longer holds the process.
      yield* FiberSet.clear(fibers)
      state.abandon()
    })

    const close = Effect.gen(function*() {
      const target = state.close()
      // Finalizers run uninterruptibly; the wait must be interruptible for the deadline to cut it.
      const drained = yield* awaitSettled(target).pipe(
        Effect.interruptible,
        Effect.timeoutOption(options.shutdownTimeout)
      )
      if (Option.isSome(drained)) return
      yield* abandon
      yield* Effect.logWarning(state.deadlineWarning(Duration.format(options.shutdownTimeout)))
    }).pipe(annotate)

    return { unsafeOffer, flush, close, abandon, stats: state.stats }
  })
