/**
 * The protobuf encoder, hand-written because it is the hot path: it walks the validated
 * datapoints once and writes fields straight into a buffer, with no intermediate message objects.
 * It needs no protobuf runtime at all, so that a script that only sends never loads protobufjs
 * (about 12 ms of a short script's start-up); the decoder, on protobufjs reflection, is
 * `protobufDecode.ts`, and the tests check each against the other and against the bytes of the
 * official client.
 */
import type * as Datapoint from "../../Datapoint.js"
import type * as Event from "../../Event.js"
import { includesKey } from "../record.js"
import type { DatapointSink } from "../validation.js"
import { validateDatapointsInto } from "../validation.js"
import { eventCategoryNumbers, isInt64Number, metricTypeNumbers } from "./records.js"

// Field tags: (field number << 3) | wire type, where 0 is varint, 1 is 64-bit, 2 is length-delimited.
const TAG_UPLOAD_DATAPOINT = (1 << 3) | 2
const TAG_DATAPOINT_METRIC = (2 << 3) | 2
const TAG_DATAPOINT_TIMESTAMP = (3 << 3) | 0
const TAG_DATAPOINT_VALUE = (4 << 3) | 2
const TAG_DATAPOINT_METRIC_TYPE = (5 << 3) | 0
const TAG_DATAPOINT_DIMENSION = (6 << 3) | 2
const TAG_DATUM_STRING = (1 << 3) | 2
const TAG_DATUM_DOUBLE = (2 << 3) | 1
const TAG_DATUM_INT = (3 << 3) | 0
const TAG_PROPERTY_BOOL = (4 << 3) | 0
const TAG_DIMENSION_KEY = (1 << 3) | 2
const TAG_DIMENSION_VALUE = (2 << 3) | 2
const TAG_UPLOAD_EVENT = (1 << 3) | 2
const TAG_EVENT_TYPE = (1 << 3) | 2
const TAG_EVENT_DIMENSION = (2 << 3) | 2
const TAG_EVENT_PROPERTY = (3 << 3) | 2
const TAG_EVENT_CATEGORY = (4 << 3) | 0
const TAG_EVENT_TIMESTAMP = (5 << 3) | 0
const TAG_PROPERTY_KEY = (1 << 3) | 2
const TAG_PROPERTY_VALUE = (2 << 3) | 2

const hasOwn = Object.prototype.hasOwnProperty
const textEncoder = new TextEncoder()

/** The bytes of a non-negative safe integer as a varint (at most 8: safe integers have 53 bits). */
const varintSize = (value: number): number =>
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
const putVarint = (buf: Uint8Array, pos: number, value: number): number => {
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
class FieldWriter {
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

const writeDimension = (writer: FieldWriter, tag: number, key: string, value: string): void => {
  writer.uint(tag).fork().uint(TAG_DIMENSION_KEY).string(key).uint(TAG_DIMENSION_VALUE).string(value).ldelim()
}

/**
 * Global dimensions first, skipping those the item sets itself: the item's own value wins.
 */
const writeDimensions = (
  writer: FieldWriter,
  tag: number,
  own: Datapoint.Dimensions,
  global: Datapoint.Dimensions | undefined
): void => {
  if (global !== undefined) {
    for (const key in global) {
      if (!hasOwn.call(own, key)) writeDimension(writer, tag, key, global[key]!)
    }
  }
  for (const key in own) writeDimension(writer, tag, key, own[key]!)
}

/** The shared Datum / PropertyValue encoding of a number, bigint or string. */
const writeScalar = (writer: FieldWriter, value: number | bigint | string): void => {
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

/**
 * Items sharing one set of global dimensions: the unit the batcher queues.
 * @internal
 */
export interface EncodeSegment<A> {
  readonly items: ReadonlyArray<A>
  readonly globals?: Datapoint.Dimensions | undefined
}

const writeEvent = (
  writer: FieldWriter,
  event: Event.Validated,
  globals: Datapoint.Dimensions | undefined
): void => {
  writer.uint(TAG_UPLOAD_EVENT).fork()
  writer.uint(TAG_EVENT_TYPE).string(event.eventType)
  writeDimensions(writer, TAG_EVENT_DIMENSION, event.dimensions, globals)
  const properties = event.properties
  for (const key in properties) {
    const value = properties[key]!
    writer.uint(TAG_EVENT_PROPERTY).fork().uint(TAG_PROPERTY_KEY).string(key)
    writer.uint(TAG_PROPERTY_VALUE).fork()
    if (typeof value === "boolean") writer.uint(TAG_PROPERTY_BOOL).bool(value)
    else writeScalar(writer, value)
    writer.ldelim().ldelim()
  }
  writer.uint(TAG_EVENT_CATEGORY).uint(eventCategoryNumbers[event.category])
  if (event.timestamp !== undefined) writer.uint(TAG_EVENT_TIMESTAMP).int64(event.timestamp)
  writer.ldelim()
}

// ---------------------------------------------------------------------------------------------
// Datapoints: the hot path
//
// A datapoint's metric name, type and dimensions repeat far more often than its value: the same
// series is reported again and again. So each `Dimension` field (tag, length, key, value) and
// each metric field is encoded to bytes once and kept in a bounded cache, and a datapoint is
// written by copying those bytes into a buffer behind a length computed up front. There are no
// per-field objects (a general writer, protobufjs' among them, allocates one per field and per
// `fork`), and no intermediate message objects. Values that are neither a safe integer ≥ 0 nor a
// double (negative or huge integers, bigints, strings) take the plain `FieldWriter`.

/**
 * The cached fields live back to back in one arena, and a cache entry is the field's place in it,
 * `offset << FIELD_LENGTH_BITS | length`: a small integer, so a miss allocates nothing but its map
 * entry (a `Uint8Array` per field cost more than the rest of a miss, and series that are never
 * seen twice miss every time). When the arena is full the caches start over, between datapoints.
 */
const ARENA_BYTES = 1 << 18
const FIELD_LENGTH_BITS = 12
/** Fields this long or longer are not cached; it keeps the packed entry below 2^30. */
const FIELD_LENGTH_LIMIT = 1 << FIELD_LENGTH_BITS

const arena = new Uint8Array(ARENA_BYTES)
let arenaUsed = 0
/** Set when a field did not fit: the caches start over before the next datapoint. */
let arenaFull = false
/** `(tag, key, value)` Dimension fields by key, then value. */
let dimensionFields = new Map<string, Map<string, number>>()
/** `(tag, metric)` fields by metric name. */
let metricFields = new Map<string, number>()

/**
 * All the `Dimension` fields of a datapoint, back to back in the arena, by the caller's dimensions
 * object they were written from. An application that keeps a dimensions object per series sends
 * the same one again and again: its fields are then one copy rather than a lookup per dimension.
 * An entry is used only when the object still holds the same keys and values (as read for this
 * datapoint) and the global dimensions are the same object, so a mutated object is written anew.
 */
interface DimensionBlock {
  readonly globals: Datapoint.Dimensions | undefined
  readonly keys: ReadonlyArray<string>
  readonly values: ReadonlyArray<string>
  readonly ref: FieldRef
}
let dimensionBlocks = new WeakMap<object, DimensionBlock>()

/**
 * Fresh dimensions objects for every datapoint never hit, and would pay for an entry each: when
 * fewer than a quarter of `BLOCK_PROBE` lookups hit, the blocks are left alone for
 * `BLOCK_PAUSE` datapoints, then tried again.
 */
const BLOCK_PROBE = 4096
const BLOCK_PAUSE = 65536
let blockLookups = 0
let blockHits = 0
let blockPausedFor = 0

/** Only between datapoints: a datapoint's references are copied before the next one is written. */
const resetFieldCaches = (): void => {
  arenaUsed = 0
  arenaFull = false
  dimensionFields = new Map()
  metricFields = new Map()
  dimensionBlocks = new WeakMap()
}

/** Whether the block holds exactly the first `count` of `keys` and `values`. */
const holds = (
  block: DimensionBlock,
  keys: ReadonlyArray<string>,
  values: ReadonlyArray<string>,
  count: number
): boolean => {
  if (block.keys.length !== count) return false
  for (let i = 0; i < count; i++) {
    if (block.keys[i] !== keys[i] || block.values[i] !== values[i]) return false
  }
  return true
}

/** Whether to look up and keep blocks for this datapoint; counts the lookups and hits. */
const blocksInUse = (): boolean => {
  if (blockPausedFor > 0) {
    blockPausedFor--
    return false
  }
  if (blockLookups === BLOCK_PROBE) {
    if (blockHits * 4 < blockLookups) blockPausedFor = BLOCK_PAUSE
    blockLookups = 0
    blockHits = 0
  }
  return true
}

/** The UTF-8 length of an ASCII string, or -1 when it is not ASCII. */
const asciiLength = (text: string): number => {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) return -1
  }
  return text.length
}

/** Writes the string field `(tag, length, bytes)`; returns the next position. */
const putString = (buf: Uint8Array, pos: number, tag: number, text: string, utf8: Uint8Array | undefined): number => {
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
const utf8Of = (text: string): Uint8Array | undefined => asciiLength(text) === -1 ? textEncoder.encode(text) : undefined

/**
 * A field's bytes: its packed place in the arena (≥ 0), or, when it is not cached, `-1 - index`
 * of its bytes in `uncached`.
 */
type FieldRef = number

/** Writes a field into the arena and returns its reference, or keeps it apart when it cannot be cached. */
const placeField = (
  size: number,
  fill: (buf: Uint8Array, pos: number) => void,
  uncached: Array<Uint8Array>
): FieldRef => {
  if (size < FIELD_LENGTH_LIMIT && arenaUsed + size <= ARENA_BYTES) {
    const offset = arenaUsed
    fill(arena, offset)
    arenaUsed += size
    return (offset << FIELD_LENGTH_BITS) | size
  }
  if (size < FIELD_LENGTH_LIMIT) arenaFull = true
  const bytes = new Uint8Array(size)
  fill(bytes, 0)
  uncached.push(bytes)
  return -uncached.length
}

const dimensionField = (key: string, value: string, uncached: Array<Uint8Array>): FieldRef => {
  let byValue = dimensionFields.get(key)
  const cached = byValue?.get(value)
  if (cached !== undefined) return cached
  const keyUtf8 = utf8Of(key)
  const valueUtf8 = utf8Of(value)
  const keyLength = keyUtf8 === undefined ? key.length : keyUtf8.length
  const valueLength = valueUtf8 === undefined ? value.length : valueUtf8.length
  const content = 2 + varintSize(keyLength) + keyLength + varintSize(valueLength) + valueLength
  const ref = placeField(1 + varintSize(content) + content, (buf, start) => {
    buf[start] = TAG_DATAPOINT_DIMENSION
    const pos = putString(buf, putVarint(buf, start + 1, content), TAG_DIMENSION_KEY, key, keyUtf8)
    putString(buf, pos, TAG_DIMENSION_VALUE, value, valueUtf8)
  }, uncached)
  if (ref < 0) return ref
  if (byValue === undefined) {
    byValue = new Map()
    dimensionFields.set(key, byValue)
  }
  byValue.set(value, ref)
  return ref
}

const metricField = (metric: string, uncached: Array<Uint8Array>): FieldRef => {
  const cached = metricFields.get(metric)
  if (cached !== undefined) return cached
  const utf8 = utf8Of(metric)
  const length = utf8 === undefined ? metric.length : utf8.length
  const ref = placeField(1 + varintSize(length) + length, (buf, start) => {
    putString(buf, start, TAG_DATAPOINT_METRIC, metric, utf8)
  }, uncached)
  if (ref >= 0) metricFields.set(metric, ref)
  return ref
}

const fieldLength = (ref: FieldRef, uncached: ReadonlyArray<Uint8Array>): number =>
  ref >= 0 ? ref & (FIELD_LENGTH_LIMIT - 1) : uncached[-1 - ref]!.length

/** Copies a field's bytes to `buf` at `pos`; a loop beats `set` for the short fields written here. */
const putField = (buf: Uint8Array, pos: number, ref: FieldRef, uncached: ReadonlyArray<Uint8Array>): number => {
  if (ref < 0) return putBytes(buf, pos, uncached[-1 - ref]!)
  const length = ref & (FIELD_LENGTH_LIMIT - 1)
  const from = ref >>> FIELD_LENGTH_BITS
  if (length > 64) {
    buf.set(arena.subarray(from, from + length), pos)
    return pos + length
  }
  for (let i = 0; i < length; i++) buf[pos++] = arena[from + i]!
  return pos
}

/** The `Datum` message's content for a value the fast path does not write itself. */
const slowDatum = (value: number | bigint | string): Uint8Array => {
  const writer = new FieldWriter()
  writeScalar(writer, value)
  return writer.finish()
}

/** Copies `bytes` to `buf` at `pos`; a loop beats `set` for the short fields written here. */
const putBytes = (buf: Uint8Array, pos: number, bytes: Uint8Array): number => {
  const length = bytes.length
  if (length > 64) {
    buf.set(bytes, pos)
    return pos + length
  }
  for (let i = 0; i < length; i++) buf[pos++] = bytes[i]!
  return pos
}

/**
 * Datapoints' bytes, written front to back into a buffer. The bytes since the last `take` are
 * the datapoints being encoded; those before belong to earlier `take`s and are never written
 * again, so a full buffer is replaced, not grown: the new one gets only the current bytes, and
 * the old one lives on, unchanged, for as long as the views taken from it.
 */
class DatapointWriter {
  buf: Uint8Array
  view: DataView
  pos = 0
  /** Where the bytes not yet taken begin. */
  private start = 0
  /** The fields of the datapoint being written, gathered while its size is computed. */
  private readonly fields: Array<FieldRef> = []
  /** Its fields that are not cached. */
  private readonly uncached: Array<Uint8Array> = []
  /** The global dimensions of the send being written, when it has any. */
  private globals: Datapoint.Dimensions | undefined = undefined
  /** A validated datapoint's own dimensions, for `put`. */
  private readonly ownKeys: Array<string> = []
  private readonly ownValues: Array<string> = []

  constructor(private readonly minCapacity: number) {
    this.buf = new Uint8Array(minCapacity)
    this.view = new DataView(this.buf.buffer)
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return
    const current = this.pos - this.start
    const next = new Uint8Array(Math.max(this.minCapacity, 2 * (current + bytes)))
    next.set(this.buf.subarray(this.start, this.pos))
    this.buf = next
    this.view = new DataView(next.buffer)
    this.pos = current
    this.start = 0
  }

  /**
   * Starts a send: its global dimensions go into each of its datapoints. Whatever was written
   * and not taken is dropped: a send that threw part way (a getter in the caller's input) left it.
   */
  begin(globals: Datapoint.Dimensions | undefined): void {
    this.pos = this.start
    // Most senders have no global dimensions: spare every datapoint the walk over an empty record.
    this.globals = globals !== undefined && hasAnyKey(globals) ? globals : undefined
  }

  /** Writes a validated datapoint, copied or not. */
  write(datapoint: Datapoint.Validated): void {
    const keys = this.ownKeys
    const values = this.ownValues
    const dimensions = datapoint.dimensions
    let count = 0
    for (const key in dimensions) {
      keys[count] = key
      values[count] = dimensions[key]!
      count++
    }
    // A validated copy is a fresh object each time: no block to find for it.
    this.put(datapoint.type, datapoint.metric, datapoint.value, datapoint.timestamp, keys, values, count, undefined)
  }

  /** Writes a datapoint whose own dimensions are the first `count` of `keys` and `values`. */
  put(
    type: Datapoint.MetricType,
    metricName: string,
    value: Datapoint.Value,
    validTimestamp: number | undefined,
    keys: ReadonlyArray<string>,
    values: ReadonlyArray<string>,
    count: number,
    dimensionsObject: object | undefined
  ): void {
    if (arenaFull) resetFieldCaches()
    const fields = this.fields
    const uncached = this.uncached
    // Counted rather than emptied: setting an array's length is a call into the runtime.
    let fieldCount = 0
    if (uncached.length !== 0) uncached.length = 0
    const metric = metricField(metricName, uncached)
    let size = fieldLength(metric, uncached)
    const globals = this.globals
    const useBlocks = dimensionsObject !== undefined && blocksInUse()
    const block = useBlocks ? dimensionBlocks.get(dimensionsObject) : undefined
    if (useBlocks) blockLookups++
    if (block !== undefined && block.globals === globals && holds(block, keys, values, count)) {
      blockHits++
      fields[fieldCount++] = block.ref
      size += fieldLength(block.ref, uncached)
    } else {
      // Global dimensions first, skipping those the datapoint sets itself: its own value wins.
      let blockSize = 0
      if (globals !== undefined) {
        for (const key in globals) {
          if (!includesKey(keys, count, key)) {
            const field = dimensionField(key, globals[key]!, uncached)
            fields[fieldCount++] = field
            blockSize += fieldLength(field, uncached)
          }
        }
      }
      for (let i = 0; i < count; i++) {
        const field = dimensionField(keys[i]!, values[i]!, uncached)
        fields[fieldCount++] = field
        blockSize += fieldLength(field, uncached)
      }
      size += blockSize
      if (useBlocks && fieldCount > 1) {
        this.keepBlock(dimensionsObject, globals, keys, values, count, fieldCount, blockSize)
      }
    }
    // Validated timestamps are non-negative safe integers; anything else takes the exact path.
    let timestamp = validTimestamp
    let timestampField: Uint8Array | undefined
    if (timestamp !== undefined && !(Number.isSafeInteger(timestamp) && timestamp >= 0)) {
      timestampField = new FieldWriter().uint(TAG_DATAPOINT_TIMESTAMP).int64(timestamp).finish()
      size += timestampField.length
      timestamp = undefined
    }
    if (timestamp !== undefined) size += 1 + varintSize(timestamp)
    // A double or a safe integer ≥ 0 is written here; any other value is encoded exactly apart.
    const datum =
      typeof value === "number" && !(Number.isInteger(value) && (value < 0 || value > Number.MAX_SAFE_INTEGER))
        ? value
        : slowDatum(value)
    const datumSize = typeof datum !== "number"
      ? datum.length
      : Number.isInteger(datum)
      ? 1 + varintSize(datum)
      : 9
    size += 1 + varintSize(datumSize) + datumSize + 2 // the value, then the metric type (< 128)

    this.ensure(1 + varintSize(size) + size)
    const buf = this.buf
    let pos = this.pos
    buf[pos++] = TAG_UPLOAD_DATAPOINT
    pos = putVarint(buf, pos, size)
    pos = putField(buf, pos, metric, uncached)
    if (timestamp !== undefined) {
      buf[pos++] = TAG_DATAPOINT_TIMESTAMP
      pos = putVarint(buf, pos, timestamp)
    } else if (timestampField !== undefined) {
      pos = putBytes(buf, pos, timestampField)
    }
    buf[pos++] = TAG_DATAPOINT_VALUE
    pos = putVarint(buf, pos, datumSize)
    if (typeof datum !== "number") {
      pos = putBytes(buf, pos, datum)
    } else if (Number.isInteger(datum)) {
      buf[pos++] = TAG_DATUM_INT
      pos = putVarint(buf, pos, datum)
    } else {
      buf[pos++] = TAG_DATUM_DOUBLE
      this.view.setFloat64(pos, datum, true)
      pos += 8
    }
    buf[pos++] = TAG_DATAPOINT_METRIC_TYPE
    buf[pos++] = metricTypeNumbers[type]
    for (let i = 0; i < fieldCount; i++) pos = putField(buf, pos, fields[i]!, uncached)
    this.pos = pos
  }

  /** Copies the datapoint's dimension fields, all cached, into one block of the arena for its dimensions object. */
  private keepBlock(
    dimensionsObject: object,
    globals: Datapoint.Dimensions | undefined,
    keys: ReadonlyArray<string>,
    values: ReadonlyArray<string>,
    count: number,
    fieldCount: number,
    blockSize: number
  ): void {
    const fields = this.fields
    for (let i = 0; i < fieldCount; i++) {
      if (fields[i]! < 0) return
    }
    if (blockSize >= FIELD_LENGTH_LIMIT) return
    if (arenaUsed + blockSize > ARENA_BYTES) {
      arenaFull = true
      return
    }
    const ref = placeField(blockSize, (buf, start) => {
      let pos = start
      for (let i = 0; i < fieldCount; i++) pos = putField(buf, pos, fields[i]!, this.uncached)
    }, this.uncached)
    dimensionBlocks.set(dimensionsObject, { globals, keys: keys.slice(0, count), values: values.slice(0, count), ref })
  }

  /** The bytes written since the last `take`, as a view: they are never written again. */
  take(): Uint8Array {
    const bytes = this.buf.subarray(this.start, this.pos)
    this.start = this.pos
    return bytes
  }

  /** The datapoints written since the last `take`, without a view of their bytes until asked. */
  takeEncoded(count: number): EncodedDatapoints {
    const encoded = new EncodedDatapoints(this.buf, this.start, this.pos, count)
    this.start = this.pos
    return encoded
  }

  writeAll(datapoints: ReadonlyArray<Datapoint.Validated>, globals: Datapoint.Dimensions | undefined): void {
    this.begin(globals)
    for (let i = 0; i < datapoints.length; i++) this.write(datapoints[i]!)
  }

  /** Forgets the bytes written since the last `take`: a send found invalid part way. */
  discard(): void {
    this.pos = this.start
  }
}

const hasAnyKey = (record: Datapoint.Dimensions): boolean => {
  for (const _ in record) return true
  return false
}

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
  return writer.take()
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
    return writer.takeEncoded(count)
  }

  /** Encodes datapoints validated already. */
  encode(datapoints: ReadonlyArray<Datapoint.Validated>, globals: Datapoint.Dimensions): EncodedDatapoints {
    this.writer.writeAll(datapoints, globals)
    return this.writer.takeEncoded(datapoints.length)
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

// ---------------------------------------------------------------------------------------------
// Events: rare, encoded per batch on the plain writer

/**
 * Encodes one `EventUploadMessage` from several segments, each with its global dimensions.
 * @internal
 */
export const encodeEventSegments = (segments: ReadonlyArray<EncodeSegment<Event.Validated>>): Uint8Array => {
  const writer = new FieldWriter()
  for (let s = 0; s < segments.length; s++) {
    const { globals, items } = segments[s]!
    for (let i = 0; i < items.length; i++) writeEvent(writer, items[i]!, globals)
  }
  return writer.finish()
}

/**
 * Encodes an `EventUploadMessage`, adding `globalDimensions` to every event.
 * @internal
 */
export const encodeEvents = (
  events: ReadonlyArray<Event.Validated>,
  globalDimensions?: Datapoint.Dimensions
): Uint8Array => encodeEventSegments([{ items: events, globals: globalDimensions }])
