/**
 * The official JavaScript SignalFlow client with a relative `start` and `stop`, as its README
 * documents them (`start: "-10m"`): it gets the data of that range, and its channel ends.
 */
import { afterEach, assert, beforeEach, it } from "@effect/vitest"
import { createRequire } from "node:module"
import { FakeSignalFx } from "../../src/testing/index.js"
import { sendGauges } from "./signalflowSupport.js"

/** What this test drives of the official client, installed in bench/official (see signalflowOfficialClient.test.ts). */
interface OfficialModule {
  readonly SignalFlow: (token: string, options: { readonly signalflowEndpoint: string }) => OfficialClient
}

interface OfficialClient {
  readonly execute: (options: {
    readonly program: string
    readonly start: string
    readonly stop: string
    readonly resolution: number
  }) => OfficialStream
  readonly disconnect: () => void
}

interface OfficialStream {
  readonly stream: (callback: (error: unknown, message: Message | null | undefined) => void) => void
}

type Message =
  | { readonly type: "control-message"; readonly event: string }
  | { readonly type: "data"; readonly data: ReadonlyArray<{ readonly tsId: string; readonly value: number }> }
  | { readonly type: "error"; readonly message: string }
  | { readonly type: "message" | "metadata" | "event" | "expired-tsid" }

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

it("the official client with start \"-10m\" and stop \"-1m\" reads the range and its channel ends", async () => {
  await sendGauges(server, [{ metric: "cpu", value: 7.5, timestamp: Date.now() - 5 * 60_000 }])
  client = signalfx.SignalFlow("test-token", { signalflowEndpoint: server.url.replace("http", "ws") })
  const stream = client.execute({ program: "data('cpu').publish()", start: "-10m", stop: "-1m", resolution: 60_000 })
  const messages: Array<Message> = []
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out with ${JSON.stringify(messages)}`)), 20_000)
    stream.stream((error, message) => {
      if (error !== null && error !== undefined) {
        clearTimeout(timer)
        reject(new Error(JSON.stringify(error)))
        return
      }
      if (message === undefined || message === null) return
      messages.push(message)
      if (message.type === "error") {
        clearTimeout(timer)
        reject(new Error(`the server refused the request: ${message.message}`))
      } else if (message.type === "control-message" && message.event === "END_OF_CHANNEL") {
        clearTimeout(timer)
        resolve()
      }
    })
  })
  const values = messages.flatMap((message) => message.type === "data" ? message.data.map((point) => point.value) : [])
  assert.deepStrictEqual(values, [7.5])
})
