/**
 * The protobuf writer's primitives: the field tags of signalfx.proto, varints, the plain
 * `FieldWriter` for the cold paths (events, and the datapoint values the hot path does not write
 * itself), and the byte copies the hot path of `protobuf.ts` is made of. No protobuf runtime:
 * a script that only sends never loads protobufjs (about 12 ms of a short script's start-up).
 */
import { isInt64Number } from "./records.js"

// Field tags: (field number << 3) | wire type, where 0 is varint, 1 is 64-bit, 2 is length-delimited.
export const TAG_UPLOAD_DATAPOINT = (1 << 3) | 2
export const TAG_DATAPOINT_METRIC = (2 << 3) | 2
export const TAG_DATAPOINT_TIMESTAMP = (3 << 3) | 0
export const TAG_DATAPOINT_VALUE = (4 << 3) | 2
export const TAG_DATAPOINT_METRIC_TYPE = (5 << 3) | 0
export const TAG_DATAPOINT_DIMENSION = (6 << 3) | 2
export const TAG_DATUM_STRING = (1 << 3) | 2
export const TAG_DATUM_DOUBLE = (2 << 3) | 1
export const TAG_DATUM_INT = (3 << 3) | 0
export const TAG_PROPERTY_BOOL = (4 << 3) | 0
export const TAG_DIMENSION_KEY = (1 << 3) | 2
export const TAG_DIMENSION_VALUE = (2 << 3) | 2
export const TAG_UPLOAD_EVENT = (1 << 3) | 2
export const TAG_EVENT_TYPE = (1 << 3) | 2
export const TAG_EVENT_DIMENSION = (2 << 3) | 2
export const TAG_EVENT_PROPERTY = (3 << 3) | 2
export const TAG_EVENT_CATEGORY = (4 << 3) | 0
export const TAG_EVENT_TIMESTAMP = (5 << 3) | 0
export const TAG_PROPERTY_KEY = (1 << 3) | 2
export const TAG_PROPERTY_VALUE = (2 << 3) | 2

const textEncoder = new TextEncoder()

/** The bytes of a non-negative safe integer as a varint (at most 8: safe integers have 53 bits). */
export const varintSize = (value: number): number =>
  value < 0x80
    ? 1
    : value < 0x4000
    ? 2
    : value < 0x200000
    ? 3
    : value < 0x10000000
    ? 4
    : value < 0x800000000
    ? 5
    : value < 0x40000000000
    ? 6
    : value < 0x2000000000000
    ? 7
    : 8

/** Writes a non-negative safe integer as a varint; returns the next position. */
export const putVarint = (buf: Uint8Array, pos: number, value: number): number => {
  // Above 31 bits (timestamps), arithmetic; below, the cheaper bit operations.
  while (value > 0x7fffffff) {
    buf[pos++] = (value % 128) | 128
    value = Math.floor(value / 128)
  }
  while (value > 0x7f) {
    buf[pos++] = (value & 0x7f) | 0x80
    value >>>= 7
  }
  buf[pos++] = value
  return pos
}

/**
 * The varint of an int64: a negative value is its 64-bit two's complement, ten bytes, as the
 * protobuf encoding of `int64` has it. Only the rare values (negative or beyond 2^53) come here.
 */
const int64Varint = (value: number | bigint): Array<number> => {
  let rest = BigInt.asUintN(64, BigInt(value))
  const bytes: Array<number> = []
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80)
    rest >>= 7n
  }
  bytes.push(Number(rest))
  return bytes
}

/**
 * A plain writer for the cold paths: events, and the datapoint values the hot path does not
 * write itself. A length-delimited field is written by `fork`, its content, then `ldelim`,
 * which moves the content to make room for its length.
 */
export class FieldWriter {
  private buf = new Uint8Array(256)
  private pos = 0
  private readonly forks: Array<number> = []

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + bytes))
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
  }

  /** A tag, or any non-negative safe integer, as a varint. */
  uint(value: number): this {
    this.ensure(8)
    this.pos = putVarint(this.buf, this.pos, value)
    return this
  }

  int64(value: number | bigint): this {
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return this.uint(value)
    const bytes = int64Varint(value)
    this.ensure(bytes.length)
    this.buf.set(bytes, this.pos)
    this.pos += bytes.length
    return this
  }

  double(value: number): this {
    this.ensure(8)
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.pos, value, true)
    this.pos += 8
    return this
  }

  bool(value: boolean): this {
    return this.uint(value ? 1 : 0)
  }

  string(text: string): this {
    const utf8 = textEncoder.encode(text)
    this.uint(utf8.length)
    this.ensure(utf8.length)
    this.buf.set(utf8, this.pos)
    this.pos += utf8.length
    return this
  }

  fork(): this {
    this.forks.push(this.pos)
    return this
  }

  ldelim(): this {
    const start = this.forks.pop()
    if (start === undefined) throw new Error("ldelim without fork")
    const length = this.pos - start
    const lengthSize = varintSize(length)
    this.ensure(lengthSize)
    this.buf.copyWithin(start + lengthSize, start, this.pos)
    putVarint(this.buf, start, length)
    this.pos += lengthSize
    return this
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos)
  }
}

/** The shared Datum / PropertyValue encoding of a number, bigint or string. */
export const writeScalar = (writer: FieldWriter, value: number | bigint | string): void => {
  switch (typeof value) {
    case "number":
      if (isInt64Number(value)) writer.uint(TAG_DATUM_INT).int64(value)
      else writer.uint(TAG_DATUM_DOUBLE).double(value)
      return
    case "bigint":
      writer.uint(TAG_DATUM_INT).int64(value)
      return
    case "string":
      writer.uint(TAG_DATUM_STRING).string(value)
      return
  }
}

/** The UTF-8 length of an ASCII string, or -1 when it is not ASCII. */
const asciiLength = (text: string): number => {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) return -1
  }
  return text.length
}

/** Writes the string field `(tag, length, bytes)`; returns the next position. */
export const putString = (
  buf: Uint8Array,
  pos: number,
  tag: number,
  text: string,
  utf8: Uint8Array | undefined
): number => {
  buf[pos++] = tag
  if (utf8 === undefined) {
    pos = putVarint(buf, pos, text.length)
    for (let i = 0; i < text.length; i++) buf[pos++] = text.charCodeAt(i)
    return pos
  }
  pos = putVarint(buf, pos, utf8.length)
  buf.set(utf8, pos)
  return pos + utf8.length
}

/** The bytes of a string and its length: only a non-ASCII string is run through the encoder. */
export const utf8Of = (text: string): Uint8Array | undefined =>
  asciiLength(text) === -1 ? textEncoder.encode(text) : undefined

/** The `Datum` message's content for a value the fast path does not write itself. */
export const slowDatum = (value: number | bigint | string): Uint8Array => {
  const writer = new FieldWriter()
  writeScalar(writer, value)
  return writer.finish()
}

/** Copies `bytes` to `buf` at `pos`; a loop beats `set` for the short fields written here. */
export const putBytes = (buf: Uint8Array, pos: number, bytes: Uint8Array): number => {
  const length = bytes.length
  if (length > 64) {
    buf.set(bytes, pos)
    return pos + length
  }
  for (let i = 0; i < length; i++) buf[pos++] = bytes[i]!
  return pos
}
