import { afterAll, assert, beforeAll, beforeEach, describe, it } from "@effect/vitest"
import measured from "measured-core"
import { ClosedError, SignalFx } from "../../src/promise/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { mainToExit, runScript } from "./runScript.js"

let server: FakeSignalFx.Server
beforeAll(async () => {
  server = await FakeSignalFx.start()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const until = async (check: () => boolean) => {
  const deadline = Date.now() + 5_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time")
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

describe("SignalFx.reportMeasured", () => {
  it("reports every interval and a last time on stop(), then refuses new reporters", async () => {
    const sfx = new SignalFx("t", { ingestEndpoint: server.url, flushInterval: 0 })
    const api = new measured.Collection("api")
    const requests = api.counter("requests")
    requests.inc()
    sfx.reportMeasured(api, { interval: 50, dimensions: { service: "checkout" } })
    await until(() => server.datapoints().length >= 2)
    requests.inc(41)
    await sfx.stop()
    const values = server.datapoints().map((point) => point.value)
    assert.strictEqual(values[0], 1)
    // By timestamp, not by arrival: stop() may deliver its last report while an interval's
    // report is still on the wire, and the server may read the second request first.
    const latest = Math.max(...server.datapoints().map((point) => point.timestamp ?? 0))
    const last = server.datapoints().filter((point) => point.timestamp === latest).map((point) => point.value)
    assert.include(last, 42, "the last report, made by stop(), has the last count")
    assert.deepStrictEqual(values.filter((value) => value !== 1), [42], "every report is delivered once")
    assert.deepStrictEqual(server.datapoints()[0], {
      metric: "api.requests",
      type: "cumulative_counter",
      value: 1,
      valueType: "int",
      timestamp: server.datapoints()[0]!.timestamp!,
      dimensions: { service: "checkout" }
    })
    assert.throws(
      () => sfx.reportMeasured(api),
      ClosedError,
      "the SignalFx client is stopped: no more datapoints are accepted"
    )
  })

  it("a script that reports and simply ends delivers its last report and exits on its own", async () => {
    const result = await runScript("test/fixtures/scripts/report-and-end.ts", { FAKE_SIGNALFX_URL: server.url })
    assert.strictEqual(result.code, 0, result.stderr)
    assert.strictEqual(result.stdout, "counted\n")
    assert.deepStrictEqual(server.datapoints().map((point) => [point.metric, point.type, point.value]), [
      ["jobs.done", "cumulative_counter", 3]
    ])
    // The interval is a minute: ending must not wait for it.
    assert.isBelow(mainToExit(result), 4_000)
  })
})
