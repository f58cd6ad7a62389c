/**
 * How many datapoints or events an ingest body carries, counted by a scan that decodes nothing
 * and allocates nothing, so that a body of millions of tiny datapoints is refused before decoding
 * it would hold the event loop for seconds and the heap for a gigabyte (a datapoint costs some
 * 10 µs to decode, record and index).
 *
 * The count is exact for a well-formed body; for a malformed one it is whatever the scan saw
 * before it stopped making sense, and the decoder then says what is wrong.
 */

/**
 * The most datapoints or events one request may carry: 20 times the batch of 5,000 this
 * library's client sends at most by default, 333 times the official clients' 300; some 1 s of
 * work for the local server.
 * @internal
 */
export const MAX_ITEMS_PER_REQUEST = 100_000

/** Top-level entries of field 1 (`datapoints`, `events`) in a protobuf upload message, up to `max + 1`. */
const countProtobuf = (bytes: Uint8Array, max: number): number => {
  let count = 0
  let offset = 0
  const varint = (): number | undefined => {
    let value = 0
    let scale = 1
    for (let index = 0; index < 10; index++) {
      const byte = bytes[offset++]
      if (byte === undefined) return undefined
      value += (byte & 0x7f) * scale
      if ((byte & 0x80) === 0) return value
      scale *= 128
    }
    return undefined
  }
  while (offset < bytes.length && count <= max) {
    const key = varint()
    if (key === undefined) break
    const wireType = key % 8
    if (wireType === 0) {
      if (varint() === undefined) break
    } else if (wireType === 1) {
      offset += 8
    } else if (wireType === 5) {
      offset += 4
    } else if (wireType === 2) {
      const length = varint()
      if (length === undefined) break
      offset += length
      if (Math.floor(key / 8) === 1) count++
    } else {
      break
    }
  }
  return count
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09

/**
 * Items of the arrays `itemDepth` containers deep in a JSON text (1 for an event array, 2 for the
 * arrays of a datapoint object), up to `max + 1`. UTF-8 never uses the bytes of `"`, `\`, brackets
 * or commas inside a multi-byte character, so the scan reads bytes.
 */
const countJson = (bytes: Uint8Array, itemDepth: number, max: number): number => {
  let count = 0
  let depth = 0
  let inString = false
  // Whether the container open at `itemDepth` is an array, and whether it has had an item yet.
  let inItemArray = false
  let awaitingFirstItem = false
  for (let index = 0; index < bytes.length && count <= max; index++) {
    const byte = bytes[index]!
    if (inString) {
      if (byte === BACKSLASH) index++
      else if (byte === QUOTE) inString = false
      continue
    }
    if (isSpace(byte)) continue
    if (awaitingFirstItem && depth === itemDepth) {
      awaitingFirstItem = false
      if (byte !== CLOSE_ARRAY) count++
    }
    if (byte === QUOTE) {
      inString = true
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      depth++
      if (depth === itemDepth) {
        inItemArray = byte === OPEN_ARRAY
        awaitingFirstItem = inItemArray
      }
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      if (depth === itemDepth) inItemArray = false
      depth--
    } else if (byte === COMMA && depth === itemDepth && inItemArray) {
      count++
    }
  }
  return count
}

/**
 * The number of datapoints or events in an ingest body, or more than `max` when there are more
 * than that (the scan stops there).
 * @internal
 */
export const countItems = (
  route: "datapoint" | "event",
  type: "application/json" | "application/x-protobuf",
  bytes: Uint8Array,
  max: number = MAX_ITEMS_PER_REQUEST
): number =>
  type === "application/x-protobuf"
    ? countProtobuf(bytes, max)
    : countJson(bytes, route === "event" ? 1 : 2, max)
