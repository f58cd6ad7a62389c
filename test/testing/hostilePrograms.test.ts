/**
 * Programs and execute requests sent to hurt the local server or hang its clients: nesting deep
 * enough to exhaust a recursive parser's stack, and parameters it refuses. Each is answered as
 * a bad program or request is (a 400, or an error on the channel followed by END_OF_CHANNEL),
 * never with a 500 or a channel left open.
 */
import { afterAll, assert, beforeEach, describe, it } from "@effect/vitest"
import { FakeSignalFx } from "../../src/testing/index.js"
import type { Received } from "./signalflowSupport.js"
import { TestSignalFlowClient } from "./signalflowSupport.js"
import { api, post } from "./support.js"

const server = await FakeSignalFx.start({ tokens: ["test-token"] })
afterAll(() => server.close())
beforeEach(() => server.reset())

const nested = (depth: number, inner: string): string => `${"(".repeat(depth)}${inner}${")".repeat(depth)}`

const isEnd = (channel: string) => (message: Received): boolean =>
  message.channel === channel && message.type === "control-message" && message.event === "END_OF_CHANNEL"

/**
 * Executes on `channel`, waits for its error, then runs a program that ends at once on another
 * channel: messages keep their order on a socket, so an END_OF_CHANNEL for `channel` that is not
 * in by the end of the second one is never coming.
 */
const refusedChannel = async (
  client: TestSignalFlowClient,
  channel: string,
  request: Readonly<Record<string, unknown>>
): Promise<Array<Received>> => {
  client.send({ type: "execute", channel, ...request })
  await client.waitFor((message) => message.channel === channel && message.type === "error")
  const stop = Date.now() - 60_000
  client.send({ type: "execute", channel: `${channel}-next`, program: "data('x').publish()", start: stop - 1000, stop })
  await client.waitFor(isEnd(`${channel}-next`))
  return client.received.filter((message) => message.channel === channel)
}

describe("deep nesting", () => {
  const validate = async (programText: string): Promise<{ readonly status: number; readonly message: string }> => {
    const response = await api(server, "POST", "/v2/detector/validate", {
      name: "deep",
      programText,
      rules: [{ detectLabel: "high", severity: "Critical" }]
    })
    const body = await response.json() as { readonly message: string }
    return { status: response.status, message: body.message }
  }

  it("of 24,000 brackets in a detector is a 400 syntax error on validate; a million, a program too long", async () => {
    const deep = await validate(`${nested(24_000, "data('cpu')")}.publish('high')`)
    assert.strictEqual(deep.status, 400)
    assert.include(deep.message, "Invalid SignalFlow program: syntax error")
    assert.include(deep.message, "nest more than 200 deep")
    const long = await validate(`${nested(1_000_000, "data('cpu')")}.publish('high')`)
    assert.strictEqual(long.status, 400)
    assert.include(long.message, "longer than the 50000 characters a program may have")
  })

  it("of 24,000 brackets in a SignalFlow program is a 400 syntax error over SSE", async () => {
    const stop = Date.now() - 60_000
    const response = await post(
      server,
      `/v2/signalflow/execute?start=${stop - 1000}&stop=${stop}`,
      nested(24_000, "data('cpu')")
    )
    assert.strictEqual(response.status, 400)
    const body = await response.json() as { readonly errorType: string; readonly message: string }
    assert.strictEqual(body.errorType, "ANALYTICS_PROGRAM_SYNTAX_ERROR")
    assert.include(body.message, "nest more than 200 deep")
  })

  it("of 24,000 brackets, or a chain of 8,000 `and`s, is an error on the WebSocket channel, then END_OF_CHANNEL", async () => {
    const client = await TestSignalFlowClient.authenticated(server)
    try {
      const brackets = await refusedChannel(client, "deep", { program: nested(24_000, "data('cpu').publish()") })
      assert.deepStrictEqual(brackets.map((message) => message.event ?? message.type), [
        "STREAM_START",
        "error",
        "END_OF_CHANNEL"
      ])
      assert.strictEqual(brackets[1]?.errorType, "ANALYTICS_PROGRAM_SYNTAX_ERROR")
      // A chain is a tree as deep as it is long, for whatever walks it after the parser.
      const filters = Array.from({ length: 8_000 }, () => "f").join(" and ")
      const chain = await refusedChannel(client, "chain", { program: `data('cpu', filter=${filters}).publish()` })
      assert.deepStrictEqual(chain.map((message) => message.event ?? message.type), [
        "STREAM_START",
        "error",
        "END_OF_CHANNEL"
      ])
      assert.strictEqual(chain[1]?.errorType, "ANALYTICS_PROGRAM_SYNTAX_ERROR")
      assert.include(chain[1]?.message, "nest more than 200 deep")
    } finally {
      client.close()
    }
  })
})

describe("a metadata search query", () => {
  it("of 5,000 nested parentheses or 10,000 negations is answered, not a 500", async () => {
    const deep = await api(server, "GET", `/v2/metric?query=${encodeURIComponent(nested(5_000, "sf_metric:cpu"))}`)
    assert.strictEqual(deep.status, 400)
    assert.include(await deep.text(), "parentheses nest more than 200 deep")
    const negated = await api(
      server,
      "GET",
      `/v2/metric?query=${encodeURIComponent(`${"-".repeat(10_000)}sf_metric:cpu`)}`
    )
    assert.strictEqual(negated.status, 200)
  })
})

describe("refused execute parameters", () => {
  it("each end their channel after the error", async () => {
    const client = await TestSignalFlowClient.authenticated(server)
    try {
      const refusals: ReadonlyArray<Readonly<Record<string, unknown>>> = [
        { program: "data('cpu').publish()", start: "yesterday" },
        { program: "data('cpu').publish()", stop: "-10x" },
        { program: "data('cpu').publish()", resolution: -5 },
        { program: 42 },
        { program: "x".repeat(50_001) }
      ]
      for (const [index, request] of refusals.entries()) {
        const messages = await refusedChannel(client, `bad${index}`, request)
        assert.deepStrictEqual(
          messages.map((message) => message.event ?? message.type),
          ["error", "END_OF_CHANNEL"],
          JSON.stringify(request).slice(0, 100)
        )
      }
    } finally {
      client.close()
    }
  })
})
