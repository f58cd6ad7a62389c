/**
 * The token never leaves: scrubbed from error bodies before they are cut, and refused when no
 * HTTP header could carry it (nor the User-Agent).
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import { afterAll, assert, beforeAll, beforeEach, describe, it } from "vitest"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { clientOptions, getMetric, restClient, TOKEN } from "./support.js"

let server: FakeSignalFx.Server
beforeAll(async () => {
  server = await FakeSignalFx.start()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

/** The token starts 10 characters before the 300-character cut of error bodies. */
const straddling = `${"x".repeat(290)}${TOKEN} and more`
const prefix = TOKEN.slice(0, 10)

describe("an error body that echoes the token across the cut", () => {
  effect("leaves no prefix of it in a RestRequestError", () =>
    Effect.gen(function*() {
      server.fault("/v2/metric", [FakeSignalFx.respond(400, { body: straddling })])
      const client = yield* restClient(server.url)
      const error = yield* Effect.flip(getMetric(client))
      assert.include(error.message, "HTTP 400")
      assert.notInclude(error.message, prefix)
    }))
})

describe("a token or userAgent no HTTP header can carry", () => {
  const tokens = ["to\nk", "tok\r\nX-Injected: 1", "tok\u0000en", "t\u00f6ken\u20ac"]
  const userAgents = ["app/1\r\nX-Injected: 1", "app/1\n", "app/\u2603"]

  it("is a ConfigurationError naming the option but not the token", () => {
    for (const token of tokens) {
      const result = clientOptions(server.url, { token })
      assert.isTrue(Result.isFailure(result), JSON.stringify(token))
      if (Result.isFailure(result)) {
        const error = result.failure
        assert.strictEqual(error._tag, "ConfigurationError")
        assert.strictEqual(error.option, "token")
        assert.include(error.message, "cannot be sent in an HTTP header")
        assert.notInclude(error.message, token)
      }
    }
    for (const userAgent of userAgents) {
      const result = clientOptions(server.url, { userAgent })
      assert.isTrue(Result.isFailure(result) && result.failure.option === "userAgent", JSON.stringify(userAgent))
    }
  })

  it("lets a plain ASCII token and a Latin-1 userAgent through", () => {
    const result = clientOptions(server.url, { token: "AbC-123_xyz.=", userAgent: "caf\u00e9/1.0 (linux)" })
    assert.isTrue(Result.isSuccess(result))
    if (Result.isSuccess(result)) {
      assert.match(result.success.userAgent, /^effect-signalfx\/\S+ caf\u00e9\/1\.0 \(linux\)$/)
    }
  })
})
