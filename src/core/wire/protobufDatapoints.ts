/**
 * The datapoint hot path: each valid datapoint the walk of `validation.ts` finds is written
 * straight into a buffer behind a length computed up front, with no per-field objects (a general
 * writer, protobufjs' among them, allocates one per field and per `fork`) and no intermediate
 * message objects. Values that are neither a safe integer ≥ 0 nor a double (negative or huge
 * integers, bigints, strings) take the plain `FieldWriter`.
 *
 * A datapoint's metric name, type and dimensions repeat far more often than its value: the same
 * series is reported again and again. So each `Dimension` field (tag, length, key, value) and
 * each metric field is encoded to bytes once and kept here, in a bounded cache, and a datapoint
 * is written by copying those bytes. A caller's dimensions object sent again is one copy of its
 * block of fields rather than a lookup per dimension.
 */
import type * as Datapoint from "../datapoint.js"
import { includesKey } from "../record.js"
import {
  FieldWriter,
  putBytes,
  putString,
  putVarint,
  slowDatum,
  TAG_DATAPOINT_DIMENSION,
  TAG_DATAPOINT_METRIC,
  TAG_DATAPOINT_METRIC_TYPE,
  TAG_DATAPOINT_TIMESTAMP,
  TAG_DATAPOINT_VALUE,
  TAG_DATUM_DOUBLE,
  TAG_DATUM_INT,
  TAG_DIMENSION_KEY,
  TAG_DIMENSION_VALUE,
  TAG_UPLOAD_DATAPOINT,
  utf8Of,
  varintSize
} from "./protobufWriter.js"
import { metricTypeNumbers } from "./records.js"

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

/** Before each datapoint: when a field did not fit, the caches start over. */
const startDatapoint = (): void => {
  if (arenaFull) resetFieldCaches()
}

/** `findBlock`'s answers other than a block's reference: keep one once the datapoint is written, or not. */
const KEEP_BLOCK = -1
const NO_BLOCK = -2

/**
 * The block of dimension fields kept for `dimensionsObject`, when it still holds the first
 * `count` of `keys` and `values` under the same global dimensions: its reference (≥ 0).
 */
const findBlock = (
  dimensionsObject: object | undefined,
  globals: Datapoint.Dimensions | undefined,
  keys: ReadonlyArray<string>,
  values: ReadonlyArray<string>,
  count: number
): FieldRef => {
  if (dimensionsObject === undefined || !blocksInUse()) return NO_BLOCK
  blockLookups++
  const block = dimensionBlocks.get(dimensionsObject)
  if (block === undefined || block.globals !== globals || !holds(block, keys, values, count)) return KEEP_BLOCK
  blockHits++
  return block.ref
}

/** Copies a datapoint's dimension fields, all cached, into one block of the arena for its dimensions object. */
const keepBlock = (
  dimensionsObject: object,
  globals: Datapoint.Dimensions | undefined,
  keys: ReadonlyArray<string>,
  values: ReadonlyArray<string>,
  count: number,
  fields: ReadonlyArray<FieldRef>,
  fieldCount: number,
  blockSize: number,
  uncached: Array<Uint8Array>
): void => {
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
    for (let i = 0; i < fieldCount; i++) pos = putField(buf, pos, fields[i]!, uncached)
  }, uncached)
  dimensionBlocks.set(dimensionsObject, { globals, keys: keys.slice(0, count), values: values.slice(0, count), ref })
}

/**
 * Datapoints' bytes, written front to back into a buffer. The bytes since the last `take` are
 * the datapoints being encoded; those before belong to earlier `take`s and are never written
 * again, so a full buffer is replaced, not grown: the new one gets only the current bytes, and
 * the old one lives on, unchanged, for as long as the views taken from it.
 */
export class DatapointWriter {
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
    startDatapoint()
    const fields = this.fields
    const uncached = this.uncached
    // Counted rather than emptied: setting an array's length is a call into the runtime.
    let fieldCount = 0
    if (uncached.length !== 0) uncached.length = 0
    const metric = metricField(metricName, uncached)
    let size = fieldLength(metric, uncached)
    const globals = this.globals
    const block = findBlock(dimensionsObject, globals, keys, values, count)
    if (block >= 0) {
      fields[fieldCount++] = block
      size += fieldLength(block, uncached)
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
      if (block === KEEP_BLOCK && dimensionsObject !== undefined && fieldCount > 1) {
        keepBlock(dimensionsObject, globals, keys, values, count, fields, fieldCount, blockSize, uncached)
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

  /**
   * Takes the bytes written since the last `take`, from the position it returns to `pos` of
   * `buf`: they are never written again.
   */
  take(): number {
    const start = this.start
    this.start = this.pos
    return start
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
