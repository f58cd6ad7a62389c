/**
 * One computation as a stream: attempts on the transport, each resumed from where the last one
 * left off, feeding a bounded buffer that the consumer drains.
 *
 * Resuming: the stream remembers the last logical timestamp it buffered and which time series'
 * values of that timestamp it has. A new attempt re-executes the program from that timestamp and
 * drops what was already buffered: older timestamps, and at that timestamp the time series it
 * has, so no value is delivered twice and none is skipped. Metadata already announced and the
 * second `STREAM_START` are dropped likewise. The resolution the service chose is pinned for the
 * new attempt, so the timestamps line up. What it remembers is bounded (`MAX_KEPT_VALUES`,
 * `MAX_ANNOUNCED`); past the bounds a resume may repeat a value or a metadata message, never skip.
 *
 * Pacing: after a drop, the next attempt waits the user's reconnect schedule when the attempt
 * delivered nothing (and gives up when the schedule does), `RECONNECT_FLOOR` when it delivered
 * something, and not at all when it stayed up `STABLE_ATTEMPT`. A peer that delivers a message
 * and drops, again and again, gets at most one connection per floor.
 *
 * The buffer: `bufferSize` messages per computation, and `MAX_BUFFERED_VALUES` values of data
 * messages (one batch may hold a million). When it is full, the channel is detached
 * (the other computations on the socket are not slowed), and once the consumer has drained half
 * of it the computation resumes from its last timestamp, as after a dropped connection. Memory
 * stays bounded and nothing is lost; a consumer slower than the computation for good sees its
 * data later, never wrong.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Mailbox from "effect/Mailbox"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import type { Message } from "../../SignalFlow.js"
import type { SignalFlowError } from "../../SignalFxError.js"
import { ComputationAbortedError, ComputationFailedError, SignalFlowConnectionError } from "../../SignalFxError.js"
import { toServiceError } from "./errors.js"
import type { DataMessage } from "./messages.js"
import { classify } from "./messages.js"
import type { AttemptEnd, Incoming, Request, Transport } from "./transport.js"
import { ended, overflow } from "./transport.js"

/** What every computation of a service shares. @internal */
export interface Settings {
  readonly bufferSize: number
  /** Paces attempts that drop without delivering anything, and gives up with it. */
  readonly reconnect: Schedule.Schedule<unknown, unknown>
  readonly endpoint: string
}

/** What a computation resumes from, and how its request is rebuilt for a new attempt. @internal */
export interface Plan {
  /** The request of the first attempt. */
  readonly request: Request
  /** Whether a new attempt re-executes from the last timestamp (`execute`, `preflight`) or not (`attach`). */
  readonly resumable: boolean
}

const annotate = Effect.annotateLogs({ package: "effect-signalfx", module: "SignalFlow" })

/**
 * The values a computation's buffer holds, at most, whatever its `bufferSize`: a thousand messages
 * of the largest batches a frame may carry would be a billion values. A million values is about
 * 100 MB, beyond what a consumer keeping up ever leaves in the buffer. Past it, the buffer counts
 * as full (the channel is detached, and resumed once the consumer drained half of it); a batch is
 * still taken whole while the buffer is under the bound.
 * @internal
 */
export const MAX_BUFFERED_VALUES = 1_000_000

/**
 * The values of the last timestamp a computation remembers, to resume it without repeating them.
 * Past it (a timestamp of more values than any real computation's, or a peer that keeps sending
 * one timestamp), further batches of that timestamp are not kept: a resume then repeats their
 * values rather than skip any. A repeated value is one more of the same time series at the same
 * timestamp; a skipped one would be lost.
 * @internal
 */
export const MAX_KEPT_VALUES = 100_000

/**
 * The time series whose metadata a computation remembers, so that a resume does not announce them
 * again. Past it, further ids are not remembered: a resume may repeat their metadata messages
 * (with the same properties), never leave one out.
 * @internal
 */
export const MAX_ANNOUNCED = 100_000

/**
 * The least wait before a new attempt after a connection that dropped having delivered something.
 * Progress does not prove the connection sound: a peer that sends one message and drops would
 * otherwise be reconnected to in a tight loop.
 * @internal
 */
export const RECONNECT_FLOOR = Duration.seconds(1)

/**
 * An attempt that stayed up this long before it dropped was a sound connection: the next attempt
 * is made at once, as after the first drop of a long-lived connection the service closed.
 * @internal
 */
export const STABLE_ATTEMPT = Duration.seconds(30)

class Progress {
  /** The last logical timestamp buffered, and its data messages (up to `MAX_KEPT_VALUES` values). */
  lastTimestamp: number | undefined = undefined
  lastBatches: Array<DataMessage> = []
  /** The values of `lastBatches`, and one per batch (an empty batch costs its place too). */
  keptValues = 0
  /** Time series whose metadata was buffered, up to `MAX_ANNOUNCED`. */
  readonly announced = new Set<string>()
  resolutionMs: number | undefined = undefined
  attempts = 0
  /** Whether the attempt under way warned of a malformed message already. */
  malformedWarned = false
  /** Messages buffered so far: an attempt that dropped without adding one made no progress. */
  buffered = 0
  /** For the attempt under way: what it must not deliver again. */
  skipBefore: number | undefined = undefined
  skipAt: Set<string> | undefined = undefined
}

/**
 * The stream of a computation. Closing the stream's scope interrupts the attempt under way, which
 * detaches its channel.
 * @internal
 */
export const stream = (
  transport: Transport,
  plan: Plan,
  { bufferSize, endpoint, reconnect }: Settings
): Stream.Stream<Message, SignalFlowError> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const mailbox = yield* Mailbox.make<Message, SignalFlowError>({ capacity: bufferSize, strategy: "dropping" })
    const runtime = yield* Effect.runtime<never>()
    const log = (effect: Effect.Effect<void>) => Runtime.runFork(runtime)(annotate(effect))
    const progress = new Progress()
    /** The values of the data messages in the mailbox. */
    let bufferedValues = 0

    const offer = (message: Message): AttemptEnd | undefined => {
      if (!mailbox.unsafeOffer(message)) return overflow
      progress.buffered++
      return undefined
    }

    const sinkData = (message: DataMessage): AttemptEnd | undefined => {
      let delivered = message
      const ts = message.logicalTimestampMs
      if (progress.skipBefore !== undefined) {
        if (ts < progress.skipBefore) return undefined
        if (ts === progress.skipBefore && progress.skipAt !== undefined) {
          const skip = progress.skipAt
          const fresh = message.data.filter((point) => !skip.has(point.tsId))
          if (fresh.length === 0) return undefined
          if (fresh.length < message.data.length) delivered = { ...message, data: fresh }
        } else if (ts > progress.skipBefore) {
          progress.skipBefore = undefined
          progress.skipAt = undefined
        }
      }
      if (bufferedValues >= MAX_BUFFERED_VALUES || !mailbox.unsafeOffer(delivered)) return overflow
      progress.buffered++
      bufferedValues += delivered.data.length
      if (progress.lastTimestamp === ts) {
        keep(delivered)
      } else if (progress.lastTimestamp === undefined || ts > progress.lastTimestamp) {
        progress.lastTimestamp = ts
        progress.lastBatches = []
        progress.keptValues = 0
        keep(delivered)
      }
      return undefined
    }

    // Batches, not their time series ids: a set of ids would cost every value a hash.
    const keep = (batch: DataMessage) => {
      const weight = batch.data.length + 1
      if (progress.keptValues + weight > MAX_KEPT_VALUES) return
      progress.keptValues += weight
      progress.lastBatches.push(batch)
    }

    const sink = (incoming: Incoming): AttemptEnd | undefined => {
      if (incoming._tag === "Data") return sinkData(incoming.message)
      const classified = classify(incoming.value)
      switch (classified._tag) {
        case "End":
          return ended
        case "Abort":
          return {
            _tag: "Failed",
            error: new ComputationAbortedError({ state: classified.state, reason: classified.reason })
          }
        case "Error":
          return {
            _tag: "Failed",
            error: new ComputationFailedError({ errors: classified.errors.map(toServiceError) })
          }
        case "Unknown":
          log(Effect.logDebug(`skipped a SignalFlow ${classified.what}`))
          return undefined
        case "Malformed": {
          // One warning per attempt: a service that sends nothing else must not fill the log.
          const line = `skipped a malformed SignalFlow ${classified.what} message: ${classified.problem}`
          if (progress.malformedWarned) {
            log(Effect.logDebug(line))
          } else {
            progress.malformedWarned = true
            log(Effect.logWarning(`${line} (more in this attempt are logged at debug level)`))
          }
          return undefined
        }
        case "Message":
          break
      }
      const message = classified.message
      switch (message.type) {
        case "data":
          return sinkData(message)
        case "metadata": {
          if (progress.attempts > 1 && progress.announced.has(message.tsId)) return undefined
          const end = offer(message)
          if (end === undefined && progress.announced.size < MAX_ANNOUNCED) progress.announced.add(message.tsId)
          return end
        }
        case "expired-tsid":
          progress.announced.delete(message.tsId)
          return offer(message)
        case "control-message":
          if (message.event === "STREAM_START" && progress.attempts > 1) return undefined
          return offer(message)
        case "message": {
          const resolution = message.message.contents?.resolutionMs
          if (message.message.messageCode === "JOB_RUNNING_RESOLUTION" && typeof resolution === "number") {
            progress.resolutionMs = resolution
          }
          return offer(message)
        }
        case "event":
          return offer(message)
      }
    }

    const nextRequest = (): Request => {
      progress.attempts++
      progress.malformedWarned = false
      if (!plan.resumable || progress.lastTimestamp === undefined) return plan.request
      progress.skipBefore = progress.lastTimestamp
      progress.skipAt = new Set(progress.lastBatches.flatMap((batch) => batch.data.map((point) => point.tsId)))
      return {
        ...plan.request,
        start: progress.lastTimestamp,
        ...(plan.request.resolution === undefined && progress.resolutionMs !== undefined
          ? { resolution: progress.resolutionMs }
          : {})
      }
    }

    const drained = Effect.repeat(Effect.sync(() => Option.getOrElse(mailbox.unsafeSize(), () => 0)), {
      until: (size) => size <= Math.floor(bufferSize / 2) && bufferedValues <= MAX_BUFFERED_VALUES / 2,
      schedule: Schedule.spaced("10 millis")
    })

    // A connection that is accepted and then drops at once, again and again, would otherwise be
    // retried in a tight loop, and never be "lost for good".
    const barren = yield* Schedule.driver(reconnect)
    let barrenDrops = 0

    const run: Effect.Effect<void, SignalFlowError> = Effect.gen(function*() {
      while (true) {
        const before = progress.buffered
        const startedAt = yield* Clock.currentTimeMillis
        const end = yield* transport.attempt(nextRequest(), sink)
        switch (end._tag) {
          case "Ended":
            yield* mailbox.end
            return
          case "Failed":
            yield* mailbox.fail(end.error)
            return
          case "Overflow":
            yield* annotate(
              Effect.logDebug(
                `a SignalFlow buffer of ${bufferSize} messages or ${MAX_BUFFERED_VALUES} values is full; resuming when drained`
              )
            )
            yield* drained
            break
          case "Dropped": {
            // Three paces: at once after a sound connection; the floor after one that delivered
            // something; the user's schedule (which gives up) after one that delivered nothing.
            if (progress.buffered > before) {
              barrenDrops = 0
              yield* barren.reset
              const upMillis = (yield* Clock.currentTimeMillis) - startedAt
              if (upMillis < Duration.toMillis(STABLE_ATTEMPT)) yield* Effect.sleep(RECONNECT_FLOOR)
              break
            }
            barrenDrops++
            yield* barren.next(undefined).pipe(
              Effect.catchAll(() =>
                new SignalFlowConnectionError({
                  endpoint,
                  reason: "Closed",
                  description:
                    `the connection dropped ${barrenDrops} times in a row before the computation delivered anything`
                })
              )
            )
            break
          }
        }
      }
    })

    yield* Effect.forkScoped(Effect.catchAll(run, (error) => mailbox.fail(error)))
    // The values leave the buffer as the consumer takes them.
    return Stream.mapChunks(Mailbox.toStream(mailbox), (chunk) => {
      for (const message of chunk) {
        if (message.type === "data") bufferedValues -= message.data.length
      }
      return chunk
    })
  }))
