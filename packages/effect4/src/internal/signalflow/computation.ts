/**
 * One computation as a stream: attempts on the transport, each resumed from where the last one
 * left off (the core's `Computation` keeps what that takes), feeding a bounded buffer that the
 * consumer drains, paced after a drop as the core's `paceAfterDrop` says.
 */
import type * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as core from "../../core/signalflow/computation.js"
import type { Message } from "../../SignalFlow.js"
import type { SignalFlowError } from "../../SignalFxError.js"
import { ComputationAbortedError, ComputationFailedError, SignalFlowConnectionError } from "../../SignalFxError.js"
import { classify } from "./messages.js"
import type { Transport } from "./transport.js"

/** What every computation of a service shares. @internal */
export interface Settings {
  readonly bufferSize: number
  /** Paces attempts that drop without delivering anything, and gives up with it. */
  readonly reconnect: Schedule.Schedule<unknown, unknown>
  readonly endpoint: string
}

const annotate = Effect.annotateLogs({ package: "effect-signalfx", module: "SignalFlow" })

/** @internal */
export const RECONNECT_FLOOR = Duration.millis(core.RECONNECT_FLOOR_MS)

/**
 * The stream of a computation. Closing the stream's scope interrupts the attempt under way, which
 * detaches its channel.
 * @internal
 */
export const stream = (
  transport: Transport,
  plan: core.Plan,
  { bufferSize, endpoint, reconnect }: Settings
): Stream.Stream<Message, SignalFlowError> =>
  Stream.unwrap(Effect.gen(function*() {
    const queue = yield* Queue.make<Message, SignalFlowError | Cause.Done>({
      capacity: bufferSize,
      strategy: "dropping"
    })
    const context = yield* Effect.context<never>()
    const computation = new core.Computation<SignalFlowError>(plan, {
      classify,
      offer: (message) => Queue.offerUnsafe(queue, message),
      aborted: (state, reason) => new ComputationAbortedError({ state, reason }),
      failed: (errors) => new ComputationFailedError({ errors }),
      log: (level, text) =>
        Effect.runForkWith(context)(annotate(level === "Warning" ? Effect.logWarning(text) : Effect.logDebug(text)))
    })

    const drained = Effect.repeat(Effect.sync(() => Queue.sizeUnsafe(queue)), {
      until: (size) => computation.drained(size, bufferSize),
      schedule: Schedule.spaced("10 millis")
    })

    // A connection that is accepted and then drops at once, again and again, would otherwise be
    // retried in a tight loop, and never be "lost for good". A new step restarts the schedule.
    const barrenStep = Schedule.toStepWithSleep(reconnect)
    let barren = yield* barrenStep
    let barrenDrops = 0

    const run: Effect.Effect<void, SignalFlowError> = Effect.gen(function*() {
      while (true) {
        const before = computation.buffered
        const startedAt = yield* Clock.currentTimeMillis
        const end = yield* transport.attempt(computation.nextRequest(), computation.sink)
        switch (end._tag) {
          case "Ended":
            yield* Queue.end(queue)
            return
          case "Failed":
            yield* Queue.fail(queue, end.error)
            return
          case "Overflow":
            yield* annotate(Effect.logDebug(core.overflowText(bufferSize)))
            yield* drained
            break
          case "Dropped": {
            const upMillis = (yield* Clock.currentTimeMillis) - startedAt
            switch (core.paceAfterDrop(computation.buffered > before, upMillis)) {
              case "Floor":
                yield* Effect.sleep(RECONNECT_FLOOR)
                break
              case "AtOnce":
                break
              case "Schedule":
                barrenDrops++
                yield* barren(undefined).pipe(
                  Effect.catch(() =>
                    Effect.fail(
                      new SignalFlowConnectionError({
                        endpoint,
                        reason: "Closed",
                        description: core.barrenText(barrenDrops)
                      })
                    )
                  )
                )
                continue
            }
            barrenDrops = 0
            barren = yield* barrenStep
            break
          }
        }
      }
    })

    yield* Effect.forkScoped(Effect.catch(run, (error) => Queue.fail(queue, error)))
    return Stream.fromQueue(queue).pipe(
      Stream.mapArray((messages) => {
        computation.taken(messages)
        return messages
      })
    )
  }))
