/**
 * Builds SignalFlow binary frames the way the official clients' parsers read them (signalfx-python
 * `ws.py`, signalflow-client-js `websocket_message_parser.js`, signalfx-java `WebSocketTransport`),
 * for the decoder's tests, the scripted peer and the benchmark.
 */
import * as zlib from "node:zlib"

export interface FramePoint {
  /** 8 bytes, or a bigint written big-endian. */
  readonly tsId: Uint8Array | bigint
  readonly valueType: 0 | 1 | 2 | 3
  /** An int64 for types 1 and 3, a float64 for 2, ignored for 0. */
  readonly value?: number | bigint
}

export interface DataFrameOptions {
  readonly version?: 1 | 2 | 3
  readonly channel: string
  readonly timestamp: number | bigint
  readonly maxDelay?: number | bigint
  readonly points: ReadonlyArray<FramePoint>
  readonly gzip?: boolean
  /**
   * `narrow`: version, type, flags, reserved (Python, Go). `wide`: a 16-bit version, then type and
   * flags (Java, JavaScript), for versions 2 and 3.
   */
  readonly header?: "narrow" | "wide"
}

export const header = (
  version: number,
  type: number,
  flags: number,
  channel: string,
  layout: "narrow" | "wide" = "narrow"
): Buffer => {
  const bytes = Buffer.alloc(20)
  bytes[0] = version
  if (layout === "wide") {
    bytes[1] = 0
    bytes[2] = type
    bytes[3] = flags
  } else {
    bytes[1] = type
    bytes[2] = flags
    bytes[3] = 0
  }
  bytes.write(channel, 4, 16, "utf8")
  return bytes
}

export const tsIdBytes = (tsId: Uint8Array | bigint): Uint8Array => {
  if (tsId instanceof Uint8Array) return tsId
  const bytes = Buffer.alloc(8)
  bytes.writeBigUInt64BE(BigInt.asUintN(64, tsId))
  return bytes
}

/** The id as the service spells it in JSON: URL-safe base64 of the 8 bytes, no padding. */
export const tsIdString = (tsId: Uint8Array | bigint): string => Buffer.from(tsIdBytes(tsId)).toString("base64url")

export const dataBody = (
  version: number,
  timestamp: number | bigint,
  maxDelay: number | bigint,
  points: ReadonlyArray<FramePoint>
): Buffer => {
  const headerLength = version === 1 ? 12 : 20
  const body = Buffer.alloc(headerLength + points.length * 17)
  body.writeBigInt64BE(BigInt(timestamp), 0)
  if (version !== 1) body.writeBigInt64BE(BigInt(maxDelay), 8)
  body.writeUInt32BE(points.length, headerLength - 4)
  let offset = headerLength
  for (const point of points) {
    body[offset] = point.valueType
    Buffer.from(tsIdBytes(point.tsId)).copy(body, offset + 1)
    if (point.valueType === 2) body.writeDoubleBE(Number(point.value ?? 0), offset + 9)
    else if (point.valueType !== 0) body.writeBigInt64BE(BigInt(point.value ?? 0), offset + 9)
    offset += 17
  }
  return body
}

export const dataFrame = (options: DataFrameOptions): Buffer => {
  const version = options.version ?? 1
  const body = dataBody(version, options.timestamp, options.maxDelay ?? 0, options.points)
  const payload = options.gzip === true ? zlib.gzipSync(body) : body
  return Buffer.concat([
    header(version, 5, options.gzip === true ? 1 : 0, options.channel, options.header),
    payload
  ])
}

/** A JSON message in a binary frame (flag bit 1), optionally gzipped (bit 0). */
export const jsonFrame = (
  type: number,
  channel: string,
  value: unknown,
  options: { readonly gzip?: boolean; readonly version?: number } = {}
): Buffer => {
  const body = Buffer.from(JSON.stringify(value), "utf8")
  const flags = 2 | (options.gzip === true ? 1 : 0)
  return Buffer.concat([
    header(options.version ?? 1, type, flags, channel),
    options.gzip === true ? zlib.gzipSync(body) : body
  ])
}

/** A tsId for a small number, for readable tests. */
export const id = (n: number): bigint => BigInt(n)
