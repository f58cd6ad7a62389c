/**
 * One computation's bookkeeping, whatever runs it: what each message of an attempt does to the
 * stream, what a new attempt resumes from, and how soon it is made.
 *
 * Resuming: the computation remembers the last logical timestamp it buffered and which time
 * series' values of that timestamp it has. A new attempt re-executes the program from that
 * timestamp and drops what was already buffered: older timestamps, and at that timestamp the time
 * series it has, so no value is delivered twice and none is skipped. Metadata already announced
 * and the second `STREAM_START` are dropped likewise. The resolution the service chose is pinned
 * for the new attempt, so the timestamps line up. What it remembers is bounded
 * (`MAX_KEPT_VALUES`, `MAX_ANNOUNCED`); past the bounds a resume may repeat a value or a metadata
 * message, never skip.
 *
 * Pacing: after a drop, the next attempt waits the user's reconnect schedule when the attempt
 * delivered nothing (and gives up when the schedule does), `RECONNECT_FLOOR_MS` when it delivered
 * something, and not at all when it stayed up `STABLE_ATTEMPT_MS`. A peer that delivers a message
 * and drops, again and again, gets at most one connection per floor.
 *
 * The buffer: `bufferSize` messages per computation, and `MAX_BUFFERED_VALUES` values of data
 * messages (one batch may hold a million). When it is full, the attempt ends as `Overflow` (the
 * channel is detached, the other computations on the socket are not slowed), and once the
 * consumer has drained half of it the computation resumes from its last timestamp, as after a
 * dropped connection.
 */
import type { ServiceErrorRecord } from "./errors.js"
import { toServiceError } from "./errors.js"
import type { Classified, DataMessage, Message } from "./messages.js"
import type { Request } from "./requests.js"

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
export const RECONNECT_FLOOR_MS = 1000

/**
 * An attempt that stayed up this long before it dropped was a sound connection: the next attempt
 * is made at once, as after the first drop of a long-lived connection the service closed.
 * @internal
 */
export const STABLE_ATTEMPT_MS = 30_000

/** One message of a channel: a data batch decoded from a binary frame, or a JSON value. @internal */
export type Incoming =
  | { readonly _tag: "Data"; readonly message: DataMessage }
  | { readonly _tag: "Json"; readonly value: unknown }

/**
 * How an attempt ended: the channel ended, the computation failed, the connection dropped (the
 * computation is to resume on a new one), or the sink's buffer was full (it is to resume once
 * drained).
 * @internal
 */
export type AttemptEnd<E> =
  | { readonly _tag: "Ended" }
  | { readonly _tag: "Failed"; readonly error: E }
  | { readonly _tag: "Dropped" }
  | { readonly _tag: "Overflow" }

/** @internal */
export const ended: AttemptEnd<never> = { _tag: "Ended" }
/** @internal */
export const dropped: AttemptEnd<never> = { _tag: "Dropped" }
/** @internal */
export const overflow: AttemptEnd<never> = { _tag: "Overflow" }

/** What a computation resumes from, and how its request is rebuilt for a new attempt. @internal */
export interface Plan {
  /** The request of the first attempt. */
  readonly request: Request
  /** Whether a new attempt re-executes from the last timestamp (`execute`, `preflight`) or not (`attach`). */
  readonly resumable: boolean
}

/** What the package gives a computation: its buffer, its errors and its log. @internal */
export interface Wiring<E> {
  /** The package's classification of a JSON message, over its Schemas (the core's `classifier`). */
  readonly classify: (raw: unknown) => Classified
  /** Buffers a message at once; `false` when the buffer is full. */
  readonly offer: (message: Message) => boolean
  /** The package's `ComputationAbortedError`. */
  readonly aborted: (state: string, reason: string) => E
  /** The package's `ComputationFailedError`. */
  readonly failed: (errors: ReadonlyArray<ServiceErrorRecord>) => E
  readonly log: (level: "Debug" | "Warning", text: string) => void
}

/**
 * How soon the attempt after a drop is made: at once after a sound connection; after the floor
 * after one that delivered something; on the user's schedule (which gives up) after one that
 * delivered nothing.
 * @internal
 */
export const paceAfterDrop = (delivered: boolean, upMillis: number): "AtOnce" | "Floor" | "Schedule" =>
  !delivered ? "Schedule" : upMillis < STABLE_ATTEMPT_MS ? "Floor" : "AtOnce"

/** @internal */
export const overflowText = (bufferSize: number): string =>
  `a SignalFlow buffer of ${bufferSize} messages or ${MAX_BUFFERED_VALUES} values is full; resuming when drained`

/** The description of the `SignalFlowConnectionError` once the schedule gave up. @internal */
export const barrenText = (drops: number): string =>
  `the connection dropped ${drops} times in a row before the computation delivered anything`

/**
 * One computation's state across its attempts: `sink` takes each message of an attempt,
 * `nextRequest` is the request of the next attempt.
 * @internal
 */
export class Computation<E> {
  /** The last logical timestamp buffered, and its data messages (up to `MAX_KEPT_VALUES` values). */
  private lastTimestamp: number | undefined = undefined
  private lastBatches: Array<DataMessage> = []
  /** The values of `lastBatches`, and one per batch (an empty batch costs its place too). */
  private keptValues = 0
  /** Time series whose metadata was buffered, up to `MAX_ANNOUNCED`. */
  private readonly announced = new Set<string>()
  private resolutionMs: number | undefined = undefined
  private attempts = 0
  /** Whether the attempt under way warned of a malformed message already. */
  private malformedWarned = false
  /** For the attempt under way: what it must not deliver again. */
  private skipBefore: number | undefined = undefined
  private skipAt: Set<string> | undefined = undefined
  /** Messages buffered so far: an attempt that dropped without adding one made no progress. */
  buffered = 0
  /** The values of the data messages in the buffer; the package lowers it as they are taken. */
  bufferedValues = 0

  constructor(private readonly plan: Plan, private readonly wiring: Wiring<E>) {}

  /** The request of the next attempt, from where the stream is. */
  nextRequest(): Request {
    this.attempts++
    this.malformedWarned = false
    if (!this.plan.resumable || this.lastTimestamp === undefined) return this.plan.request
    this.skipBefore = this.lastTimestamp
    this.skipAt = new Set(this.lastBatches.flatMap((batch) => batch.data.map((point) => point.tsId)))
    return {
      ...this.plan.request,
      start: this.lastTimestamp,
      ...(this.plan.request.resolution === undefined && this.resolutionMs !== undefined
        ? { resolution: this.resolutionMs }
        : {})
    }
  }

  /** Messages leave the buffer as the consumer takes them. */
  taken(messages: Iterable<Message>): void {
    for (const message of messages) {
      if (message.type === "data") this.bufferedValues -= message.data.length
    }
  }

  /** Whether a buffer holding `size` messages is drained enough to resume after an overflow. */
  drained(size: number, bufferSize: number): boolean {
    return size <= Math.floor(bufferSize / 2) && this.bufferedValues <= MAX_BUFFERED_VALUES / 2
  }

  /** Takes one message of the attempt under way, synchronously; an `AttemptEnd` ends the attempt. */
  readonly sink = (incoming: Incoming): AttemptEnd<E> | undefined => {
    if (incoming._tag === "Data") return this.data(incoming.message)
    const classified = this.wiring.classify(incoming.value)
    switch (classified._tag) {
      case "End":
        return ended
      case "Abort":
        return { _tag: "Failed", error: this.wiring.aborted(classified.state, classified.reason) }
      case "Error":
        return { _tag: "Failed", error: this.wiring.failed(classified.errors.map(toServiceError)) }
      case "Unknown":
        this.wiring.log("Debug", `skipped a SignalFlow ${classified.what}`)
        return undefined
      case "Malformed": {
        // One warning per attempt: a service that sends nothing else must not fill the log.
        const line = `skipped a malformed SignalFlow ${classified.what} message: ${classified.problem}`
        if (this.malformedWarned) {
          this.wiring.log("Debug", line)
        } else {
          this.malformedWarned = true
          this.wiring.log("Warning", `${line} (more in this attempt are logged at debug level)`)
        }
        return undefined
      }
      case "Message":
        return this.message(classified.message)
    }
  }

  private message(message: Message): AttemptEnd<E> | undefined {
    switch (message.type) {
      case "data":
        return this.data(message)
      case "metadata": {
        if (this.attempts > 1 && this.announced.has(message.tsId)) return undefined
        const end = this.offer(message)
        if (end === undefined && this.announced.size < MAX_ANNOUNCED) this.announced.add(message.tsId)
        return end
      }
      case "expired-tsid":
        this.announced.delete(message.tsId)
        return this.offer(message)
      case "control-message":
        if (message.event === "STREAM_START" && this.attempts > 1) return undefined
        return this.offer(message)
      case "message": {
        const resolution = message.message.contents?.resolutionMs
        if (message.message.messageCode === "JOB_RUNNING_RESOLUTION" && typeof resolution === "number") {
          this.resolutionMs = resolution
        }
        return this.offer(message)
      }
      case "event":
        return this.offer(message)
    }
  }

  private offer(message: Message): AttemptEnd<E> | undefined {
    if (!this.wiring.offer(message)) return overflow
    this.buffered++
    return undefined
  }

  private data(message: DataMessage): AttemptEnd<E> | undefined {
    let delivered = message
    const ts = message.logicalTimestampMs
    if (this.skipBefore !== undefined) {
      if (ts < this.skipBefore) return undefined
      if (ts === this.skipBefore && this.skipAt !== undefined) {
        const skip = this.skipAt
        const fresh = message.data.filter((point) => !skip.has(point.tsId))
        if (fresh.length === 0) return undefined
        if (fresh.length < message.data.length) delivered = { ...message, data: fresh }
      } else if (ts > this.skipBefore) {
        this.skipBefore = undefined
        this.skipAt = undefined
      }
    }
    if (this.bufferedValues >= MAX_BUFFERED_VALUES || !this.wiring.offer(delivered)) return overflow
    this.buffered++
    this.bufferedValues += delivered.data.length
    if (this.lastTimestamp === ts) {
      this.keep(delivered)
    } else if (this.lastTimestamp === undefined || ts > this.lastTimestamp) {
      this.lastTimestamp = ts
      this.lastBatches = []
      this.keptValues = 0
      this.keep(delivered)
    }
    return undefined
  }

  // Batches, not their time series ids: a set of ids would cost every value a hash.
  private keep(batch: DataMessage): void {
    const weight = batch.data.length + 1
    if (this.keptValues + weight > MAX_KEPT_VALUES) return
    this.keptValues += weight
    this.lastBatches.push(batch)
  }
}
