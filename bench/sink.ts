/**
 * The loopback sink of the benchmark, run in its own process so that its CPU is not charged to
 * the client under test. It answers `"OK"` as soon as a body is read, and counts bodies, wire
 * bytes and datapoints. The count is exact but cheap: a gzipped body is gunzipped, and a
 * protobuf `DataPointUploadMessage` is walked at its top level only (each field 1 is one
 * datapoint) instead of being decoded; a JSON body is parsed and its arrays counted.
 *
 * In stall mode it reads nothing and never answers, like a service that hangs.
 *
 * Messages from the driver: `{ type: "reset", stall }` → `{ type: "reset" }`;
 * `{ type: "waitFor", id, count }` → `{ type: "reached", id }` once that many datapoints arrived;
 * `{ type: "stats" }` → `{ type: "stats", datapoints, bytes, requests }`.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as zlib from "node:zlib"

export type SinkRequest =
  | { readonly type: "reset"; readonly stall: boolean }
  | { readonly type: "waitFor"; readonly id: number; readonly count: number }
  | { readonly type: "stats" }

export type SinkReply =
  | { readonly type: "listening"; readonly port: number }
  | { readonly type: "reset" }
  | { readonly type: "reached"; readonly id: number }
  | {
    readonly type: "stats"
    readonly datapoints: number
    readonly bytes: number
    readonly requests: number
    readonly errors: number
  }

/** Counts the top-level field-1 entries of a protobuf message without decoding them. */
export const countProtobufDatapoints = (body: Uint8Array): number => {
  let pos = 0
  let count = 0
  const varint = (): number => {
    let result = 0
    let shift = 0
    for (;;) {
      const byte = body[pos++]!
      result += (byte & 0x7f) * 2 ** shift
      if (byte < 0x80) return result
      shift += 7
    }
  }
  while (pos < body.length) {
    const tag = varint()
    const wireType = tag & 7
    if (tag >>> 3 === 1 && wireType === 2) count++
    switch (wireType) {
      case 0:
        varint()
        break
      case 1:
        pos += 8
        break
      case 2: {
        const length = varint() // read before `pos`, which `pos += varint()` would not do
        pos += length
        break
      }
      case 5:
        pos += 4
        break
      default:
        throw new Error(`unexpected wire type ${wireType}`)
    }
  }
  if (pos !== body.length) throw new Error("truncated protobuf body")
  return count
}

const countJsonDatapoints = (body: Buffer): number => {
  const parsed = JSON.parse(body.toString("utf8")) as Record<string, ReadonlyArray<unknown>>
  let count = 0
  for (const key in parsed) count += parsed[key]!.length
  return count
}

const send = (reply: SinkReply): void => {
  process.send!(reply)
}

let stall = false
let datapoints = 0
let bytes = 0
let requests = 0
let errors = 0
let waiters: Array<{ readonly id: number; readonly count: number }> = []
const stalled = new Set<http.ServerResponse>()

const checkWaiters = (): void => {
  if (waiters.length === 0) return
  waiters = waiters.filter((waiter) => {
    if (datapoints < waiter.count) return true
    send({ type: "reached", id: waiter.id })
    return false
  })
}

const server = http.createServer((request, response) => {
  if (stall) {
    // Hold the request open and never read it: the client's memory must cope.
    stalled.add(response)
    response.on("close", () => stalled.delete(response))
    return
  }
  const chunks: Array<Buffer> = []
  let size = 0
  request.on("data", (chunk: Buffer) => {
    chunks.push(chunk)
    size += chunk.length
  })
  request.on("end", () => {
    requests++
    bytes += size
    try {
      let body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)
      if (request.headers["content-encoding"] === "gzip") body = zlib.gunzipSync(body)
      datapoints += (request.headers["content-type"] ?? "").includes("json")
        ? countJsonDatapoints(body)
        : countProtobufDatapoints(body)
      // With its length, as the service (a Go server) answers: not chunked.
      response.writeHead(200, { "content-type": "application/json", "content-length": 4 }).end("\"OK\"")
    } catch (error) {
      errors++
      response.writeHead(400).end(String(error))
    }
    checkWaiters()
  })
})
server.keepAliveTimeout = 60_000
server.maxRequestsPerSocket = 0

process.on("message", (message: SinkRequest) => {
  switch (message.type) {
    case "reset":
      stall = message.stall
      datapoints = 0
      bytes = 0
      requests = 0
      errors = 0
      waiters = []
      for (const response of stalled) response.destroy()
      stalled.clear()
      send({ type: "reset" })
      return
    case "waitFor":
      waiters.push({ id: message.id, count: message.count })
      checkWaiters()
      return
    case "stats":
      send({ type: "stats", datapoints, bytes, requests, errors })
      return
  }
})

process.on("disconnect", () => process.exit(0))

server.listen(0, "127.0.0.1", () => {
  send({ type: "listening", port: (server.address() as AddressInfo).port })
})
