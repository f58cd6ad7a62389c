/**
 * How the local server writes SignalFlow messages: JSON for everything but data batches, which
 * travel as binary WebSocket frames (or as JSON on the SSE transport).
 *
 * The binary frame is the version 1 layout every official client reads alike (Python, Java,
 * Go, JavaScript): a 20-byte header (version, message type, flags, reserved, the channel name
 * NUL-padded to 16 bytes), then the body, gzip-compressed when the flags say so: the logical
 * timestamp (int64), the count (uint32), and per value 17 bytes: the value type (1 long,
 * 2 double), the time series id (8 bytes) and the value (8 bytes), all big-endian.
 */
import { createHash } from "node:crypto"
import * as zlib from "node:zlib"
import type { Value } from "./evaluate.js"

export const BINARY_VERSION = 1
export const HEADER_BYTES = 20
export const CHANNEL_BYTES = 16
const MESSAGE_TYPE_DATA = 5
const FLAG_COMPRESSED = 1
const VALUE_TYPE_LONG = 1
const VALUE_TYPE_DOUBLE = 2

/** A time series id: 8 bytes, written by the service as unpadded URL-safe base64 (11 characters). */
export class TsId {
  readonly text: string
  constructor(readonly bytes: Uint8Array) {
    this.text = Buffer.from(bytes).toString("base64url")
  }

  /** A stable id for a name: the same series gets the same id in every computation. */
  static of(name: string): TsId {
    const bytes = new Uint8Array(createHash("sha256").update(name).digest().subarray(0, 8))
    // A positive long, as the service's ids are.
    bytes[0] = bytes[0]! & 0x7f
    return new TsId(bytes)
  }
}

export interface DataPoint {
  readonly tsId: TsId
  readonly value: Value
}

export const channelFits = (channel: string): boolean => Buffer.byteLength(channel, "utf8") <= CHANNEL_BYTES

export const encodeDataFrame = (
  channel: string,
  logicalTimestampMs: number,
  points: ReadonlyArray<DataPoint>,
  compress: boolean
): Buffer => {
  const body = Buffer.alloc(12 + 17 * points.length)
  body.writeBigInt64BE(BigInt(logicalTimestampMs), 0)
  body.writeUInt32BE(points.length, 8)
  let offset = 12
  for (const point of points) {
    if (point.value.isInt) {
      body.writeUInt8(VALUE_TYPE_LONG, offset)
      body.set(point.tsId.bytes, offset + 1)
      body.writeBigInt64BE(BigInt.asIntN(64, BigInt(point.value.value)), offset + 9)
    } else {
      body.writeUInt8(VALUE_TYPE_DOUBLE, offset)
      body.set(point.tsId.bytes, offset + 1)
      body.writeDoubleBE(Number(point.value.value), offset + 9)
    }
    offset += 17
  }
  const header = Buffer.alloc(HEADER_BYTES)
  header.writeUInt8(BINARY_VERSION, 0)
  header.writeUInt8(MESSAGE_TYPE_DATA, 1)
  header.writeUInt8(compress ? FLAG_COMPRESSED : 0, 2)
  header.write(channel, 4, CHANNEL_BYTES, "utf8")
  return Buffer.concat([header, compress ? zlib.gzipSync(body) : body])
}

const jsonNumber = (value: Value): string => {
  if (typeof value.value === "bigint") return value.value.toString()
  // JSON has no NaN or infinity; the service writes null for a missing value.
  return Number.isFinite(value.value) ? JSON.stringify(value.value) : "null"
}

/** A data batch as JSON, for the SSE transport; longs beyond 2^53 stay exact. */
export const encodeDataJson = (logicalTimestampMs: number, points: ReadonlyArray<DataPoint>): string =>
  `{"logicalTimestampMs":${logicalTimestampMs},"data":[${
    points.map((point) => `{"tsId":"${point.tsId.text}","value":${jsonNumber(point.value)}}`).join(",")
  }]}`
