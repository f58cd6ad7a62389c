import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as net from "node:net"
import * as util from "node:util"
import { describe, expect } from "vitest"
import * as Metadata from "../../src/Metadata.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { metadataFor, requestsTo, seed, TOKEN } from "./support.js"

/** A port with nothing listening: connections to it are refused. */
const closedPort = Effect.promise(() =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address()
      if (address === null || typeof address === "string") throw new Error("no TCP address")
      probe.close(() => resolve(address.port))
    })
  })
)

const statuses = (server: FakeSignalFx.Server, prefix: string) =>
  requestsTo(server, prefix).map((request) => request.status)

describe("Metadata failures", () => {
  effect("a missing object is a RestNotFoundError naming it, to catchTag", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const metadata = yield* metadataFor(server)
      const metric = yield* Effect.flip(metadata.getMetric("no.such.metric"))
      expect(metric).toMatchObject({ _tag: "RestNotFoundError", kind: "metric", id: "no.such.metric" })
      expect(metric.message).toBe("no metric \"no.such.metric\"")
      const dimension = yield* Effect.flip(metadata.getDimension("host", "gone/away"))
      expect(dimension.message).toBe("no dimension \"host:gone/away\"")
      const series = yield* Effect.flip(metadata.getMetricTimeSeries("AAAA"))
      expect(series.message).toBe("no metric time series \"AAAA\"")
      const fallback = yield* metadata.getTag("missing").pipe(
        Effect.as("found"),
        Effect.catchTag("RestNotFoundError", (error) => Effect.succeed(`missing ${error.kind}`))
      )
      expect(fallback).toBe("missing tag")
      // A 404 is an answer, not a failure to retry.
      expect(statuses(server, "/v2/metric/")).toEqual([404])
    }))

  effect("a 400 is a RestRequestError with the service's message, not retried", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const metadata = yield* metadataFor(server)
      const error = yield* Effect.flip(metadata.searchMetrics({ query: "host:(server1" }))
      expect(error).toMatchObject({ _tag: "RestRequestError", reason: "StatusCode", status: 400, method: "GET" })
      expect(error.serviceMessage).toMatch(/^invalid query/)
      expect(error.message).toContain(`GET /v2/metric?query=host%3A%28server1: HTTP 400: ${error.serviceMessage}`)
      const window = yield* Effect.flip(metadata.searchTags({ query: "*", offset: 9_990, limit: 20 }))
      expect(window.serviceMessage).toBe("offset + limit must not exceed 10000")
      expect(statuses(server, "/v2/metric")).toEqual([400])
    }))

  effect("retries 429 honouring Retry-After, and 503, then succeeds", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      yield* seed(server)
      server.fault("/v2/metric/cpu.utilization", [
        FakeSignalFx.respond(429, { retryAfter: 1 }),
        FakeSignalFx.respond(503, { body: "{\"code\":503,\"message\":\"busy\"}" })
      ])
      const metadata = yield* metadataFor(server)
      const started = Date.now()
      const metric = yield* metadata.getMetric("cpu.utilization")
      expect(metric.name).toBe("cpu.utilization")
      expect(Date.now() - started).toBeGreaterThanOrEqual(950)
      expect(statuses(server, "/v2/metric/")).toEqual([429, 503, 200])
    }))

  effect("retries writes and searches too: they are idempotent", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      server.fault("/v2/tag", [
        FakeSignalFx.respond(502),
        FakeSignalFx.resetConnection("afterBody"),
        FakeSignalFx.respond(500)
      ])
      const metadata = yield* metadataFor(server)
      yield* metadata.updateTag("t", { description: "d" })
      server.fault("/v2/tag", [FakeSignalFx.respond(503)])
      yield* metadata.deleteTag("t")
      expect(requestsTo(server, "/v2/tag").map((r) => [r.method, r.status])).toEqual([
        ["PUT", 502],
        ["PUT", undefined],
        ["PUT", 500],
        ["PUT", 200],
        ["DELETE", 503],
        ["DELETE", 204]
      ])
    }))

  effect("gives up after retry.maxElapsed with the last failure", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      server.fault("/v2/metric", Array.from({ length: 100 }, () => FakeSignalFx.respond(503)))
      const metadata = yield* metadataFor(server, { retry: { initialDelay: 10, maxDelay: 20, maxElapsed: 150 } })
      const error = yield* Effect.flip(metadata.searchMetrics({ query: "*" }))
      expect(error).toMatchObject({ reason: "StatusCode", status: 503 })
      expect(requestsTo(server, "/v2/metric").length).toBeGreaterThan(2)
      expect(requestsTo(server, "/v2/metric").length).toBeLessThan(100)
    }))

  effect("a hung request times out; a refused connection is a Transport failure", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      server.fault("/v2/metric", [FakeSignalFx.hang])
      const noRetries = { initialDelay: 10, maxElapsed: 0 }
      const hung = yield* metadataFor(server, { requestTimeout: 100, retry: noRetries })
      const timeout = yield* Effect.flip(hung.getMetric("m"))
      expect(timeout).toMatchObject({ reason: "Timeout", description: "no answer within 100ms" })
      const port = yield* closedPort
      const refused = yield* Metadata.make({
        token: Redacted.make(TOKEN),
        apiEndpoint: `http://127.0.0.1:${port}`,
        retry: noRetries
      }).pipe(Effect.provide(FetchHttpClient.layer))
      const transport = yield* Effect.flip(refused.getTag("t"))
      expect(transport).toMatchObject({ reason: "Transport" })
      expect(transport.message).toContain("network error")
    }))

  effect("a redirect is not followed; 401 says the token was refused", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make({ tokens: ["another-token"] })
      const elsewhere = yield* FakeSignalFx.make()
      server.fault("/v2/metric", [FakeSignalFx.redirect(`${elsewhere.url}/v2/metric/m`)])
      const metadata = yield* metadataFor(server)
      const redirect = yield* Effect.flip(metadata.getMetric("m"))
      expect(redirect).toMatchObject({ reason: "StatusCode", status: 307 })
      expect(redirect.message).toContain("a redirect, not followed")
      expect(elsewhere.requests()).toEqual([])
      const refused = yield* Effect.flip(metadata.getMetric("m"))
      expect(refused).toMatchObject({ status: 401, serviceMessage: "invalid X-SF-Token" })
      expect(refused.message).toContain("the access token was refused")
    }))

  effect("an answer that is not the expected JSON is a Decode failure, not retried", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      server.fault("/v2/metric", [
        FakeSignalFx.respond(200, { body: "<html>maintenance</html>" }),
        FakeSignalFx.respond(200, { body: JSON.stringify({ count: "many", results: [] }) }),
        FakeSignalFx.respond(200, { body: JSON.stringify({ type: "GAUGE" }) })
      ])
      const metadata = yield* metadataFor(server)
      const html = yield* Effect.flip(metadata.searchMetrics({ query: "*" }))
      expect(html).toMatchObject({ reason: "Decode" })
      expect(html.message).toContain("the answer is not JSON: <html>maintenance</html>")
      const count = yield* Effect.flip(metadata.searchMetrics({ query: "*" }))
      expect(count.message).toContain("[\"count\"]")
      const nameless = yield* Effect.flip(metadata.getMetric("m"))
      expect(nameless.message).toContain("[\"name\"]")
      expect(requestsTo(server, "/v2/metric")).toHaveLength(3)
    }))

  effect("the token travels only in X-SF-Token and never shows in an error or a log", () => {
    const CANARY = "CANARY-TOKEN-4d1e8a"
    const lines: Array<string> = []
    const capture = Logger.make((options) => {
      lines.push(util.inspect(options, { depth: 10 }))
    })
    return Effect.gen(function*() {
      const server = yield* FakeSignalFx.make({ tokens: [CANARY] })
      server.fault("/v2/metric", [
        FakeSignalFx.respond(400, { body: `{"code":400,"message":"bad token ${CANARY}"}` }),
        FakeSignalFx.respond(503, { body: `overloaded, token ${CANARY}` }),
        FakeSignalFx.respond(200, { body: `{"name": 1, "echo": "${CANARY}"}` }),
        FakeSignalFx.redirect(`${server.url}/v2/metric?token=${CANARY}`)
      ])
      const port = yield* closedPort
      const retry = { initialDelay: 5, maxDelay: 10, maxElapsed: 0 }
      const metadata = yield* metadataFor(server, { token: Redacted.make(CANARY), retry })
      const errors: Array<unknown> = []
      for (let i = 0; i < 4; i++) errors.push(yield* Effect.flip(metadata.getMetric("m")))
      // The token is accepted where no fault is scripted.
      yield* metadata.updateTag("t", {})
      const unreachable = yield* metadataFor(server, {
        token: Redacted.make(CANARY),
        apiEndpoint: `http://127.0.0.1:${port}`,
        retry
      })
      errors.push(yield* Effect.flip(unreachable.getTag("t")))
      const badOptions = yield* Effect.exit(metadataFor(server, {
        token: Redacted.make(CANARY),
        apiEndpoint: "http://example.com"
      }))
      if (Exit.isFailure(badOptions)) errors.push(Cause.squash(badOptions.cause))
      yield* Effect.logError("errors", ...errors)

      expect(errors).toHaveLength(6)
      expect(errors.map((error) => String(error)).join("\n")).toContain("bad token <redacted>")
      const seen = [
        ...lines,
        ...errors.flatMap((error) => [String(error), util.inspect(error, { depth: 10 }), JSON.stringify(error)]),
        ...server.requests().map((request) => JSON.stringify(request))
      ]
      for (const text of seen) expect(text).not.toContain(CANARY)
      expect(server.requests().every((request) => request.headers["x-sf-token"] === FakeSignalFx.redacted)).toBe(
        true
      )
      expect(server.requests()[0]!.headers["user-agent"]).toBe("effect-signalfx/0.2.0")
    }).pipe(
      Effect.provideService(Logger.CurrentLoggers, new Set([capture])),
      Effect.provideService(References.MinimumLogLevel, "All")
    )
  })
})
