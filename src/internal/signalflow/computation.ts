/**
 * One computation as a stream: attempts on the transport, each resumed from where the last one
 * left off (the core's `Computation` keeps what that takes), feeding a bounded buffer that the
 * consumer drains, paced after a drop as the core's `paceAfterDrop` says.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Mailbox from "effect/Mailbox"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
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

/** @internal */
export const STABLE_ATTEMPT = Duration.millis(core.STABLE_ATTEMPT_MS)

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
  Stream.unwrapScoped(Effect.gen(function*() {
    const mailbox = yield* Mailbox.make<Message, SignalFlowError>({ capacity: bufferSize, strategy: "dropping" })
    const runtime = yield* Effect.runtime<never>()
    const computation = new core.Computation<SignalFlowError>(plan, {
      classify,
      offer: (message) => mailbox.unsafeOffer(message),
      aborted: (state, reason) => new ComputationAbortedError({ state, reason }),
      failed: (errors) => new ComputationFailedError({ errors }),
      log: (level, text) =>
        Runtime.runFork(runtime)(annotate(level === "Warning" ? Effect.logWarning(text) : Effect.logDebug(text)))
    })

    const drained = Effect.repeat(Effect.sync(() => Option.getOrElse(mailbox.unsafeSize(), () => 0)), {
      until: (size) => computation.drained(size, bufferSize),
      schedule: Schedule.spaced("10 millis")
    })

    // A connection that is accepted and then drops at once, again and again, would otherwise be
    // retried in a tight loop, and never be "lost for good".
    const barren = yield* Schedule.driver(reconnect)
    let barrenDrops = 0

    const run: Effect.Effect<void, SignalFlowError> = Effect.gen(function*() {
      while (true) {
        const before = computation.buffered
        const startedAt = yield* Clock.currentTimeMillis
        const end = yield* transport.attempt(computation.nextRequest(), computation.sink)
        switch (end._tag) {
          case "Ended":
            yield* mailbox.end
            return
          case "Failed":
            yield* mailbox.fail(end.error)
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
                yield* barren.next(undefined).pipe(
                  Effect.catchAll(() =>
                    new SignalFlowConnectionError({
                      endpoint,
                      reason: "Closed",
                      description: core.barrenText(barrenDrops)
                    })
                  )
                )
                continue
            }
            barrenDrops = 0
            yield* barren.reset
            break
          }
        }
      }
    })

    yield* Effect.forkScoped(Effect.catchAll(run, (error) => mailbox.fail(error)))
    return Stream.mapChunks(Mailbox.toStream(mailbox), (chunk) => {
      computation.taken(chunk)
      return chunk
    })
  }))
