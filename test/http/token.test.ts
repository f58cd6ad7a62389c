/**
 * The token never leaves: scrubbed from error bodies before they are cut, and refused at
 * construction when no HTTP header could carry it (nor the User-Agent).
 */
import { FetchHttpClient } from "@effect/platform"
import { afterAll, assert, beforeAll, beforeEach, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { Ingest, Metadata } from "../../src/index.js"
import { ConfigurationError, SignalFx } from "../../src/promise/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { startIngest, TOKEN } from "../ingest/support.js"

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
  it.effect("leaves no prefix of it in ingest's lastError", () =>
    Effect.gen(function*() {
      server.fault("/v2/datapoint", [FakeSignalFx.respond(400, { body: straddling })])
      const { close, ingest } = yield* startIngest(server)
      yield* ingest.send({ gauges: [{ metric: "echoed", value: 1 }] })
      yield* ingest.flush
      const { datapoints } = yield* ingest.stats
      yield* close
      assert.isDefined(datapoints.lastError)
      assert.include(datapoints.lastError!.message, "HTTP 400")
      assert.notInclude(datapoints.lastError!.message, prefix)
    }))

  it.effect("leaves no prefix of it in a RestRequestError", () =>
    Effect.gen(function*() {
      server.fault("/v2/metric", [FakeSignalFx.respond(400, { body: straddling })])
      const metadata = yield* Metadata.make({ token: Redacted.make(TOKEN), apiEndpoint: server.url }).pipe(
        Effect.provide(FetchHttpClient.layer)
      )
      const error = yield* Effect.flip(metadata.getMetric("cpu"))
      assert.include(error.message, "HTTP 400")
      assert.notInclude(error.message, prefix)
    }).pipe(Effect.scoped))
})

describe("a token or userAgent no HTTP header can carry", () => {
  const tokens = ["to\nk", "tok\r\nX-Injected: 1", "tok\u0000en", "t\u00f6ken\u20ac"]
  const userAgents = ["app/1\r\nX-Injected: 1", "app/1\n", "app/\u2603"]

  it("is a ConfigurationError from the facade's constructor, naming the option but not the token", () => {
    for (const token of tokens) {
      const error = (() => {
        try {
          return new SignalFx(token, { ingestEndpoint: server.url })
        } catch (error) {
          return error
        }
      })()
      assert.instanceOf(error, ConfigurationError, JSON.stringify(token))
      assert.strictEqual(error.option, "token")
      assert.include(error.message, "cannot be sent in an HTTP header")
      assert.notInclude(error.message, token)
    }
    for (const userAgent of userAgents) {
      const error = (() => {
        try {
          return new SignalFx(TOKEN, { ingestEndpoint: server.url, userAgent })
        } catch (error) {
          return error
        }
      })()
      assert.instanceOf(error, ConfigurationError, JSON.stringify(userAgent))
      assert.strictEqual(error.option, "userAgent")
    }
  })

  it.effect("is a ConfigurationError from Ingest.make and Metadata.make", () =>
    Effect.gen(function*() {
      for (const token of tokens) {
        const ingest = yield* Effect.flip(
          Ingest.make({ token: Redacted.make(token), ingestEndpoint: server.url }).pipe(Effect.scoped)
        )
        assert.strictEqual(ingest.option, "token")
        const metadata = yield* Effect.flip(
          Metadata.make({ token: Redacted.make(token), apiEndpoint: server.url }).pipe(Effect.scoped)
        )
        assert.strictEqual(metadata._tag, "ConfigurationError")
      }
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it("lets a plain ASCII token and a Latin-1 userAgent through", () => {
    assert.doesNotThrow(() => {
      void new SignalFx("AbC-123_xyz.=", { ingestEndpoint: server.url, userAgent: "caf\u00e9/1.0 (linux)" }).stop()
    })
  })
})
