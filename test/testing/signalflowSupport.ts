/**
 * A plain `ws` SignalFlow client for the tests: it authenticates, sends requests and collects
 * every message, decoding binary data frames by hand (the version 1 layout), so that the tests
 * check the bytes on the wire rather than our own client's reading of them.
 */
import * as zlib from "node:zlib"
import { WebSocket } from "ws"
import type { FakeSignalFx } from "../../src/testing/index.js"
import { postJson } from "./support.js"

/** A message as received: JSON as parsed, or a decoded data frame. */
export interface Received {
  readonly type: string
  readonly channel?: string | undefined
  readonly [field: string]: unknown
}

export interface DataFrame extends Received {
  readonly type: "data"
  readonly channel: string
  readonly version: number
  readonly compressed: boolean
  readonly logicalTimestampMs: number
  readonly data: ReadonlyArray<{ readonly tsId: string; readonly valueType: number; readonly value: number | bigint }>
}

export const decodeDataFrame = (frame: Buffer): DataFrame => {
  const version = frame.readUInt8(0)
  const messageType = frame.readUInt8(1)
  const flags = frame.readUInt8(2)
  if (messageType !== 5) throw new Error(`unexpected binary message type ${messageType}`)
  const channel = frame.subarray(4, 20).toString("utf8").replace(/\0+$/, "")
  const compressed = (flags & 1) !== 0
  const body = compressed ? zlib.gunzipSync(frame.subarray(20)) : frame.subarray(20)
  const count = body.readUInt32BE(8)
  const data: Array<DataFrame["data"][number]> = []
  for (let index = 0; index < count; index++) {
    const offset = 12 + 17 * index
    const valueType = body.readUInt8(offset)
    const tsId = body.subarray(offset + 1, offset + 9).toString("base64url")
    const value = valueType === 1 ? body.readBigInt64BE(offset + 9) : body.readDoubleBE(offset + 9)
    data.push({ tsId, valueType, value })
  }
  return { type: "data", channel, version, compressed, logicalTimestampMs: Number(body.readBigInt64BE(0)), data }
}

export class TestSignalFlowClient {
  readonly received: Array<Received> = []
  private readonly waiters = new Set<() => void>()
  closeCode: number | undefined

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data, isBinary) => {
      const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
      this.received.push(isBinary ? decodeDataFrame(buffer) : JSON.parse(buffer.toString("utf8")))
      this.wake()
    })
    socket.on("close", (code) => {
      this.closeCode = code
      this.wake()
    })
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter()
  }

  static async connect(server: FakeSignalFx.Server): Promise<TestSignalFlowClient> {
    const socket = new WebSocket(`${server.url.replace("http", "ws")}/v2/signalflow/connect`)
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve())
      socket.once("error", reject)
    })
    return new TestSignalFlowClient(socket)
  }

  /** Connects and authenticates with a token the server accepts. */
  static async authenticated(server: FakeSignalFx.Server, token = "test-token"): Promise<TestSignalFlowClient> {
    const client = await TestSignalFlowClient.connect(server)
    client.send({ type: "authenticate", token })
    await client.waitFor((message) => message.type === "authenticated")
    return client
  }

  send(request: Readonly<Record<string, unknown>>): void {
    this.socket.send(JSON.stringify(request))
  }

  /** Waits for a message (or the close, when `predicate` says so), with a generous timeout. */
  waitFor(predicate: (message: Received) => boolean, timeoutMs = 20_000): Promise<Received> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.received.find(predicate)
        if (found !== undefined) {
          finish()
          resolve(found)
        } else if (this.closeCode !== undefined) {
          finish()
          reject(new Error(`closed (${this.closeCode}) while waiting; received ${JSON.stringify(this.summary())}`))
        }
      }
      const timer = setTimeout(() => {
        finish()
        reject(new Error(`timed out; received ${JSON.stringify(this.summary())}`))
      }, timeoutMs)
      const finish = () => {
        clearTimeout(timer)
        this.waiters.delete(check)
      }
      this.waiters.add(check)
      check()
    })
  }

  waitForClose(timeoutMs = 20_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.closeCode === undefined) return
        finish()
        resolve(this.closeCode)
      }
      const timer = setTimeout(() => {
        finish()
        reject(new Error("timed out waiting for the close"))
      }, timeoutMs)
      const finish = () => {
        clearTimeout(timer)
        this.waiters.delete(check)
      }
      this.waiters.add(check)
      check()
    })
  }

  /** Every message on a channel up to its END_OF_CHANNEL or CHANNEL_ABORT. */
  async channel(channel: string): Promise<Array<Received>> {
    await this.waitFor((message) =>
      message.channel === channel && message.type === "control-message" &&
      (message.event === "END_OF_CHANNEL" || message.event === "CHANNEL_ABORT")
    )
    return this.received.filter((message) => message.channel === channel)
  }

  private summary(): Array<string> {
    return this.received.map((message) =>
      message.type === "data"
        ? `data@${(message as DataFrame).logicalTimestampMs}`
        : `${message.type}:${
          String(message.event ?? (message.message as { messageCode?: string } | undefined)?.messageCode ?? "")
        }`
    )
  }

  close(): void {
    this.socket.close()
  }
}

export const isData = (message: Received): message is DataFrame => message.type === "data"

/** Sends gauges with explicit timestamps, as JSON. */
export const sendGauges = async (
  server: FakeSignalFx.Server,
  gauges: ReadonlyArray<{
    readonly metric: string
    readonly value: number
    readonly dimensions?: Readonly<Record<string, string>>
    readonly timestamp?: number
  }>
): Promise<void> => {
  const response = await postJson(server, "/v2/datapoint", { gauge: gauges })
  if (response.status !== 200) throw new Error(`ingest answered ${response.status}`)
}

/** A whole second far enough in the past that every window around it has closed. */
export const pastSecond = (): number => Math.floor(Date.now() / 1000) * 1000 - 60_000

/** Per logical timestamp, each series' value, read through the metadata's dimension `key`. */
export const valuesBy = (messages: ReadonlyArray<Received>, key: string): Map<number, Record<string, number>> => {
  const names = new Map<string, string>()
  for (const message of messages) {
    if (message.type !== "metadata") continue
    const properties = message.properties as Record<string, unknown>
    names.set(message.tsId as string, String(properties[key] ?? properties.sf_streamLabel))
  }
  const result = new Map<number, Record<string, number>>()
  for (const message of messages) {
    if (!isData(message)) continue
    const row = result.get(message.logicalTimestampMs) ?? {}
    for (const point of message.data) row[names.get(point.tsId) ?? point.tsId] = Number(point.value)
    result.set(message.logicalTimestampMs, row)
  }
  return result
}
