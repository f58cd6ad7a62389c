import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as zlib from "node:zlib"
import { describe, expect } from "vitest"
import { decodedValue } from "../../../../test/wire/decoded.js"
import { decodeDatapoints } from "../../src/core/wire/protobufDecode.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { invariantHolds, startIngest } from "./support.js"

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed exactly. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const SEED = 20261125
const TOTAL = 50_000

const faultFor = (roll: number): FakeSignalFx.Fault | undefined => {
  if (roll < 0.45) return undefined // served normally
  if (roll < 0.55) return FakeSignalFx.respond(429)
  if (roll < 0.65) return FakeSignalFx.respond(503)
  if (roll < 0.75) return FakeSignalFx.respond(500)
  if (roll < 0.82) return FakeSignalFx.respond(400, { body: "chaos says no" })
  if (roll < 0.88) return FakeSignalFx.resetConnection("beforeBody")
  if (roll < 0.97) return FakeSignalFx.resetConnection("afterBody")
  return FakeSignalFx.hang
}

describe("Ingest under chaos (Effect 4)", () => {
  effect(
    `accounts for every one of ${TOTAL} datapoints against a seeded mix of failures`,
    () =>
      Effect.gen(function*() {
        const random = prng(SEED)
        const server = yield* FakeSignalFx.make()
        // A normal answer is "no fault": the script serves requests in order, so fill it with
        // delay(0) for those.
        server.fault(
          "/v2/datapoint",
          Array.from({ length: 600 }, () => faultFor(random()) ?? FakeSignalFx.delay(0))
        )

        // An instrument, not a fake: it watches each real request go by and notes, per datapoint
        // id, how its latest attempt ended.
        const lastOutcome = new Map<string, number | "failed">()
        const idsOf = (request: HttpClientRequest.HttpClientRequest): ReadonlyArray<string> => {
          if (request.body._tag !== "Uint8Array") return []
          const bytes = request.headers["content-encoding"] === "gzip"
            ? zlib.gunzipSync(request.body.body)
            : request.body.body
          const decoded = decodeDatapoints(bytes)
          return decodedValue(decoded).map((point) => point.dimensions.id!)
        }
        const note = (request: HttpClientRequest.HttpClientRequest, outcome: number | "failed") =>
          Effect.sync(() => {
            for (const id of idsOf(request)) lastOutcome.set(id, outcome)
          })
        const watching = Layer.effect(
          HttpClient.HttpClient,
          Effect.map(Effect.service(HttpClient.HttpClient), (client) =>
            client.pipe(
              HttpClient.tapRequest((request) => note(request, "failed")),
              HttpClient.tap((response) => note(response.request, response.status))
            ))
        ).pipe(Layer.provide(FetchHttpClient.layer))

        const { close, ingest } = yield* startIngest(server, {
          maxBatchSize: 500,
          queueCapacity: TOTAL,
          // Long enough that a loaded 2-core machine never times out a request the server did record,
          // which would deliver it twice.
          requestTimeout: 5_000,
          retry: { initialDelay: 5, maxDelay: 40, maxElapsed: 1_500 },
          shutdownTimeout: 60_000
        }, watching)
        for (let i = 0; i < TOTAL / 100; i++) {
          yield* ingest.send({
            gauges: Array.from({ length: 100 }, (_, j) => ({
              metric: "chaos",
              value: i * 100 + j,
              dimensions: { id: `id-${i * 100 + j}` }
            }))
          })
        }
        yield* close
        const stats = (yield* ingest.stats).datapoints

        const delivered = server.datapoints().map((p) => p.dimensions.id!)
        const deliveredIds = new Set(delivered)
        expect(delivered.length).toBe(deliveredIds.size) // nothing recorded twice

        expect(stats.accepted).toBe(TOTAL)
        expect(stats.pending).toBe(0)
        expect(invariantHolds(stats)).toBe(true)
        expect(stats.delivered).toBe(deliveredIds.size)

        // Every id was seen on the wire, and each id's fate there matches the stats by reason.
        expect(lastOutcome.size).toBe(TOTAL)
        // Each id's fate, from what happened to it on the wire, matches the stats by reason.
        let rejected = 0
        let exhausted = 0
        for (let i = 0; i < TOTAL; i++) {
          const id = `id-${i}`
          if (deliveredIds.has(id)) continue
          const outcome = lastOutcome.get(id)
          if (outcome === 400) rejected++
          else exhausted++
        }
        expect(stats.dropped.rejected).toBe(rejected)
        expect(stats.dropped.retriesExhausted + stats.dropped.shutdownDeadline).toBe(exhausted)
        expect(stats.delivered + rejected + exhausted).toBe(TOTAL)
        // The mix must actually have exercised the failure paths.
        expect(rejected).toBeGreaterThan(0)
        expect(stats.retries).toBeGreaterThan(50)
        expect(server.requests().filter((r) => r.status === undefined).length).toBeGreaterThan(10)
      }).pipe(Effect.provideService(Logger.CurrentLoggers, new Set())),
    120_000
  )
})
