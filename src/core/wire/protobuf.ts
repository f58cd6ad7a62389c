/**
 * The protobuf encoding of datapoints, hand-written because it is the hot path of `send`: the
 * walk of `validation.ts` hands each valid datapoint to the `DatapointWriter`
 * (`protobufDatapoints.ts`), which writes it straight into a buffer; this module keeps what it
 * wrote as the queue's unit and joins those into bodies. It needs no protobuf runtime. The
 * decoder, on protobufjs reflection, is `protobufDecode.ts`, and the tests check each against
 * the other and against the bytes of the official client.
 */
import type * as Datapoint from "../datapoint.js"
import type { DatapointSink } from "../validation.js"
import { validateDatapointsInto } from "../validation.js"
import { DatapointWriter } from "./protobufDatapoints.js"

/** A first guess of the bytes per datapoint; the buffer grows if it was short. */
const BYTES_PER_DATAPOINT_GUESS = 128

/**
 * Encodes a `DataPointUploadMessage`, adding `globalDimensions` to every datapoint.
 * @internal
 */
export const encodeDatapoints = (
  datapoints: ReadonlyArray<Datapoint.Validated>,
  globalDimensions?: Datapoint.Dimensions
): Uint8Array => {
  const writer = new DatapointWriter(Math.max(1024, datapoints.length * BYTES_PER_DATAPOINT_GUESS))
  writer.writeAll(datapoints, globalDimensions)
  return writer.buf.subarray(writer.take(), writer.pos)
}

// ---------------------------------------------------------------------------------------------
// Datapoints encoded when they are sent
//
// The queue holds each `send`'s datapoints as the bytes of their `DataPoint` fields rather than
// as objects: a burst of sends that are not awaited kept every datapoint (and a copy of its
// dimensions) alive until its batch left, and the garbage collector copied and promoted them
// all. Bytes are written once, and an upload message is its `DataPoint` fields back to back, so
// a batch's body is its sends' bytes joined.

/**
 * Datapoints encoded when sent: their `DataPoint` fields of an upload message, back to back, in
 * part of a buffer shared with other sends. `slice` cuts them between datapoints (a batch's
 * boundary, a split after a 413), and `absorb` takes in the next send when its bytes follow these
 * directly, so that a stream of small sends is one segment of the queue rather than one each.
 * @internal
 */
export class EncodedDatapoints {
  constructor(
    private readonly buffer: Uint8Array,
    private readonly start: number,
    private end: number,
    private count: number
  ) {}

  get length(): number {
    return this.count
  }

  /** The bytes, as a view of the shared buffer: nothing writes them again. */
  get bytes(): Uint8Array {
    return this.buffer.subarray(this.start, this.end)
  }

  slice(start: number, end: number = this.count): EncodedDatapoints {
    const from = Math.min(Math.max(start, 0), this.count)
    const to = Math.min(Math.max(end, from), this.count)
    return new EncodedDatapoints(this.buffer, this.offsetOf(from), this.offsetOf(to), to - from)
  }

  /**
   * Takes in `next` when its bytes follow these in the same buffer. Only the queue calls it, on
   * its last segment, which nothing else holds yet.
   */
  absorb(next: EncodedDatapoints): boolean {
    if (next.buffer !== this.buffer || next.start !== this.end) return false
    this.end = next.end
    this.count += next.count
    return true
  }

  /** Where datapoint `index` begins: each is its tag, its length as a varint, then its bytes. */
  private offsetOf(index: number): number {
    if (index === this.count) return this.end
    const buffer = this.buffer
    let pos = this.start
    for (let i = 0; i < index; i++) {
      pos++
      let size = 0
      let scale = 1
      let byte: number
      do {
        byte = buffer[pos++]!
        size += (byte & 0x7f) * scale
        scale *= 128
      } while (byte >= 0x80)
      pos += size
    }
    return pos
  }
}

/** Sends of 100 datapoints take some 8 KiB: a buffer serves a few of them. */
const SEND_BUFFER_BYTES = 64 * 1024

/**
 * Encodes each `send`'s datapoints, with the global dimensions in force, into buffers shared by
 * consecutive sends. One per pipeline.
 * @internal
 */
export class DatapointEncoder {
  private readonly writer = new DatapointWriter(SEND_BUFFER_BYTES)

  /**
   * Validates a send and encodes it in the same walk, with no copy of any datapoint. Returns
   * `undefined`, having kept nothing, when the send is invalid: `validateDatapoints` then
   * says why.
   */
  encodeValid(input: unknown, globals: Datapoint.Dimensions): EncodedDatapoints | undefined {
    const writer = this.writer
    writer.begin(globals)
    const sink: DatapointSink = writer
    const count = validateDatapointsInto(input, globals, sink)
    if (count === undefined) {
      writer.discard()
      return undefined
    }
    return this.take(count)
  }

  /** Encodes datapoints validated already. */
  encode(datapoints: ReadonlyArray<Datapoint.Validated>, globals: Datapoint.Dimensions): EncodedDatapoints {
    this.writer.writeAll(datapoints, globals)
    return this.take(datapoints.length)
  }

  /** The datapoints written since the last take, without a view of their bytes until asked. */
  private take(count: number): EncodedDatapoints {
    const writer = this.writer
    return new EncodedDatapoints(writer.buf, writer.take(), writer.pos, count)
  }
}

/**
 * One `DataPointUploadMessage` from the encoded sends of a batch.
 * @internal
 */
export const joinDatapoints = (segments: ReadonlyArray<{ readonly items: EncodedDatapoints }>): Uint8Array => {
  if (segments.length === 1) return segments[0]!.items.bytes
  const parts = segments.map(({ items }) => items.bytes)
  let size = 0
  for (const part of parts) size += part.length
  const body = new Uint8Array(size)
  let pos = 0
  for (const part of parts) {
    body.set(part, pos)
    pos += part.length
  }
  return body
}
