/**
 * The token goes only to the configured endpoint's origin, even through an application's own
 * `HttpClient` that follows redirects: not one request reaches the other origin, and what the
 * redirect answered is not counted as delivered.
 */
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { afterAll, assert, beforeAll, beforeEach, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { HostIdentity, Metadata } from "../../src/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { closedPort, fakeMetadataServer, identityDocument, json, loopbackOptions } from "../hostIdentity/support.js"
import { startIngest, TOKEN } from "../ingest/support.js"

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

const statuses = [301, 302, 303, 307, 308] as const

describe("a redirect to another origin, through a client that follows redirects", () => {
  for (const status of statuses) {
    it.effect(`${status}: ingest never sends there and drops the batch as rejected`, () =>
      Effect.gen(function*() {
        home.fault("/v2/datapoint", [FakeSignalFx.redirect(`${elsewhere.url}/v2/datapoint`, status)])
        const { close, ingest } = yield* startIngest(home, {}, following)
        yield* ingest.send({ gauges: [{ metric: "redirected", value: 1 }] })
        yield* ingest.flush
        const { datapoints } = yield* ingest.stats
        yield* close
        assert.deepStrictEqual(elsewhere.requests(), [])
        assert.strictEqual(datapoints.delivered, 0)
        assert.strictEqual(datapoints.dropped.rejected, 1)
        assert.include(datapoints.lastError?.message, `the token goes only to ${home.url}`)
      }))
  }

  it.effect("metadata never sends there and fails with a RestRequestError", () =>
    Effect.gen(function*() {
      home.fault("/v2/metric", [FakeSignalFx.redirect(`${elsewhere.url}/v2/metric/cpu`, 302)])
      const metadata = yield* Metadata.make({
        token: Redacted.make(TOKEN),
        apiEndpoint: home.url,
        retry: { initialDelay: 10, maxDelay: 50, maxElapsed: 2_000 }
      }).pipe(Effect.provide(following))
      const error = yield* Effect.flip(metadata.getMetric("cpu"))
      assert.strictEqual(error._tag, "RestRequestError")
      assert.include(error.message, "not followed")
      assert.deepStrictEqual(elsewhere.requests(), [])
      assert.strictEqual(home.requests().length, 1, "not retried")
    }).pipe(Effect.scoped))

  it.effect("a redirect within the same origin is still followed by the application's client", () =>
    Effect.gen(function*() {
      home.fault("/v2/datapoint", [FakeSignalFx.redirect(`${home.url}/v2/datapoint`, 307)])
      const { close, ingest } = yield* startIngest(home, {}, following)
      yield* ingest.send({ gauges: [{ metric: "same.origin", value: 1 }] })
      yield* ingest.flush
      const { datapoints } = yield* ingest.stats
      yield* close
      assert.strictEqual(datapoints.delivered, 1)
      assert.strictEqual(home.datapoints().length, 1)
    }))
})

describe("host identity, through a client that follows redirects", () => {
  it.scopedLive("never sends the IMDSv2 token to another origin", () =>
    Effect.gen(function*() {
      const elsewhereImds = yield* fakeMetadataServer(() => json(identityDocument))
      const imds = yield* fakeMetadataServer((request) =>
        request.method === "PUT"
          ? { status: 200, body: "imds-session-token" }
          : { status: 302, headers: { location: `${elsewhereImds.url}/latest/dynamic/instance-identity/document` } }
      )
      const unreachable = yield* closedPort
      const identity = yield* HostIdentity.make(loopbackOptions(unreachable, { awsEndpoint: imds.url })).pipe(
        Effect.provide(following)
      )
      const id = yield* identity.awsUniqueId
      assert.isTrue(Option.isNone(id))
      assert.deepStrictEqual(elsewhereImds.received, [])
      assert.isAbove(imds.received.length, 1)
    }))
})
