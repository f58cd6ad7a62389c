/**
 * Chaos for datapoints and events alike, including the faults where the server stores a batch
 * and the answer is lost (a reset after storing, a hang after storing, an answer after the
 * client's timeout). Delivery is at least once: such a batch is sent again and stored twice.
 * What must hold whatever happens: `accepted = delivered + pending + Σ dropped`, nothing is
 * counted as delivered that did not arrive, and nothing is lost without being counted.
 */
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import { describe, expect } from "vitest"
import type * as Ingest from "../../src/Ingest.js"
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

const SEED = 20261129
const DATAPOINTS = 20_000
const EVENTS = 2_000
const REQUEST_TIMEOUT_MILLIS = 500

const faultFor = (roll: number): FakeSignalFx.Fault => {
  if (roll < 0.4) return FakeSignalFx.delay(0) // served normally
  if (roll < 0.48) return FakeSignalFx.respond(503)
  if (roll < 0.54) return FakeSignalFx.respond(429)
  if (roll < 0.6) return FakeSignalFx.respond(400, { body: "chaos says no" })
  if (roll < 0.66) return FakeSignalFx.resetConnection("beforeBody")
  if (roll < 0.72) return FakeSignalFx.resetConnection("afterBody")
  if (roll < 0.82) return FakeSignalFx.loseAnswer("reset")
  if (roll < 0.9) return FakeSignalFx.loseAnswer("late", REQUEST_TIMEOUT_MILLIS * 3)
  if (roll < 0.96) return FakeSignalFx.loseAnswer("hang")
  return FakeSignalFx.hang
}

const dropped = (stats: Ingest.PipelineStats): number => Object.values(stats.dropped).reduce((sum, n) => sum + n, 0)

/** What the server recorded, against what the client says. */
const check = (stats: Ingest.PipelineStats, recorded: ReadonlyArray<string>, total: number) => {
  const unique = new Set(recorded)
  expect(stats.accepted).toBe(total)
  expect(stats.pending).toBe(0)
  expect(invariantHolds(stats)).toBe(true)
  // Nothing counted as delivered that did not arrive.
  expect(stats.delivered).toBeLessThanOrEqual(unique.size)
  // Nothing lost without being counted: what never arrived is dropped, with a reason.
  expect(total - unique.size).toBeLessThanOrEqual(dropped(stats))
  return { unique: unique.size, duplicates: recorded.length - unique.size }
}

describe("Ingest under chaos, answers lost included (Effect 4)", () => {
  effect(
    `accounts for ${DATAPOINTS} datapoints and ${EVENTS} events; what was stored but not answered arrives at least once`,
    () =>
      Effect.gen(function*() {
        const random = prng(SEED)
        const server = yield* FakeSignalFx.make()
        // Each kind meets every way of losing an answer at least once, then a seeded mix.
        const lostFirst = [
          FakeSignalFx.loseAnswer("reset"),
          FakeSignalFx.loseAnswer("late", REQUEST_TIMEOUT_MILLIS * 3),
          FakeSignalFx.loseAnswer("hang"),
          FakeSignalFx.respond(400, { body: "chaos says no" })
        ]
        server.fault("/v2/datapoint", [...lostFirst, ...Array.from({ length: 400 }, () => faultFor(random()))])
        server.fault("/v2/event", [...lostFirst, ...Array.from({ length: 200 }, () => faultFor(random()))])

        const { close, ingest } = yield* startIngest(server, {
          maxBatchSize: 200,
          queueCapacity: DATAPOINTS,
          eventQueueCapacity: EVENTS,
          requestTimeout: REQUEST_TIMEOUT_MILLIS,
          retry: { initialDelay: 5, maxDelay: 40, maxElapsed: 1_500 },
          shutdownTimeout: 60_000
        })
        for (let i = 0; i < DATAPOINTS / 100; i++) {
          yield* ingest.send({
            gauges: Array.from({ length: 100 }, (_, j) => ({
              metric: "chaos",
              value: i * 100 + j,
              dimensions: { id: `dp-${i * 100 + j}` }
            }))
          })
        }
        for (let i = 0; i < EVENTS / 50; i++) {
          yield* ingest.sendEvents(
            Array.from({ length: 50 }, (_, j) => ({ eventType: "chaos", dimensions: { id: `ev-${i * 50 + j}` } }))
          )
        }
        yield* close
        const stats = yield* ingest.stats

        const datapoints = check(stats.datapoints, server.datapoints().map((p) => p.dimensions.id!), DATAPOINTS)
        const events = check(stats.events, server.events().map((e) => e.dimensions.id!), EVENTS)

        // The lost answers did happen, and were sent again: stored twice, or stored and dropped.
        const lost = server.requests().filter((request) => request.fault === "LoseAnswer").length
        expect(lost).toBeGreaterThan(10)
        expect(datapoints.duplicates + (datapoints.unique - stats.datapoints.delivered)).toBeGreaterThan(0)
        expect(events.duplicates + (events.unique - stats.events.delivered)).toBeGreaterThan(0)
        // The mix exercised refusals and retries for both kinds.
        expect(stats.datapoints.dropped.rejected).toBeGreaterThan(0)
        expect(stats.events.dropped.rejected).toBeGreaterThan(0)
        expect(stats.datapoints.retries).toBeGreaterThan(20)
        expect(stats.events.retries).toBeGreaterThanOrEqual(3)
      }).pipe(Effect.provideService(Logger.CurrentLoggers, new Set())),
    120_000
  )
})
