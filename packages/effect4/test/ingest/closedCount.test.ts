import * as Effect from "effect/Effect"
import { assert, describe, it } from "vitest"
import { ClosedError } from "../../src/SignalFxError.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { gauges, startIngest } from "./support.js"

describe("ClosedError (Effect 4)", () => {
  it("counts in English: one datapoint or event, several datapoints or events", () => {
    assert.strictEqual(
      new ClosedError({ what: "datapoints", count: 1 }).message,
      "the SignalFx client is stopped: 1 datapoint was not accepted"
    )
    assert.strictEqual(
      new ClosedError({ what: "datapoints", count: 1200 }).message,
      "the SignalFx client is stopped: 1,200 datapoints were not accepted"
    )
    assert.strictEqual(
      new ClosedError({ what: "events", count: 2 }).message,
      "the SignalFx client is stopped: 2 events were not accepted"
    )
  })

  effect("as the stopped service fails with it", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const { close, ingest } = yield* startIngest(server)
      yield* close
      const one = yield* Effect.flip(ingest.send(gauges(1)))
      assert.strictEqual(one.message, "the SignalFx client is stopped: 1 datapoint was not accepted")
      const event = yield* Effect.flip(ingest.sendEvent({ eventType: "late" }))
      assert.strictEqual(event.message, "the SignalFx client is stopped: 1 event was not accepted")
      const events = yield* Effect.flip(ingest.sendEvents([{ eventType: "late" }, { eventType: "later" }]))
      assert.strictEqual(events.message, "the SignalFx client is stopped: 2 events were not accepted")
    }))
})
