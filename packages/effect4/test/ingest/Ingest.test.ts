import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as TestClock from "effect/testing/TestClock"
import { assert, describe, expect } from "vitest"
import * as Ingest from "../../src/Ingest.js"
import { ClosedError, ValidationError } from "../../src/SignalFxError.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { eventually, gauges, invariantHolds, realSleep, startIngest, TOKEN, withLogs } from "./support.js"

const datapointRequests = (server: FakeSignalFx.Server) =>
  server.requests().filter((request) => request.path === "/v2/datapoint")

/** A test whose clock only moves when it says so (sockets still answer in real time). */
const effectWithTestClock = (name: string, body: () => Effect.Effect<unknown, unknown, never>) =>
  effect(name, () => Effect.provide(body(), TestClock.layer()))

describe("Ingest (Effect 4)", () => {
  describe("sending", () => {
    effect("delivers datapoints of the three types and events", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const { close, ingest } = yield* startIngest(server)
        yield* ingest.send({
          gauges: [{ metric: "cpu", value: 1.5, timestamp: 1_700_000_000_000, dimensions: { host: "a" } }],
          counters: [{ metric: "hits", value: 3 }],
          cumulativeCounters: [{ metric: "total", value: 2n ** 60n }],
          cumulative_counters: [{ metric: "legacy.total", value: 7 }]
        })
        yield* ingest.sendEvent({ eventType: "deploy", category: "ALERT", properties: { version: "1.2", ok: true } })
        yield* ingest.flush
        const points = server.datapoints()
        expect(points.map((p) => [p.metric, p.type, p.value, p.valueType])).toEqual([
          ["cpu", "gauge", 1.5, "double"],
          ["hits", "counter", 3, "int"],
          ["total", "cumulative_counter", 2n ** 60n, "int"],
          ["legacy.total", "cumulative_counter", 7, "int"]
        ])
        expect(points[0]!.timestamp).toBe(1_700_000_000_000)
        expect(server.events()).toMatchObject([{
          eventType: "deploy",
          category: "ALERT",
          properties: { version: "1.2", ok: true }
        }])
        const stats = yield* ingest.stats
        expect(stats.datapoints).toMatchObject({ accepted: 4, delivered: 4, pending: 0 })
        expect(stats.events).toMatchObject({ accepted: 1, delivered: 1, pending: 0 })
        yield* close
      }))

    effect("sends JSON bodies when asked", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const { close, ingest } = yield* startIngest(server, { format: "json" })
        yield* ingest.send({ gauges: [{ metric: "j", value: 0.5 }], counters: [{ metric: "k", value: 2 }] })
        yield* ingest.sendEvents([{ eventType: "e1" }, { eventType: "e2", properties: { n: 1 } }])
        yield* close
        expect(server.datapoints().map((p) => p.metric).sort()).toEqual(["j", "k"])
        expect(server.events().map((e) => e.eventType)).toEqual(["e1", "e2"])
        const contentTypes = server.requests().map((r) => r.headers["content-type"])
        expect(new Set(contentTypes)).toEqual(new Set(["application/json"]))
      }))

    effect(
      "sends the token, a User-Agent naming the library, and gzips large bodies only",
      () =>
        Effect.gen(function*() {
          const server = yield* FakeSignalFx.make({ tokens: [TOKEN] })
          const { close, ingest } = yield* startIngest(server, { userAgent: "my-app/2.0" })
          yield* ingest.send({ gauges: [{ metric: "small", value: 1 }] })
          yield* ingest.flush
          yield* ingest.send(gauges(500))
          yield* close
          const [small, large] = datapointRequests(server)
          expect(small!.status).toBe(200)
          expect(small!.encoding).toBeUndefined()
          expect(large!.encoding).toBe("gzip")
          expect(small!.headers["user-agent"]).toMatch(/^effect-signalfx\/\S+ my-app\/2\.0$/)
          expect(small!.headers["x-sf-token"]).toBe(FakeSignalFx.redacted)
          expect(server.datapoints()).toHaveLength(501)
        })
    )

    effect("keeps a path prefix of the ingest endpoint", () =>
      withLogs((logs) =>
        Effect.gen(function*() {
          const server = yield* FakeSignalFx.make()
          const { close, ingest } = yield* startIngest(server, { ingestEndpoint: `${server.url}/proxy/signalfx/` })
          yield* ingest.send({ gauges: [{ metric: "m", value: 1 }] })
          yield* close
          expect(server.requests().map((r) => r.path)).toEqual(["/proxy/signalfx/v2/datapoint"])
          // The local server serves no such path: the batch is refused, and said so.
          expect(logs).toEqual([expect.stringContaining("SignalFx rejected 1 datapoint, dropped: HTTP 404")])
        })
      ))

    effect("compression \"none\" never gzips and \"gzip\" always does", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const never = yield* startIngest(server, { compression: "none" })
        yield* never.ingest.send(gauges(500))
        yield* never.close
        const always = yield* startIngest(server, { compression: "gzip" })
        yield* always.ingest.send({ gauges: [{ metric: "tiny", value: 1 }] })
        yield* always.close
        expect(datapointRequests(server).map((r) => r.encoding)).toEqual([undefined, "gzip"])
        expect(server.datapoints()).toHaveLength(501)
      }))
  })

  describe("batching", () => {
    effect("turns a trickle of small sends into few requests", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const { close, ingest } = yield* startIngest(server, { flushInterval: 200 })
        for (let i = 0; i < 50; i++) yield* ingest.send(gauges(2, "t", i * 2))
        yield* eventually(() => server.datapoints().length === 100)
        expect(datapointRequests(server)).toHaveLength(1)
        yield* close
      }))

    effect("sends a full batch at once, without waiting for the linger", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const { close, ingest } = yield* startIngest(server, { maxBatchSize: 100, flushInterval: "1 hour" })
        yield* ingest.send(gauges(250))
        yield* eventually(() => server.datapoints().length === 200)
        expect(datapointRequests(server)).toHaveLength(2)
        yield* realSleep(50)
        expect(server.datapoints()).toHaveLength(200) // the last 50 linger
        yield* close
        expect(server.datapoints()).toHaveLength(250)
        expect(datapointRequests(server)).toHaveLength(3)
      }))

    effect(
      "sends at half a queue smaller than a batch, instead of filling it during the linger",
      () =>
        Effect.gen(function*() {
          const server = yield* FakeSignalFx.make()
          const { close, ingest } = yield* startIngest(server, { queueCapacity: 200, flushInterval: "1 hour" })
          yield* ingest.send(gauges(99))
          yield* realSleep(50)
          expect(server.requests()).toHaveLength(0)
          yield* ingest.send(gauges(1, "h", 99))
          yield* eventually(() => server.datapoints().length === 100)
          yield* ingest.send(gauges(100, "i"))
          yield* eventually(() => server.datapoints().length === 200)
          expect((yield* ingest.stats).datapoints.dropped.queueFull).toBe(0)
          yield* close
        })
    )

    effectWithTestClock(
      "waits flushInterval after the oldest queued item before sending a partial batch",
      () =>
        Effect.gen(function*() {
          const server = yield* FakeSignalFx.make()
          const { close, ingest } = yield* startIngest(server, { flushInterval: "1 second" })
          yield* ingest.send({ gauges: [{ metric: "first", value: 1 }] })
          yield* TestClock.adjust("600 millis")
          yield* ingest.send({ gauges: [{ metric: "second", value: 2 }] })
          yield* TestClock.adjust("399 millis")
          yield* realSleep(100)
          expect(server.requests()).toHaveLength(0)
          yield* TestClock.adjust("1 millis")
          yield* eventually(() => server.datapoints().length === 2)
          expect(server.requests()).toHaveLength(1)
          yield* close
        }).pipe(Effect.scoped)
    )

    effect("flush waits for delivery of everything accepted before it, and only that", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        server.fault("/v2/datapoint", [FakeSignalFx.delay(200)])
        const { close, ingest } = yield* startIngest(server, { flushInterval: "1 hour" })
        yield* ingest.send(gauges(10))
        const flushed = yield* Effect.forkChild(ingest.flush)
        yield* realSleep(100)
        assert.isUndefined(flushed.pollUnsafe())
        yield* Fiber.join(flushed)
        expect(server.datapoints()).toHaveLength(10)
        yield* close
      }))
  })

  describe("stop", () => {
    effect("loses nothing when the scope closes right after sending", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const { close, ingest } = yield* startIngest(server, { flushInterval: "1 hour", maxBatchSize: 300 })
        for (let i = 0; i < 25; i++) yield* ingest.send(gauges(100, "c", i * 100))
        yield* ingest.sendEvent({ eventType: "last" })
        yield* close
        expect(server.datapoints()).toHaveLength(2500)
        expect(new Set(server.datapoints().map((p) => p.dimensions.id)).size).toBe(2500)
        expect(server.events()).toHaveLength(1)
        const stats = yield* ingest.stats
        expect(stats.datapoints).toMatchObject({ accepted: 2500, delivered: 2500, pending: 0 })
      }))

    effect("the layer's release delivers the last datapoint", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        yield* Effect.gen(function*() {
          const ingest = yield* Ingest.Ingest
          yield* ingest.send({ gauges: [{ metric: "last", value: 1 }] })
        }).pipe(
          Effect.provide(
            Ingest.layer({ token: Redacted.make(TOKEN), ingestEndpoint: server.url, flushInterval: "1 hour" }).pipe(
              Layer.provide(FetchHttpClient.layer)
            )
          )
        )
        expect(server.datapoints().map((p) => p.metric)).toEqual(["last"])
      }))

    effect("refuses sends after the stop, with a typed error counted as closed", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const { close, ingest } = yield* startIngest(server)
        yield* close
        const error = yield* Effect.flip(ingest.send(gauges(3)))
        assert.instanceOf(error, ClosedError)
        expect(error.message).toContain("3 datapoints")
        const eventError = yield* Effect.flip(ingest.sendEvent({ eventType: "late" }))
        assert.instanceOf(eventError, ClosedError)
        const stats = yield* ingest.stats
        expect(stats.datapoints).toMatchObject({ accepted: 3, delivered: 0, pending: 0 })
        expect(stats.datapoints.dropped.closed).toBe(3)
        expect(stats.events.dropped.closed).toBe(1)
      }))

    effect(
      "returns by the shutdown deadline against a hanging server, counting what is left",
      () =>
        withLogs((logs) =>
          Effect.gen(function*() {
            const server = yield* FakeSignalFx.make()
            server.fault("/v2/datapoint", Array.from({ length: 100 }, () => FakeSignalFx.hang))
            const { close, ingest } = yield* startIngest(server, {
              shutdownTimeout: 300,
              maxBatchSize: 10,
              maxConcurrentRequests: 2
            })
            yield* ingest.send(gauges(95))
            yield* close
            const stats = yield* ingest.stats
            expect(stats.datapoints.dropped.shutdownDeadline).toBe(95)
            expect(stats.datapoints.pending).toBe(0)
            assert.isTrue(invariantHolds(stats.datapoints))
            expect(logs).toContainEqual("WARN Shutdown deadline of 300ms reached: 95 datapoints not delivered")
          })
        )
    )

    effect("keeps retrying during the stop until the deadline", () =>
      withLogs((logs) =>
        Effect.gen(function*() {
          const server = yield* FakeSignalFx.make()
          server.fault("/v2/datapoint", [FakeSignalFx.respond(503), FakeSignalFx.respond(503)])
          const { close, ingest } = yield* startIngest(server, { shutdownTimeout: 5_000 })
          yield* ingest.send(gauges(5))
          yield* close
          expect(server.datapoints()).toHaveLength(5)
          const stats = yield* ingest.stats
          expect(stats.datapoints).toMatchObject({ delivered: 5, retries: 2, requests: 3 })
          expect(logs).toEqual([
            expect.stringContaining("HTTP 503"),
            expect.stringContaining("recovered after 2 failed")
          ])
        })
      ))
  })

  describe("global dimensions", () => {
    effect("adds them to every datapoint and event; the item's own dimension wins", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const { close, ingest } = yield* startIngest(server, { dimensions: { env: "prod", host: "global" } })
        yield* ingest.addDimensions({ AWSUniqueId: "i-1_us-east-1_123" })
        const input = Object.freeze({
          gauges: Object.freeze([Object.freeze({ metric: "m", value: 1, dimensions: Object.freeze({ host: "own" }) })])
        })
        yield* ingest.send(input)
        yield* ingest.sendEvent({ eventType: "e" })
        yield* ingest.flush
        yield* ingest.removeDimensions(["env"])
        expect(yield* ingest.dimensions).toEqual({ host: "global", AWSUniqueId: "i-1_us-east-1_123" })
        yield* ingest.send({ gauges: [{ metric: "after", value: 2 }] })
        yield* close
        const [first, after] = server.datapoints()
        expect(first!.dimensions).toEqual({ env: "prod", host: "own", AWSUniqueId: "i-1_us-east-1_123" })
        expect(after!.dimensions).toEqual({ host: "global", AWSUniqueId: "i-1_us-east-1_123" })
        expect(server.events()[0]!.dimensions).toEqual({
          env: "prod",
          host: "global",
          AWSUniqueId: "i-1_us-east-1_123"
        })
        expect(input.gauges[0]!.dimensions).toEqual({ host: "own" })
      }))

    effect(
      "keep the dimensions in force when a datapoint was sent, even if changed before delivery",
      () =>
        Effect.gen(function*() {
          const server = yield* FakeSignalFx.make()
          const { close, ingest } = yield* startIngest(server, { flushInterval: "1 hour" })
          yield* ingest.addDimensions({ phase: "one" })
          yield* ingest.send({ gauges: [{ metric: "m", value: 1 }] })
          yield* ingest.addDimensions({ phase: "two" })
          yield* ingest.send({ gauges: [{ metric: "m", value: 2 }] })
          yield* close
          expect(server.datapoints().map((p) => p.dimensions.phase)).toEqual(["one", "two"])
        })
    )

    effect("are validated, and count against the 36-dimension limit", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const { close, ingest } = yield* startIngest(server)
        const bad = yield* Effect.flip(ingest.addDimensions({ "sf_x": "1", ok: "" }))
        expect(bad.issues.map(String)).toEqual([
          "dimensions[\"sf_x\"]: a dimension key must not start with the reserved prefix 'sf_'",
          "dimensions[\"ok\"]: a dimension value must not be empty"
        ])
        const notAnArray = yield* Effect.flip(ingest.removeDimensions("env" as unknown as ReadonlyArray<string>))
        expect(notAnArray.issues.map(String)).toEqual([
          "keys: must be an array of dimension keys, got a string; did you mean [\"env\"]?"
        ])
        yield* ingest.addDimensions({ g1: "1", g2: "2" })
        const dimensions = Object.fromEntries(Array.from({ length: 35 }, (_, i) => [`d${i}`, "v"]))
        const error = yield* Effect.flip(ingest.send({ gauges: [{ metric: "m", value: 1, dimensions }] }))
        assert.instanceOf(error, ValidationError)
        expect(error.issues.map(String)).toEqual([
          "gauges[0].dimensions: with the global dimensions there would be 37 dimensions; at most 36 are allowed"
        ])
        yield* close
      }))
  })

  describe("validation", () => {
    effect("fails with every problem, and queues nothing of the failed call", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const { close, ingest } = yield* startIngest(server)
        const error = yield* Effect.flip(ingest.send({
          gauges: [{ metric: "ok", value: 1 }, { metric: "bad", value: Number.NaN }],
          counters: [{ metric: "", value: 1 }]
        }))
        assert.instanceOf(error, ValidationError)
        expect(error.issues.map(String)).toEqual([
          "gauges[1].value: NaN is not a finite number",
          "counters[0].metric: the metric name must not be empty"
        ])
        const eventError = yield* Effect.flip(ingest.sendEvents([{ eventType: "ok" }, { eventType: "" }]))
        assert.instanceOf(eventError, ValidationError)
        yield* close
        expect(server.datapoints()).toHaveLength(0)
        expect(server.events()).toHaveLength(0)
        expect((yield* ingest.stats).datapoints.accepted).toBe(0)
      }))
  })

  describe("answers from the service", () => {
    for (const status of [400, 401, 403, 404, 409, 422]) {
      effect(
        `drops a batch answered ${status} without retrying, with one log line`,
        () =>
          withLogs((logs) =>
            Effect.gen(function*() {
              const server = yield* FakeSignalFx.make()
              server.fault("/v2/datapoint", [FakeSignalFx.respond(status, { body: `{"message":"nope ${status}"}` })])
              const { close, ingest } = yield* startIngest(server)
              yield* ingest.send(gauges(4))
              yield* ingest.flush
              yield* ingest.send(gauges(1, "next"))
              yield* close
              const stats = (yield* ingest.stats).datapoints
              expect(stats.dropped.rejected).toBe(4)
              expect(stats.delivered).toBe(1)
              expect(stats.retries).toBe(0)
              const lines = logs.filter((line) => line.includes("rejected"))
              expect(lines).toHaveLength(1)
              expect(lines[0]).toContain(`HTTP ${status}`)
              expect(lines[0]).toContain(`nope ${status}`)
              if (status === 401 || status === 403) expect(lines[0]).toContain("token was refused")
            })
          )
      )
    }

    for (const status of [408, 429, 500, 502, 503, 504]) {
      effect(
        `retries a batch answered ${status} until it is delivered`,
        () =>
          withLogs((logs) =>
            Effect.gen(function*() {
              const server = yield* FakeSignalFx.make()
              server.fault("/v2/datapoint", [FakeSignalFx.respond(status), FakeSignalFx.respond(status)])
              const { close, ingest } = yield* startIngest(server)
              yield* ingest.send(gauges(4))
              yield* ingest.flush
              yield* close
              const stats = (yield* ingest.stats).datapoints
              expect(stats).toMatchObject({ delivered: 4, retries: 2, requests: 3 })
              expect(server.datapoints()).toHaveLength(4)
              // One line when the incident starts, one when it ends: none per retry.
              expect(logs).toEqual([
                expect.stringContaining(`Cannot deliver datapoints to 127.0.0.1:${server.port}: HTTP ${status}`),
                expect.stringContaining("recovered after 2 failed attempts")
              ])
            })
          )
      )
    }

    effect(
      "reads at most a few kilobytes of an error body, and logs a short excerpt",
      () =>
        withLogs((logs) =>
          Effect.gen(function*() {
            const server = yield* FakeSignalFx.make()
            server.fault("/v2/datapoint", [
              FakeSignalFx.respond(400, { body: `{"message":"${"x".repeat(5_000_000)}"}` })
            ])
            const { close, ingest } = yield* startIngest(server)
            yield* ingest.send(gauges(1))
            yield* ingest.flush
            yield* close
            const line = logs.find((l) => l.includes("rejected"))!
            expect(line).toContain("HTTP 400")
            expect(line.length).toBeLessThan(1_000)
            expect((yield* ingest.stats).datapoints.dropped.rejected).toBe(1)
          })
        )
    )

    effect(
      "does not follow a redirect, so the token never reaches another host",
      () =>
        withLogs((logs) =>
          Effect.gen(function*() {
            const elsewhere = yield* FakeSignalFx.make()
            const server = yield* FakeSignalFx.make()
            server.fault("/v2/datapoint", [FakeSignalFx.redirect(`${elsewhere.url}/v2/datapoint`, 307)])
            const { close, ingest } = yield* startIngest(server)
            yield* ingest.send(gauges(2))
            yield* ingest.flush
            yield* close
            expect(elsewhere.requests()).toHaveLength(0)
            expect(logs.filter((line) => line.includes("a redirect, not followed"))).toHaveLength(1)
            expect((yield* ingest.stats).datapoints.dropped.rejected).toBe(2)
          })
        )
    )

    effect(
      "retries after a connection reset, before or after the body was read",
      () =>
        withLogs((logs) =>
          Effect.gen(function*() {
            const server = yield* FakeSignalFx.make()
            server.fault("/v2/datapoint", [
              FakeSignalFx.resetConnection("beforeBody"),
              FakeSignalFx.resetConnection("afterBody")
            ])
            const { close, ingest } = yield* startIngest(server)
            yield* ingest.send(gauges(3))
            yield* ingest.flush
            yield* close
            expect(server.datapoints()).toHaveLength(3)
            expect((yield* ingest.stats).datapoints).toMatchObject({ delivered: 3, retries: 2 })
            expect(logs).toEqual([expect.stringContaining("network error"), expect.stringContaining("recovered")])
          })
        )
    )

    effect(
      "gives up on a hanging request after requestTimeout and retries it",
      () =>
        withLogs((logs) =>
          Effect.gen(function*() {
            const server = yield* FakeSignalFx.make()
            server.fault("/v2/datapoint", [FakeSignalFx.hang])
            const { close, ingest } = yield* startIngest(server, { requestTimeout: 200 })
            yield* ingest.send(gauges(3))
            yield* ingest.flush
            yield* close
            expect(server.datapoints()).toHaveLength(3)
            expect((yield* ingest.stats).datapoints).toMatchObject({ delivered: 3, retries: 1 })
            expect(logs).toEqual([
              expect.stringContaining("no answer within 200ms"),
              expect.stringContaining("recovered")
            ])
          })
        )
    )

    effect(
      "drops a batch as retriesExhausted once retry.maxElapsed has passed",
      () =>
        withLogs((logs) =>
          Effect.gen(function*() {
            const server = yield* FakeSignalFx.make()
            server.fault("/v2/datapoint", Array.from({ length: 1000 }, () => FakeSignalFx.respond(500)))
            const { close, ingest } = yield* startIngest(server, {
              retry: { initialDelay: 10, maxDelay: 20, maxElapsed: 200 }
            })
            yield* ingest.send(gauges(6))
            yield* ingest.flush
            const stats = (yield* ingest.stats).datapoints
            expect(stats.dropped.retriesExhausted).toBe(6)
            // How many retries fit in maxElapsed depends on how fast a loaded machine answers; that
            // there were some, and then none, is the point.
            expect(stats.retries).toBeGreaterThanOrEqual(1)
            expect(stats.lastError?.message).toContain("HTTP 500")
            expect(logs.filter((line) => line.includes("Gave up"))).toHaveLength(1)
            yield* close
          })
        )
    )

    effect(
      "splits a batch answered 413 and sends the halves; a lone item is dropped as tooLarge",
      () =>
        withLogs((logs) =>
          Effect.gen(function*() {
            const server = yield* FakeSignalFx.make()
            server.fault("/v2/datapoint", [FakeSignalFx.respond(413)])
            const { close, ingest } = yield* startIngest(server)
            yield* ingest.send(gauges(8))
            yield* ingest.flush
            expect(datapointRequests(server).map((r) => r.status)).toEqual([413, 200, 200])
            expect(server.datapoints()).toHaveLength(8)
            server.fault("/v2/datapoint", Array.from({ length: 10 }, () => FakeSignalFx.respond(413)))
            yield* ingest.send(gauges(1, "huge"))
            yield* ingest.flush
            const stats = (yield* ingest.stats).datapoints
            expect(stats).toMatchObject({ delivered: 8, pending: 0 })
            expect(stats.dropped.tooLarge).toBe(1)
            expect(logs).toEqual(["WARN Dropped 1 datapoint too large to send: HTTP 413"])
            yield* close
          })
        )
    )

    effect(
      "gets every datapoint through a body limit by splitting, however far it takes",
      () =>
        Effect.gen(function*() {
          // Uncompressed, each datapoint is ~40 bytes: 400 of them must be split into batches of ≤ 25.
          const server = yield* FakeSignalFx.make({ maxBodyBytes: 1_000 })
          const { close, ingest } = yield* startIngest(server, { compression: "none" })
          yield* ingest.send(gauges(400))
          yield* ingest.flush
          const statuses = datapointRequests(server).map((r) => r.status)
          expect(statuses.filter((status) => status === 413).length).toBeGreaterThan(0)
          expect(server.datapoints().map((point) => point.value)).toEqual(Array.from({ length: 400 }, (_, i) => i))
          const stats = (yield* ingest.stats).datapoints
          expect(stats).toMatchObject({ delivered: 400, pending: 0 })
          expect(stats.dropped.tooLarge).toBe(0)
          yield* close
        })
    )
  })

  describe("Retry-After", () => {
    effectWithTestClock(
      "waits the seconds that Retry-After asks for, stretching the backoff",
      () =>
        withLogs((logs) =>
          Effect.gen(function*() {
            const server = yield* FakeSignalFx.make()
            server.fault("/v2/datapoint", [FakeSignalFx.respond(429, { retryAfter: 30 })])
            const { close, ingest } = yield* startIngest(server, { retry: { initialDelay: 10, maxDelay: 20 } })
            yield* ingest.send(gauges(2))
            yield* TestClock.adjust("20 millis")
            yield* eventually(() => datapointRequests(server).length === 1)
            yield* TestClock.adjust("29 seconds")
            yield* realSleep(100)
            expect(datapointRequests(server)).toHaveLength(1)
            yield* TestClock.adjust("1 second")
            yield* eventually(() => server.datapoints().length === 2)
            yield* close
            expect(logs).toEqual([
              expect.stringContaining("HTTP 429"),
              expect.stringContaining("recovered after 1 failed attempt in 30s")
            ])
          }).pipe(Effect.scoped)
        )
    )

    effectWithTestClock("caps Retry-After at retry.maxRetryAfter", () =>
      withLogs((logs) =>
        Effect.gen(function*() {
          const server = yield* FakeSignalFx.make()
          server.fault("/v2/datapoint", [FakeSignalFx.respond(429, { retryAfter: 3600 })])
          const { close, ingest } = yield* startIngest(server, { retry: { initialDelay: 10, maxRetryAfter: 5_000 } })
          yield* ingest.send(gauges(1))
          yield* TestClock.adjust("20 millis")
          yield* eventually(() => datapointRequests(server).length === 1)
          yield* TestClock.adjust("5 seconds")
          yield* eventually(() => server.datapoints().length === 1)
          yield* close
          expect(logs).toEqual([
            expect.stringContaining("HTTP 429"),
            expect.stringContaining("recovered after 1 failed attempt in 5s")
          ])
        }).pipe(Effect.scoped)
      ))
  })

  describe("throttling", () => {
    effect(
      "keeps at most one request in flight while the service throttles",
      () =>
        withLogs((logs) =>
          Effect.gen(function*() {
            // Counts requests that started while the last answer was a 429, until a success ends it.
            let throttledNow = false
            let throttledAnswers = 0
            let inFlightSinceThrottled = 0
            let maxInFlightWhileThrottled = 0
            const counting = Layer.effect(
              HttpClient.HttpClient,
              Effect.map(Effect.service(HttpClient.HttpClient), (client) =>
                HttpClient.transformResponse(client, (response) =>
                  Effect.acquireUseRelease(
                    Effect.sync(() => {
                      if (!throttledNow) return false
                      inFlightSinceThrottled++
                      maxInFlightWhileThrottled = Math.max(maxInFlightWhileThrottled, inFlightSinceThrottled)
                      return true
                    }),
                    () =>
                      Effect.tap(response, (r) =>
                        Effect.sync(() => {
                          if (r.status === 429) {
                            throttledAnswers++
                          }
                          throttledNow = r.status === 429
                        })),
                    (counted) =>
                      Effect.sync(() => counted && inFlightSinceThrottled--)
                  )))
            ).pipe(Layer.provide(FetchHttpClient.layer))
            const server = yield* FakeSignalFx.make()
            server.fault("/v2/datapoint", [
              ...Array.from({ length: 4 }, () => FakeSignalFx.respond(429)),
              ...Array.from({ length: 6 }, () => FakeSignalFx.delay(30))
            ])
            const { close, ingest } = yield* startIngest(server, {
              maxBatchSize: 10,
              maxConcurrentRequests: 4,
              flushInterval: "1 hour"
            }, counting)
            yield* ingest.send(gauges(40))
            yield* ingest.flush
            yield* close
            expect(throttledAnswers).toBe(4)
            expect(maxInFlightWhileThrottled).toBe(1)
            expect(server.datapoints()).toHaveLength(40)
            expect(logs).toEqual([
              expect.stringContaining("HTTP 429"),
              expect.stringContaining("recovered after 4 failed")
            ])
          })
        )
    )
  })

  describe("overflow", () => {
    effect(
      "drops the newest when full, logs once when dropping starts and once when it ends",
      () =>
        withLogs((logs) =>
          Effect.gen(function*() {
            const server = yield* FakeSignalFx.make()
            server.fault("/v2/datapoint", [FakeSignalFx.delay(300)])
            const { close, ingest } = yield* startIngest(server, {
              queueCapacity: 100,
              maxBatchSize: 50,
              maxConcurrentRequests: 1,
              flushInterval: "1 hour"
            })
            // 50 leave at once in the slow request; the queue then holds 100 more.
            yield* ingest.send(gauges(50, "first"))
            yield* realSleep(50)
            for (let i = 0; i < 10; i++) yield* ingest.send(gauges(20, "burst", i * 20))
            yield* ingest.flush
            yield* ingest.send(gauges(1, "after"))
            yield* close
            const stats = (yield* ingest.stats).datapoints
            expect(stats.dropped.queueFull).toBe(100)
            expect(stats.delivered).toBe(151)
            const burstIds = server.datapoints().filter((p) => p.metric === "burst.metric").map((p) => p.value)
            expect(burstIds).toEqual(Array.from({ length: 100 }, (_, i) => i)) // the oldest 100 were kept
            expect(logs.filter((line) => line.includes("queue is full"))).toHaveLength(1)
            const recovered = logs.filter((line) => line.includes("recovered"))
            expect(recovered).toHaveLength(1)
            expect(recovered[0]).toContain("100 datapoints dropped")
          })
        )
    )

    effect("drops the oldest when told to", () =>
      withLogs((logs) =>
        Effect.gen(function*() {
          const server = yield* FakeSignalFx.make()
          server.fault("/v2/datapoint", [FakeSignalFx.delay(300)])
          const { close, ingest } = yield* startIngest(server, {
            queueCapacity: 100,
            maxBatchSize: 50,
            maxConcurrentRequests: 1,
            overflow: "dropOldest",
            flushInterval: "1 hour"
          })
          yield* ingest.send(gauges(50, "first"))
          yield* realSleep(50)
          for (let i = 0; i < 10; i++) yield* ingest.send(gauges(20, "burst", i * 20))
          yield* close
          const burst = server.datapoints().filter((p) => p.metric === "burst.metric").map((p) => p.value)
          expect(burst).toEqual(Array.from({ length: 100 }, (_, i) => i + 100)) // the newest 100 were kept
          expect((yield* ingest.stats).datapoints.dropped.queueFull).toBe(100)
          expect(logs.filter((line) => line.includes("queue is full (100): dropping the oldest"))).toHaveLength(1)
        })
      ))

    effect(
      "a tight loop of sends loses nothing on a healthy link: past half full, send yields a turn",
      () =>
        Effect.gen(function*() {
          const server = yield* FakeSignalFx.make()
          const { close, ingest } = yield* startIngest(server, {
            queueCapacity: 5_000,
            maxBatchSize: 1_000,
            flushInterval: 1_000
          })
          for (let i = 0; i < 300; i++) yield* ingest.send(gauges(100, "tight", i * 100))
          yield* close
          const stats = (yield* ingest.stats).datapoints
          expect(stats.dropped.queueFull).toBe(0)
          expect(stats.delivered).toBe(30_000)
          expect(server.datapoints()).toHaveLength(30_000)
        })
    )

    effect(
      "keeps memory bounded under a black-hole server: the queue fills and the rest is counted",
      () =>
        withLogs((logs) =>
          Effect.gen(function*() {
            const server = yield* FakeSignalFx.make()
            server.fault("/v2/datapoint", Array.from({ length: 50 }, () => FakeSignalFx.hang))
            const { close, ingest } = yield* startIngest(server, {
              queueCapacity: 1_000,
              maxBatchSize: 100,
              maxConcurrentRequests: 2,
              requestTimeout: "1 hour",
              shutdownTimeout: 200
            })
            for (let i = 0; i < 100; i++) yield* ingest.send(gauges(100, "bh", i * 100))
            yield* realSleep(100)
            const stats = (yield* ingest.stats).datapoints
            // in flight: 2 batches of 100; queued: at most 1,000
            expect(stats.pending).toBeLessThanOrEqual(1_200)
            expect(stats.dropped.queueFull).toBe(10_000 - stats.pending)
            assert.isTrue(invariantHolds(stats))
            yield* close
            const after = (yield* ingest.stats).datapoints
            expect(after.pending).toBe(0)
            assert.isTrue(invariantHolds(after))
            expect(logs).toEqual([
              "WARN The datapoints queue is full (1000): dropping the newest datapoints until it drains",
              expect.stringMatching(/^WARN Shutdown deadline of 200ms reached: [\d,]+ datapoints not delivered$/)
            ])
          })
        )
    )
  })

  describe("accounting", () => {
    effect("mirrors the stats into Effect metrics", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const delivered = Metric.withAttributes(Ingest.metrics.delivered, { kind: "events" })
        const before = (yield* Metric.value(delivered)).count
        const { close, ingest } = yield* startIngest(server)
        yield* ingest.sendEvents([{ eventType: "a" }, { eventType: "b" }])
        yield* close
        expect((yield* Metric.value(delivered)).count - before).toBe(2)
      }))
  })

  describe("configuration", () => {
    const build = (options: Partial<Ingest.Options>) =>
      Effect.scoped(Ingest.make({ token: Redacted.make(TOKEN), ...options })).pipe(
        Effect.provide(FetchHttpClient.layer),
        Effect.result
      )

    effect("refuses plain http to a host other than loopback unless allowed", () =>
      Effect.gen(function*() {
        const refused = yield* build({ ingestEndpoint: "http://collector.internal:9943" })
        assert.isTrue(Result.isFailure(refused))
        if (Result.isFailure(refused)) {
          expect(refused.failure.option).toBe("ingestEndpoint")
          expect(refused.failure.message).toContain("unencrypted")
        }
        assert.isTrue(Result.isSuccess(yield* build({ ingestEndpoint: "http://127.0.0.1:9943" })))
        assert.isTrue(Result.isSuccess(yield* build({ ingestEndpoint: "http://localhost:9943" })))
        assert.isTrue(
          Result.isSuccess(yield* build({ ingestEndpoint: "http://collector.internal:9943", allowInsecureHttp: true }))
        )
      }))

    effect("names a bad option, and never shows the token", () =>
      Effect.gen(function*() {
        const cases: ReadonlyArray<readonly [Partial<Ingest.Options>, string]> = [
          [{ maxBatchSize: 0 }, "maxBatchSize"],
          [{ queueCapacity: 1.5 }, "queueCapacity"],
          [{ eventQueueCapacity: -1 }, "eventQueueCapacity"],
          [{ maxConcurrentRequests: 0 }, "maxConcurrentRequests"],
          [{ realm: "not a realm" }, "realm"],
          [{ ingestEndpoint: "::nope" }, "ingestEndpoint"],
          [{ token: Redacted.make(" ") }, "token"],
          [{ dimensions: { "1x": "y" } }, "dimensions"],
          [{ flushInterval: "soon" as unknown as number }, "flushInterval"],
          [{ flushInterval: -1 }, "flushInterval"],
          [{ requestTimeout: 0 }, "requestTimeout"],
          [{ retry: { initialDelay: "0 millis" } }, "retry.initialDelay"],
          [{ format: "xml" as "json" }, "format"],
          [{ compression: "brotli" as "gzip" }, "compression"],
          [{ overflow: "block" as "dropNewest" }, "overflow"]
        ]
        for (const [options, option] of cases) {
          const result = yield* build(options)
          assert.isTrue(Result.isFailure(result), option)
          if (Result.isFailure(result)) {
            expect(result.failure.option).toBe(option)
            expect(result.failure.message).not.toContain(TOKEN)
          }
        }
      }))

    effect("config reads SPLUNK_* and the older SIGNALFX_* names", () =>
      Effect.gen(function*() {
        const resolved = yield* Ingest.config.pipe(
          withConfig({ SIGNALFX_ACCESS_TOKEN: "from-env", SPLUNK_REALM: "eu0" })
        )
        expect(Redacted.value(resolved.token)).toBe("from-env")
        expect(resolved.realm).toBe("eu0")
        expect(resolved.ingestEndpoint).toBeUndefined()
        const missing = yield* Effect.result(Ingest.config.pipe(withConfig({})))
        assert.isTrue(Result.isFailure(missing))
      }))

    effect("layerConfig builds a working layer from configuration", () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make({ tokens: ["cfg-token"] })
        yield* Effect.gen(function*() {
          const ingest = yield* Ingest.Ingest
          yield* ingest.send({ gauges: [{ metric: "from.config", value: 1 }] })
        }).pipe(
          Effect.provide(Ingest.layerConfig({ flushInterval: 10 }).pipe(Layer.provide(FetchHttpClient.layer))),
          withConfig({ SPLUNK_ACCESS_TOKEN: "cfg-token", SPLUNK_INGEST_URL: server.url })
        )
        expect(server.datapoints().map((p) => p.metric)).toEqual(["from.config"])
      }))
  })
})

/** Runs an effect with configuration read from these values instead of the environment. */
const withConfig = (values: Record<string, string>) => <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.provideService(self, ConfigProvider.ConfigProvider, ConfigProvider.fromEnvRecord(values))
