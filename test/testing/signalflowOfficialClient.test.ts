/**
 * The official JavaScript SignalFlow client (the one inside the `signalfx` npm package, the same
 * code as signalflow-client-js) against the local server: it must read what the server ingested.
 */
import { afterEach, assert, beforeEach, describe, it } from "@effect/vitest"
import { createRequire } from "node:module"
import { FakeSignalFx } from "../../src/testing/index.js"
import { pastSecond, sendGauges } from "./signalflowSupport.js"

/**
 * What this test drives of the official client. It is installed apart from the project's
 * dependencies, in bench/official, by `npm run official-client` (which `npm test` runs first):
 * its `engines` would make `npm ci` of the project warn every contributor.
 */
interface OfficialModule {
  readonly SignalFlow: (token: string, options: { readonly signalflowEndpoint: string }) => OfficialClient
}

interface OfficialClient {
  readonly execute: (options: ExecuteOptions) => OfficialStream
  readonly disconnect: () => void
}

interface ExecuteOptions {
  readonly program: string
  /** Milliseconds, or a relative time as the client's README documents it (`"-10m"`). */
  readonly start?: number | string
  readonly stop?: number | string
  readonly resolution?: number
  readonly maxDelay?: number
}

interface OfficialStream {
  readonly stream: (callback: (error: unknown, message: Message | null | undefined) => void) => void
  readonly get_metadata: (tsId: string) => { readonly properties: Readonly<Record<string, unknown>> }
}

/** The messages the test reads; the others pass through as their type alone. */
type Message =
  | { readonly type: "control-message"; readonly event: string }
  | {
    readonly type: "data"
    readonly logicalTimestampMs: number
    readonly data: ReadonlyArray<{ readonly tsId: string; readonly value: number }>
  }
  | { readonly type: "message"; readonly message: { readonly messageCode: string } }
  | { readonly type: "error"; readonly message: string }
  | { readonly type: "metadata" | "event" | "expired-tsid" }

const signalfx: OfficialModule = createRequire(new URL("../../bench/official/package.json", import.meta.url))(
  "signalfx"
)

let server: FakeSignalFx.Server
let client: OfficialClient | undefined

beforeEach(async () => {
  server = await FakeSignalFx.start({ tokens: ["test-token"] })
})

afterEach(async () => {
  client?.disconnect()
  client = undefined
  await server.close()
})

/** Runs a program through the official client, collecting messages until `done` says so. */
const collect = (
  options: ExecuteOptions,
  done: (messages: ReadonlyArray<Message>) => boolean
): Promise<{ readonly messages: Array<Message>; readonly stream: OfficialStream }> => {
  client = signalfx.SignalFlow("test-token", { signalflowEndpoint: server.url.replace("http", "ws") })
  const stream = client.execute(options)
  const messages: Array<Message> = []
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out with ${JSON.stringify(messages)}`)), 20_000)
    stream.stream((error, message) => {
      if (error !== null && error !== undefined) {
        clearTimeout(timer)
        reject(new Error(JSON.stringify(error)))
        return
      }
      if (message === undefined || message === null) return
      messages.push(message)
      if (done(messages)) {
        clearTimeout(timer)
        resolve({ messages, stream })
      }
    })
  })
}

describe("the official JavaScript SignalFlow client against the local server", () => {
  it("reads back the ingested values over a past range, batched per timestamp", async () => {
    const t0 = pastSecond()
    await sendGauges(server, [
      { metric: "cpu", value: 1.5, dimensions: { host: "a" }, timestamp: t0 + 100 },
      { metric: "cpu", value: 2.5, dimensions: { host: "b" }, timestamp: t0 + 100 },
      { metric: "cpu", value: 3.5, dimensions: { host: "a" }, timestamp: t0 + 1100 }
    ])
    const { messages, stream } = await collect(
      { program: "data('cpu').publish('cpu')", start: t0, stop: t0 + 2000, resolution: 1000 },
      (received) => received.some((message) => message.type === "control-message" && message.event === "END_OF_CHANNEL")
    )
    const rows = messages.filter((message) => message.type === "data").map((message) => ({
      at: message.logicalTimestampMs - t0,
      values: Object.fromEntries(
        message.data.map((point) => [String(stream.get_metadata(point.tsId).properties.host), point.value])
      )
    }))
    assert.deepStrictEqual(rows, [{ at: 0, values: { a: 1.5, b: 2.5 } }, { at: 1000, values: { a: 3.5 } }])
    const resolution = messages.find((message) => message.type === "message")
    assert.strictEqual(resolution?.type === "message" && resolution.message.messageCode, "JOB_RUNNING_RESOLUTION")
  })

  it("with start \"-10m\" and stop \"-1m\" reads the range, and its channel ends", async () => {
    await sendGauges(server, [{ metric: "cpu", value: 7.5, timestamp: Date.now() - 5 * 60_000 }])
    const { messages } = await collect(
      { program: "data('cpu').publish()", start: "-10m", stop: "-1m", resolution: 60_000 },
      (received) =>
        received.some((message) =>
          message.type === "error" || (message.type === "control-message" && message.event === "END_OF_CHANNEL")
        )
    )
    const refusal = messages.find((message) => message.type === "error")
    assert.isUndefined(refusal, refusal?.type === "error" ? refusal.message : "")
    const values = messages.flatMap((message) =>
      message.type === "data" ? message.data.map((point) => point.value) : []
    )
    assert.deepStrictEqual(values, [7.5])
  })

  it("sees live datapoints in the following batches", async () => {
    let sent = false
    const { messages } = await collect(
      { program: "data('live.metric').publish()", resolution: 1000, maxDelay: 100 },
      (received) => {
        if (!sent && received.some((message) => message.type === "control-message" && message.event === "JOB_START")) {
          sent = true
          void sendGauges(server, [{ metric: "live.metric", value: 42 }])
        }
        return received.some((message) => message.type === "data" && message.data.some((point) => point.value === 42))
      }
    )
    assert.isTrue(messages.some((message) => message.type === "metadata"))
  })
})
