/**
 * The token goes only to the configured endpoint's origin, even through an application's own
 * `HttpClient` that follows redirects: not one request reaches the other origin, and what the
 * redirect answered is not taken as the answer. The request core is tested directly, as each
 * service sends through it.
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Tracer from "effect/Tracer"
import { afterAll, assert, beforeAll, beforeEach, describe } from "vitest"
import { makeRequests } from "../../src/internal/http/request.js"
import { TOKEN_HEADER } from "../../src/internal/http/transport.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { getMetric, restClient, TOKEN } from "./support.js"

let home: FakeSignalFx.Server
let elsewhere: FakeSignalFx.Server
beforeAll(async () => {
  home = await FakeSignalFx.start()
  elsewhere = await FakeSignalFx.start()
})
afterAll(() => Promise.all([home.close(), elsewhere.close()]))
beforeEach(() => {
  home.reset()
  elsewhere.reset()
})

/** The application's client: it follows redirects, copying every header. */
const following: Layer.Layer<HttpClient.HttpClient> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(HttpClient.HttpClient, HttpClient.followRedirects(10))
).pipe(Layer.provide(FetchHttpClient.layer))

/** Posts one datapoint to `server` as ingest does, through the application's client. */
const postDatapoint = (server: FakeSignalFx.Server) =>
  Effect.gen(function*() {
    const { send } = yield* makeRequests({
      base: new URL(server.url),
      headers: { [TOKEN_HEADER]: TOKEN },
      secretHeader: TOKEN_HEADER,
      secret: Redacted.make(TOKEN)
    })
    const request = HttpClientRequest.post("/v2/datapoint").pipe(
      HttpClientRequest.bodyJsonUnsafe({ gauge: [{ metric: "redirected", value: 1 }] })
    )
    return yield* send(request, { idempotent: false, read: () => Effect.void })
  }).pipe(Effect.provide(following))

const statuses = [301, 302, 303, 307, 308] as const

describe("a redirect to another origin, through a client that follows redirects", () => {
  for (const status of statuses) {
    effect(
      `${status}: a POST is never sent there, and fails as a refusal not worth retrying`,
      () =>
        Effect.gen(function*() {
          home.fault("/v2/datapoint", [FakeSignalFx.redirect(`${elsewhere.url}/v2/datapoint`, status)])
          const failure = yield* Effect.flip(postDatapoint(home))
          assert.deepStrictEqual(elsewhere.requests(), [])
          assert.strictEqual(failure.retryable, false)
          assert.strictEqual(failure.error.reason, "Transport")
          assert.include(failure.error.message, `the token goes only to ${home.url}`)
        })
    )
  }

  effect("a REST call never sends there and fails with a RestRequestError, not retried", () =>
    Effect.gen(function*() {
      home.fault("/v2/metric", [FakeSignalFx.redirect(`${elsewhere.url}/v2/metric/cpu`, 302)])
      const client = yield* restClient(home.url, {}, following)
      const error = yield* Effect.flip(getMetric(client))
      assert.strictEqual(error._tag, "RestRequestError")
      assert.include(error.message, "not followed")
      assert.deepStrictEqual(elsewhere.requests(), [])
      assert.strictEqual(home.requests().length, 1, "not retried")
    }))

  effect(
    "a REST call never sends there even while the application has Tracer.DisablePropagation on",
    () =>
      Effect.gen(function*() {
        home.fault("/v2/metric", [FakeSignalFx.redirect(`${elsewhere.url}/v2/metric/cpu`, 302)])
        const client = yield* restClient(home.url, {}, following)
        const error = yield* Effect.flip(getMetric(client)).pipe(Effect.provideService(Tracer.DisablePropagation, true))
        assert.include(error.message, "not followed")
        assert.deepStrictEqual(elsewhere.requests(), [])
      })
  )

  effect(
    "a redirect within the same origin is still followed by the application's client",
    () =>
      Effect.gen(function*() {
        home.fault("/v2/datapoint", [FakeSignalFx.redirect(`${home.url}/v2/datapoint`, 307)])
        yield* postDatapoint(home)
        assert.strictEqual(home.datapoints().length, 1)
      })
  )
})

describe("without a client that follows redirects", () => {
  effect("a redirect is an error status, never followed, that says why", () =>
    Effect.gen(function*() {
      home.fault("/v2/metric", [FakeSignalFx.redirect(`${elsewhere.url}/v2/metric/cpu`, 302)])
      const client = yield* restClient(home.url)
      const error = yield* Effect.flip(getMetric(client))
      assert.strictEqual(error.reason, "StatusCode")
      assert.strictEqual(error.status, 302)
      assert.include(error.message, "a redirect, not followed so that the token stays with its host")
      assert.deepStrictEqual(elsewhere.requests(), [])
    }))
})
