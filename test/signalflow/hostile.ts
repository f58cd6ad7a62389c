/**
 * What a hostile SignalFlow peer sends, for the tests that it cannot crash, bloat or stall the
 * client: gzip bombs.
 */
import * as zlib from "node:zlib"
import { header } from "./frames.js"

const MiB = 1024 * 1024

/**
 * A gzip body that inflates to `inflatedMiB` MiB from about 1/1000 of that: `prefix`, then
 * zeros. gzip members may follow one another and inflate as one stream, so one member of 16 MiB
 * of zeros, repeated, makes the bomb without ever holding it inflated.
 */
export const gzipBomb = (prefix: Uint8Array, inflatedMiB: number): Buffer => {
  const zeros = zlib.gzipSync(Buffer.alloc(16 * MiB))
  return Buffer.concat([zlib.gzipSync(prefix), ...Array.from({ length: Math.ceil(inflatedMiB / 16) }, () => zeros)])
}

/**
 * A gzip-flagged binary data frame (version 2) that announces `count` values at `timestamp`
 * and inflates to `inflatedMiB` MiB: zeros after the header read as values of type 0.
 */
export const dataBomb = (channel: string, timestamp: number, count: number, inflatedMiB: number): Buffer => {
  const dataHeader = Buffer.alloc(20)
  dataHeader.writeBigInt64BE(BigInt(timestamp), 0)
  dataHeader.writeUInt32BE(count, 16)
  return Buffer.concat([header(2, 5, 1, channel), gzipBomb(dataHeader, inflatedMiB)])
}
