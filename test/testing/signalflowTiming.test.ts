/**
 * The local server's reading of an execute request's times: milliseconds, a negative number of
 * milliseconds back from now, the official JavaScript client's relative times, `now`, and the
 * refusal of anything else with a message naming the parameter.
 */
import { assert, describe, it } from "@effect/vitest"
import { RequestError, resolveTiming } from "../../src/core/testing/signalflow/computation.js"

const NOW = Date.UTC(2026, 11, 7, 20, 0, 0)

describe("the local server's SignalFlow timing", () => {
  it("reads start and stop as milliseconds, relative times or now", () => {
    const cases: ReadonlyArray<readonly [unknown, number]> = [
      [NOW - 60_000, NOW - 60_000],
      [String(NOW - 60_000), NOW - 60_000],
      [-5000, NOW - 5000],
      ["-5000", NOW - 5000],
      ["-10m", NOW - 600_000],
      ["-1h30m", NOW - 5_400_000],
      [" now ", NOW]
    ]
    for (const [start, millis] of cases) {
      assert.strictEqual(resolveTiming({ start, resolution: 60_000 }, NOW).start, millis, String(start))
    }
    assert.strictEqual(resolveTiming({ start: "-10m", stop: "+5m" }, NOW).stop, NOW + 300_000)
    assert.isUndefined(resolveTiming({ start: "-10m" }, NOW).stop)
  })

  it("refuses any other text, naming the parameter and the forms it takes", () => {
    for (const stop of ["yesterday", "-10x", "10m", "2026-12-07T19:00:00Z"]) {
      const refusal = (() => {
        try {
          resolveTiming({ start: "-1h", stop }, NOW)
          return undefined
        } catch (error) {
          return error
        }
      })()
      assert.instanceOf(refusal, RequestError, stop)
      if (refusal instanceof RequestError) {
        assert.include(refusal.message, "stop must be milliseconds since the epoch, a relative time such as \"-10m\"")
      }
    }
  })
})
