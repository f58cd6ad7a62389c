/**
 * Gathers a computation's messages into one snapshot per logical timestamp: each time series'
 * value with the metadata announced for it.
 *
 * A timestamp's values may come in several data batches. A timestamp is complete when a later
 * one begins, when the stream ends, or (to avoid waiting a whole resolution on a live stream)
 * when it has as many batches as the previous complete timestamp had. A batch that still comes
 * for a timestamp already given out is given out as a snapshot of its own, for the same timestamp.
 *
 * What it holds is bounded whatever the stream: a timestamp's values are given out in parts of
 * at most `MAX_SNAPSHOT_VALUES` (a peer that keeps sending one timestamp gets a snapshot per
 * part, nothing dropped), and the metadata of at most `MAX_KNOWN_SERIES` time series is kept.
 */
import type { DataMessage, Message } from "./messages.js"

/**
 * One time series' value at a logical timestamp, with the metadata announced for it (its
 * `sf_metric`, dimensions and properties).
 *
 * @since 0.2.0
 * @category models
 */
export interface SnapshotValue {
  readonly tsId: string
  readonly value: number | bigint | null
  readonly metadata: Readonly<Record<string, unknown>> | undefined
}

/** Every time series' value at one logical timestamp. */
export interface Snapshot {
  readonly logicalTimestampMs: number
  readonly values: ReadonlyArray<SnapshotValue>
}

/**
 * The most values one snapshot holds; a timestamp with more is given out in several snapshots of
 * the same timestamp, as a late batch is.
 * @internal
 */
export const MAX_SNAPSHOT_VALUES = 1_000_000

/**
 * The time series whose metadata is kept. Past it, the metadata known longest is forgotten first:
 * a stream that announces series without ever expiring them costs this much, not more, and a
 * value of a forgotten series comes without its metadata.
 * @internal
 */
export const MAX_KNOWN_SERIES = 100_000

/**
 * The gathering of one stream: `push` each message, then `flush` at the end.
 * @internal
 */
export class Gatherer {
  readonly metadata = new Map<string, Readonly<Record<string, unknown>>>()
  timestamp: number | undefined = undefined
  batches = 0
  /** The values of the timestamp under way, with the metadata known when they came. */
  values: Array<SnapshotValue> = []
  expectedBatches = 0
  lastGiven: number | undefined = undefined

  /** The snapshots `message` completes. */
  push(message: Message): ReadonlyArray<Snapshot> {
    switch (message.type) {
      case "metadata":
        if (this.metadata.size >= MAX_KNOWN_SERIES && !this.metadata.has(message.tsId)) {
          const oldest = this.metadata.keys().next()
          if (oldest.done !== true) this.metadata.delete(oldest.value)
        }
        this.metadata.set(message.tsId, message.properties)
        return []
      case "expired-tsid":
        this.metadata.delete(message.tsId)
        return []
      case "data":
        return this.data(message)
      default:
        return []
    }
  }

  private data(message: DataMessage): ReadonlyArray<Snapshot> {
    const out: Array<Snapshot> = []
    const ts = message.logicalTimestampMs
    if (this.timestamp !== undefined && ts !== this.timestamp) {
      this.expectedBatches = Math.max(this.expectedBatches, this.batches)
      out.push(this.take(this.timestamp))
    }
    this.timestamp = ts
    this.batches++
    for (const point of message.data) {
      if (this.values.length >= MAX_SNAPSHOT_VALUES) out.push(this.part(ts))
      this.values.push({ tsId: point.tsId, value: point.value, metadata: this.metadata.get(point.tsId) })
    }
    if (this.lastGiven === ts || (this.expectedBatches > 0 && this.batches >= this.expectedBatches)) {
      out.push(this.take(ts))
    }
    return out
  }

  private take(logicalTimestampMs: number): Snapshot {
    const values = this.values
    this.timestamp = undefined
    this.batches = 0
    this.values = []
    this.lastGiven = logicalTimestampMs
    return { logicalTimestampMs, values }
  }

  /** The values so far of the timestamp under way, which goes on. */
  private part(logicalTimestampMs: number): Snapshot {
    const values = this.values
    this.values = []
    return { logicalTimestampMs, values }
  }

  /** The timestamp under way, at the end of the stream. */
  flush(): ReadonlyArray<Snapshot> {
    return this.timestamp === undefined ? [] : [this.take(this.timestamp)]
  }
}
