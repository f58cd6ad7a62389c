/**
 * A server or proxy that answers 413 to everything costs a bounded number of requests and one
 * warning per batch, not 2N-1 requests and a warning per datapoint.
 */
import * as Effect from "effect/Effect"
import { assert, describe } from "vitest"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { gauges, invariantHolds, startIngest, withLogs } from "./support.js"

describe("413 to everything (Effect 4)", () => {
  effect(
    "drops a batch of 5,000 with about log2(5,000) requests and one warning",
    () =>
      withLogs((logs) =>
        Effect.gen(function*() {
          // Every body is larger than one byte.
          const refusingAll = yield* FakeSignalFx.make({ maxBodyBytes: 1 })
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
          const warnings = logs.filter((line) => line.includes("too large"))
          assert.strictEqual(warnings.length, 1, warnings.join("\n"))
          assert.include(warnings[0], "Dropped 5,000 datapoints too large to send")
        })
      )
  )
})

describe("a body limit that some batches fit (Effect 4)", () => {
  effect("still delivers everything that fits, splitting as needed", () =>
    Effect.gen(function*() {
      const limited = yield* FakeSignalFx.make({ maxBodyBytes: 20_000 })
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
