/**
 * The client inside a real Node.js process: a script that sends and simply ends delivers its
 * data and exits by itself, promptly; an idle client never holds the process open.
 */
import { afterAll, assert, beforeAll, beforeEach, describe, it } from "@effect/vitest"
import { FakeSignalFx } from "../../src/testing/index.js"
import { mainToExit, runScript } from "./runScript.js"

let server: FakeSignalFx.Server
/** Slack for a loaded CI machine; far below the linger and retry times the scripts set. */
const SLACK_MILLIS = 4_000

beforeAll(async () => {
  server = await FakeSignalFx.start()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const run = (script: string, env: Record<string, string> = {}) =>
  runScript(`test/fixtures/scripts/${script}`, { FAKE_SIGNALFX_URL: server.url, ...env })

describe("a short-lived script", () => {
  it("delivers its one datapoint without stop() and exits by itself, without waiting for the linger", async () => {
    const result = await run("send-and-end.ts", { FLUSH_INTERVAL_MS: "60000" })
    assert.strictEqual(result.code, 0, result.stderr)
    assert.strictEqual(result.stdout, "sent\n")
    assert.deepStrictEqual(server.datapoints().map((point) => [point.metric, point.dimensions]), [
      ["script.ran", { script: "send-and-end" }]
    ])
    assert.isBelow(mainToExit(result), SLACK_MILLIS, "the script ended promptly")
  })

  it("with the default linger also exits promptly", async () => {
    const result = await run("send-and-end.ts", { FLUSH_INTERVAL_MS: "1000" })
    assert.strictEqual(result.code, 0, result.stderr)
    assert.strictEqual(server.datapoints().length, 1)
    assert.isBelow(mainToExit(result), SLACK_MILLIS)
  })

  it("stays alive while it awaits flush() through retries, then exits", async () => {
    server.fault("/v2/datapoint", [FakeSignalFx.respond(503), FakeSignalFx.respond(503)])
    const result = await run("flush-while-retrying.ts")
    assert.strictEqual(result.code, 0, result.stderr)
    assert.deepStrictEqual(JSON.parse(result.stdout), { delivered: 1, retries: 2 })
    assert.strictEqual(server.datapoints().length, 1)
  })

  it("that cannot deliver ends at the shutdown deadline and says what it leaves behind", async () => {
    server.fault("/v2/datapoint", Array.from({ length: 1_000 }, () => FakeSignalFx.respond(503)))
    const result = await run("unreachable.ts")
    assert.strictEqual(result.code, 0, result.stderr)
    assert.strictEqual(server.datapoints().length, 0)
    assert.isAbove(server.requests().length, 1, "it retried")
    assert.include(result.stdout + result.stderr, "exiting with 1 datapoint and 0 events undelivered")
    // shutdownTimeout is 1.5 s; the retry policy alone would go on for 5 minutes.
    assert.isBelow(mainToExit(result), 1_500 + SLACK_MILLIS)
  })
})

describe("a short-lived script against a server that never answers", () => {
  const warnings = (output: string) => output.split("exiting with").length - 1

  it("ends at the shutdown deadline, not when its open request times out", async () => {
    server.fault("/v2/datapoint", Array.from({ length: 20 }, () => FakeSignalFx.hang))
    const result = await run("unreachable.ts")
    assert.strictEqual(result.code, 0, result.stderr)
    assert.strictEqual(warnings(result.stdout + result.stderr), 1)
    assert.include(result.stdout + result.stderr, "exiting with 1 datapoint and 0 events undelivered")
    // shutdownTimeout is 1.5 s; the open request alone would hold the process for its 10 s timeout.
    assert.isBelow(mainToExit(result), 1_500 + SLACK_MILLIS)
  })

  it("with a reporter, ends within one shutdown deadline of its last report", async () => {
    server.fault("/v2/datapoint", Array.from({ length: 20 }, () => FakeSignalFx.hang))
    const result = await run("report-and-end-stalled.ts")
    assert.strictEqual(result.code, 0, result.stderr)
    assert.strictEqual(result.stdout.split("\n")[0], "counted")
    assert.strictEqual(warnings(result.stdout + result.stderr), 1)
    assert.isBelow(mainToExit(result), 1_500 + SLACK_MILLIS)
  })
})

describe("an idle client", () => {
  it("that never sent does not keep the process alive", async () => {
    const result = await run("idle.ts")
    assert.strictEqual(result.code, 0, result.stderr)
    assert.strictEqual(JSON.parse(result.stdout).accepted, 0)
    assert.isBelow(mainToExit(result), SLACK_MILLIS)
  })

  it("whose data was delivered does not keep the process alive (idle HTTP connections included)", async () => {
    const result = await run("idle.ts", { SEND_FIRST: "1" })
    assert.strictEqual(result.code, 0, result.stderr)
    assert.strictEqual(JSON.parse(result.stdout).delivered, 1)
    assert.strictEqual(server.datapoints().length, 1)
    assert.isBelow(mainToExit(result), SLACK_MILLIS)
  })
})

describe("many clients", () => {
  it("share one beforeExit listener, removed when they stop", async () => {
    const result = await run("many-clients.ts")
    assert.strictEqual(result.code, 0, result.stderr)
    const counts = JSON.parse(result.stdout)
    assert.strictEqual(counts.during, counts.before + 1)
    assert.strictEqual(counts.after, counts.before)
    assert.notInclude(result.stderr, "MaxListenersExceededWarning")
    assert.strictEqual(server.datapoints().length, 50)
  })
})
