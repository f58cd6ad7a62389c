/**
 * The bounded queue between `send` and the sending fiber. It holds whole `send` calls
 * (segments) rather than single datapoints, so a `send` of 100 datapoints is one queue
 * operation, and every segment keeps the global dimensions in force when it was sent.
 * Items are numbered in arrival order, which is what lets `flush` wait for exactly the items
 * accepted before it.
 */
import type * as Datapoint from "../datapoint.js"

/**
 * What a segment holds: an array of items, or items already encoded (datapoints are encoded
 * when sent). The queue only counts them and cuts them between items.
 * @internal
 */
export interface Items<Self> {
  readonly length: number
  /** The items from `start` up to, not including, `end` (by default, the last). */
  readonly slice: (start: number, end?: number) => Self
}

/** @internal */
export interface Segment<I extends Items<I>> {
  readonly items: I
  readonly globals: Datapoint.Dimensions
  /** The sequence number of `items[0]`. */
  readonly firstSeq: number
  readonly enqueuedAt: number
}

/** @internal */
export const countItems = <I extends Items<I>>(segments: ReadonlyArray<Segment<I>>): number => {
  let count = 0
  for (const segment of segments) count += segment.items.length
  return count
}

/**
 * Splits segments into the first `count` items and the rest.
 * @internal
 */
export const splitSegments = <I extends Items<I>>(
  segments: ReadonlyArray<Segment<I>>,
  count: number
): readonly [ReadonlyArray<Segment<I>>, ReadonlyArray<Segment<I>>] => {
  const head: Array<Segment<I>> = []
  const tail: Array<Segment<I>> = []
  let remaining = count
  for (const segment of segments) {
    if (remaining >= segment.items.length) {
      head.push(segment)
      remaining -= segment.items.length
    } else if (remaining > 0) {
      head.push({ ...segment, items: segment.items.slice(0, remaining) })
      tail.push({ ...segment, items: segment.items.slice(remaining), firstSeq: segment.firstSeq + remaining })
      remaining = 0
    } else {
      tail.push(segment)
    }
  }
  return [head, tail]
}

/** @internal */
export class SegmentBuffer<I extends Items<I>> {
  private segments: Array<Segment<I>> = []
  private head = 0
  /** Number of items queued. */
  size = 0
  /** The sequence number the next accepted item will get. */
  nextSeq = 0

  /**
   * @param absorb Takes the next send's items into the last segment's, when they can be one (see
   *   `EncodedDatapoints.absorb`): a stream of small sends then costs one segment per batch.
   */
  constructor(readonly capacity: number, private readonly absorb?: (last: I, next: I) => boolean) {}

  get free(): number {
    return this.capacity - this.size
  }

  /** The sequence number of the oldest queued item, or `nextSeq` when empty. */
  get headSeq(): number {
    return this.size === 0 ? this.nextSeq : this.segments[this.head]!.firstSeq
  }

  get oldestEnqueuedAt(): number | undefined {
    return this.size === 0 ? undefined : this.segments[this.head]!.enqueuedAt
  }

  /** Appends the items; the caller has made room for them. `now` is asked only for a new segment. */
  offer(items: I, globals: Datapoint.Dimensions, now: () => number): void {
    const count = items.length
    if (count === 0) return
    // The last segment is still queued (nothing took it); it keeps its `enqueuedAt`, its oldest item's.
    const last = this.head < this.segments.length ? this.segments[this.segments.length - 1]! : undefined
    if (
      last === undefined || last.globals !== globals || this.absorb === undefined || !this.absorb(last.items, items)
    ) {
      this.segments.push({ items, globals, firstSeq: this.nextSeq, enqueuedAt: now() })
    }
    this.nextSeq += count
    this.size += count
  }

  /** Removes up to `max` items from the front. */
  take(max: number): ReadonlyArray<Segment<I>> {
    const taken: Array<Segment<I>> = []
    let remaining = max
    while (remaining > 0 && this.head < this.segments.length) {
      const segment = this.segments[this.head]!
      if (segment.items.length <= remaining) {
        taken.push(segment)
        remaining -= segment.items.length
        this.head++
      } else {
        const [first, rest] = splitSegments([segment], remaining)
        taken.push(first[0]!)
        this.segments[this.head] = rest[0]!
        remaining = 0
      }
    }
    this.size -= max - remaining
    this.compact()
    return taken
  }

  /** Drops up to `count` of the oldest items; returns how many were dropped. */
  dropOldest(count: number): number {
    return countItems(this.take(count))
  }

  /** Empties the queue; returns how many items it held. */
  clear(): number {
    const count = this.size
    this.segments = []
    this.head = 0
    this.size = 0
    return count
  }

  private compact(): void {
    if (this.head === this.segments.length) {
      this.segments = []
      this.head = 0
    } else if (this.head > 1024 && this.head * 2 > this.segments.length) {
      this.segments = this.segments.slice(this.head)
      this.head = 0
    }
  }
}
