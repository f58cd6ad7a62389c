/**
 * A RestRequestError keeps what lay beneath it (`cause`), and still never shows the token: not
 * in its message, its string, an inspection, `Cause.pretty` or its JSON, for a transport failure
 * (the peer echoing the request, token and all, as its answer), a status failure and a decode
 * failure (both echoing the token in the body).
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as net from "node:net"
import * as util from "node:util"
import { afterAll, assert, beforeAll, beforeEach, describe } from "vitest"
import type { RestRequestError } from "../../src/SignalFxError.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { getMetric, noRetries, restClient, TOKEN } from "./support.js"

let server: FakeSignalFx.Server
/** Answers each request with the request's own bytes: not HTTP, and holding the token. */
let echo: net.Server
let echoUrl: string
beforeAll(async () => {
  server = await FakeSignalFx.start()
  echo = net.createServer((socket) => socket.once("data", (request) => socket.end(request)))
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve))
  const address = echo.address()
  echoUrl = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
})
afterAll(() => Promise.all([server.close(), new Promise((resolve) => echo.close(resolve))]))
beforeEach(() => server.reset())

const failure = (endpoint: string) =>
  Effect.flatMap(restClient(endpoint, { retry: noRetries }), (client) => Effect.flip(getMetric(client)))

const assertNoToken = (error: RestRequestError) => {
  const shown = {
    string: String(error),
    message: error.message,
    inspected: util.inspect(error, { depth: 10 }),
    pretty: Cause.pretty(Cause.fail(error)),
    json: JSON.stringify(error)
  }
  for (const [how, text] of Object.entries(shown)) assert.notInclude(text, TOKEN, `the token shows in ${how}`)
}

describe("a RestRequestError's cause", () => {
  effect(
    "of a transport failure is the socket's error, without the token the peer echoed",
    () =>
      Effect.gen(function*() {
        const error = yield* failure(echoUrl)
        assert.strictEqual(error.reason, "Transport")
        assert.instanceOf(error.cause, Error)
        assertNoToken(error)
      })
  )

  effect("of a refused connection is the socket's error, ECONNREFUSED", () =>
    Effect.gen(function*() {
      const closed = yield* Effect.callback<string>((resume) => {
        const probe = net.createServer().listen(0, "127.0.0.1", () => {
          const address = probe.address()
          const port = typeof address === "object" && address !== null ? address.port : 0
          probe.close(() => resume(Effect.succeed(`http://127.0.0.1:${port}`)))
        })
      })
      const error = yield* failure(closed)
      assert.strictEqual(error.reason, "Transport")
      assert.include(util.inspect(error.cause, { depth: 10 }), "ECONNREFUSED")
      assertNoToken(error)
    }))

  effect("is absent for a status failure, whose body echoing the token is scrubbed", () =>
    Effect.gen(function*() {
      server.fault("/v2/metric", [
        FakeSignalFx.respond(400, { body: JSON.stringify({ code: 400, message: `bad token ${TOKEN}` }) })
      ])
      const error = yield* failure(server.url)
      assert.strictEqual(error.reason, "StatusCode")
      assert.strictEqual(error.status, 400)
      assert.strictEqual(error.serviceMessage, "bad token <redacted>")
      assert.isUndefined(error.cause)
      assertNoToken(error)
    }))

  effect("of a decode failure is the parse error, scrubbed when it would show the token", () =>
    Effect.gen(function*() {
      server.fault("/v2/metric", [FakeSignalFx.respond(200, { body: JSON.stringify({ name: { echo: TOKEN } }) })])
      const error = yield* failure(server.url)
      assert.strictEqual(error.reason, "Decode")
      assert.instanceOf(error.cause, Error)
      assertNoToken(error)
    }))

  effect("of a decode failure that does not show the token is the parse error itself", () =>
    Effect.gen(function*() {
      server.fault("/v2/metric", [FakeSignalFx.respond(200, { body: JSON.stringify({ name: 42 }) })])
      const error = yield* failure(server.url)
      assert.strictEqual(error.reason, "Decode")
      assert.instanceOf(error.cause, Schema.SchemaError)
    }))
})
