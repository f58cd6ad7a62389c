/**
 * The binary WebSocket frames of SignalFlow.
 *
 * A 20-byte header, then the body:
 *
 * ```
 * byte 0      version (1, 2 or 3)
 * bytes 1-3   message type, flags, reserved        (the Python and Go clients' reading)
 *             or, for versions 2 and 3 written with a 16-bit version (byte 1 is 0):
 *             type at byte 2, flags at byte 3      (the Java and JavaScript clients' reading)
 * bytes 4-19  channel name, right-padded with NUL
 * ```
 *
 * No message type is 0, so a zero at byte 1 tells the two readings apart. Flags: bit 0 the body
 * is gzip-compressed, bit 1 the body is JSON (any message type; it is then decoded like a text
 * frame). Otherwise only data batches (type 5) have a binary body, big-endian:
 *
 * ```
 * int64  logical timestamp (ms)
 * int64  max delay (ms)                            (versions 2 and 3 only)
 * int32  count
 * count × { uint8 value type; 8 bytes time series id; 8 bytes value }
 * ```
 *
 * Value types: 0 no value, 1 int64, 2 float64, 3 an integer written as an int64 (the Java and
 * Python clients' reading). A time series id is the 8 bytes in URL-safe base64 without padding
 * (11 characters), as the service writes it in `tsId` fields of JSON messages.
 */
import * as zlib from "node:zlib"
import { peerText } from "../peerText.js"
import type { DataMessage, DataPoint } from "./messages.js"

/** @internal */
export const HEADER_LENGTH = 20

/**
 * The largest body a frame may have, once decompressed: 16 MiB holds a data batch of nearly a
 * million values, far beyond what a computation sends in one batch, yet it caps what one frame
 * can cost. A gzip body is inflated only up to it (a 1 MB "gzip bomb" would otherwise inflate to
 * a gigabyte), and the values a data body announces must fit in it, so decoding one frame makes
 * at most a million values.
 * @internal
 */
export const MAX_BODY_BYTES = 16 * 1024 * 1024

const COMPRESSED = 1
const JSON_BODY = 2

/** The binary message types, by number. @internal */
export const messageTypes: ReadonlyArray<string | undefined> = [
  undefined,
  "control-message",
  "message",
  "event",
  "metadata",
  "data",
  "error",
  "authenticated",
  "computation-started",
  "estimation",
  "expired-tsid",
  "log-data",
  "livetail-started"
]

/** @internal */
export type Frame =
  | { readonly _tag: "Data"; readonly channel: string; readonly message: DataMessage }
  | { readonly _tag: "Json"; readonly channel: string; readonly value: unknown }
  | { readonly _tag: "Invalid"; readonly channel: string; readonly problem: string }

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
const alphabet: Array<string> = Array.from(BASE64URL)

/**
 * The 8 bytes at `offset` in URL-safe base64 without padding. Written out rather than through
 * `Buffer#toString("base64url")`: this runs once per value, and a native call per 8 bytes costs
 * more than the arithmetic.
 * @internal
 */
export const tsIdAt = (bytes: Uint8Array, offset: number): string => {
  const b0 = bytes[offset]!, b1 = bytes[offset + 1]!, b2 = bytes[offset + 2]!, b3 = bytes[offset + 3]!
  const b4 = bytes[offset + 4]!, b5 = bytes[offset + 5]!, b6 = bytes[offset + 6]!, b7 = bytes[offset + 7]!
  return alphabet[b0 >> 2]! + alphabet[((b0 & 3) << 4) | (b1 >> 4)]! + alphabet[((b1 & 15) << 2) | (b2 >> 6)]! +
    alphabet[b2 & 63]! + alphabet[b3 >> 2]! + alphabet[((b3 & 3) << 4) | (b4 >> 4)]! +
    alphabet[((b4 & 15) << 2) | (b5 >> 6)]! + alphabet[b5 & 63]! + alphabet[b6 >> 2]! +
    alphabet[((b6 & 3) << 4) | (b7 >> 4)]! + alphabet[(b7 & 15) << 2]!
}

const TWO_TO_32 = 4294967296
/** The high 32 bits of an int64 whose value is a safe integer lie within ±2^21. */
const SAFE_HIGH = 2097152

/** A big-endian int64: a number when it is a safe integer, a bigint beyond. */
const int64At = (view: DataView, offset: number): number | bigint => {
  const high = view.getInt32(offset)
  if (high >= -SAFE_HIGH && high < SAFE_HIGH) {
    const value = high * TWO_TO_32 + view.getUint32(offset + 4)
    if (Number.isSafeInteger(value)) return value
  }
  return view.getBigInt64(offset)
}

const timestampAt = (view: DataView, offset: number): number => Number(int64At(view, offset))

const channelAt = (bytes: Uint8Array): string => {
  let end = 4
  while (end < HEADER_LENGTH && bytes[end] !== 0) end++
  return Buffer.from(bytes.buffer, bytes.byteOffset + 4, end - 4).toString("utf8")
}

/**
 * Decodes one binary frame. Never throws: a frame it cannot read is `Invalid`, with the reason.
 * @internal
 */
export const decodeFrame = (frame: Uint8Array): Frame => {
  if (frame.length < HEADER_LENGTH) {
    return { _tag: "Invalid", channel: "", problem: `a frame of ${frame.length} bytes is shorter than its header` }
  }
  const version = frame[0]!
  const channel = channelAt(frame)
  if (version < 1 || version > 3) {
    return { _tag: "Invalid", channel, problem: `unsupported binary message version ${version}` }
  }
  const wideVersion = version >= 2 && frame[1] === 0
  const typeNumber = wideVersion ? frame[2]! : frame[1]!
  const flags = wideVersion ? frame[3]! : frame[2]!
  const type = messageTypes[typeNumber]
  if (type === undefined) return { _tag: "Invalid", channel, problem: `unknown binary message type ${typeNumber}` }

  let body = frame.subarray(HEADER_LENGTH)
  if ((flags & COMPRESSED) !== 0) {
    try {
      body = zlib.gunzipSync(body, { maxOutputLength: MAX_BODY_BYTES })
    } catch (error) {
      return {
        _tag: "Invalid",
        channel,
        problem: isTooLarge(error)
          ? `the gzip body inflates to more than ${MAX_BODY_BYTES} bytes`
          : `the gzip body does not decompress: ${peerText(String(error))}`
      }
    }
  } else if (body.length > MAX_BODY_BYTES) {
    return { _tag: "Invalid", channel, problem: `a body of ${body.length} bytes is over ${MAX_BODY_BYTES} bytes` }
  }
  if ((flags & JSON_BODY) !== 0) {
    let value: unknown
    try {
      value = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.length).toString("utf8"))
    } catch (error) {
      // The parser's message quotes the body.
      return { _tag: "Invalid", channel, problem: `the JSON body does not parse: ${peerText(String(error))}` }
    }
    // The header carries the type and the channel; the body may repeat them. Spread, unlike
    // assignment, keeps a `__proto__` key of the body as an own property.
    return {
      _tag: "Json",
      channel,
      value: typeof value === "object" && value !== null ? { type, channel, ...value } : value
    }
  }
  if (type !== "data") return { _tag: "Invalid", channel, problem: `a binary ${type} message has no binary encoding` }
  return decodeData(body, version, channel)
}

/** Whether zlib stopped inflating at `maxOutputLength`. */
const isTooLarge = (error: unknown): boolean =>
  error instanceof RangeError && "code" in error && error.code === "ERR_BUFFER_TOO_LARGE"

const decodeData = (body: Uint8Array, version: number, channel: string): Frame => {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength)
  const countAt = version === 1 ? 8 : 16
  if (body.length < countAt + 4) {
    return { _tag: "Invalid", channel, problem: `a data body of ${body.length} bytes is shorter than its header` }
  }
  const logicalTimestampMs = timestampAt(view, 0)
  const count = view.getUint32(countAt)
  let offset = countAt + 4
  if (body.length < offset + count * 17) {
    return {
      _tag: "Invalid",
      channel,
      problem: `a data body of ${body.length} bytes cannot hold the ${count} values it announces`
    }
  }
  const data: Array<DataPoint> = new Array(count)
  for (let i = 0; i < count; i++) {
    const valueType = body[offset]!
    const tsId = tsIdAt(body, offset + 1)
    let value: number | bigint | null
    switch (valueType) {
      case 0:
        value = null
        break
      case 1:
      case 3:
        value = int64At(view, offset + 9)
        break
      case 2:
        value = view.getFloat64(offset + 9)
        break
      default:
        return { _tag: "Invalid", channel, problem: `unknown value type ${valueType} for time series ${tsId}` }
    }
    data[i] = { tsId, value }
    offset += 17
  }
  const message: DataMessage = version === 1
    ? { type: "data", logicalTimestampMs, data }
    : { type: "data", logicalTimestampMs, maxDelayMs: timestampAt(view, 8), data }
  return { _tag: "Data", channel, message }
}
