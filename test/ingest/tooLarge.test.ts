/**
 * A server or proxy that answers 413 to everything costs a bounded number of requests and one
 * warning per batch, not 2N-1 requests and a warning per datapoint.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { FakeSignalFx } from "../../src/testing/index.js"
import { captureLogs, gauges, invariantHolds, startIngest } from "./support.js"

let refusingAll: FakeSignalFx.Server
let limited: FakeSignalFx.Server
beforeAll(async () => {
  // Every body is larger than one byte.
  refusingAll = await FakeSignalFx.start({ maxBodyBytes: 1 })
  limited = await FakeSignalFx.start({ maxBodyBytes: 20_000 })
})
afterAll(() => Promise.all([refusingAll.close(), limited.close()]))

describe("413 to everything", () => {
  it.effect("drops a batch of 5,000 with about log2(5,000) requests and one warning", () => {
    const logs = captureLogs()
    return Effect.gen(function*() {
      const { close, ingest } = yield* startIngest(refusingAll, {
        maxBatchSize: 5_000,
        flushInterval: 3_600_000,
        compression: "none"
      })
      yield* ingest.send(gauges(5_000))
      yield* ingest.flush
      const { datapoints } = yield* ingest.stats
      yield* close
      assert.strictEqual(datapoints.dropped.tooLarge, 5_000)
      assert.isTrue(invariantHolds(datapoints))
      assert.isBelow(refusingAll.requests().length, 100, `${refusingAll.requests().length} requests`)
      const warnings = logs.lines.filter((line) => line.includes("too large"))
      assert.strictEqual(warnings.length, 1, warnings.join("\n"))
      assert.include(warnings[0], "Dropped 5,000 datapoints too large to send")
    }).pipe(Effect.provide(logs.layer))
  })
})

describe("a body limit that some batches fit", () => {
  it.effect("still delivers everything that fits, splitting as needed", () =>
    Effect.gen(function*() {
      const { close, ingest } = yield* startIngest(limited, {
        maxBatchSize: 5_000,
        flushInterval: 3_600_000,
        compression: "none"
      })
      yield* ingest.send(gauges(2_000))
      yield* ingest.flush
      const { datapoints } = yield* ingest.stats
      yield* close
      assert.strictEqual(datapoints.delivered, 2_000)
      assert.strictEqual(limited.datapoints().length, 2_000)
    }))
})
