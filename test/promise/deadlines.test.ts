/**
 * A script that sends and simply ends exits within `shutdownTimeout` of its end, whatever the
 * server does with the open request and however long `requestTimeout` is. The time is measured
 * inside the script, from the end of its main code to its exit, so a busy machine's slow
 * start-up does not count.
 */
import { afterEach, assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { generate } from "../../src/core/testing/tls.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { startProxy } from "../proxy/support.js"
import { mainToExit, runScript } from "./runScript.js"
import type { Stall, StallingServer } from "./stallingServers.js"
import { startStalling } from "./stallingServers.js"

const SHUTDOWN_MILLIS = 1_500
/** Slack for a loaded machine: far below the 30 s request timeout the scripts set. */
const SLACK_MILLIS = 4_000

let server: StallingServer | undefined
afterEach(() => server?.close())

const run = (url: string, env: Record<string, string> = {}) =>
  runScript(
    "test/fixtures/scripts/send-and-end-stalled.ts",
    { FAKE_SIGNALFX_URL: url, SHUTDOWN_MS: String(SHUTDOWN_MILLIS), REQUEST_TIMEOUT_MS: "30000", ...env },
    45_000
  )

const assertEndedAtDeadline = (result: Awaited<ReturnType<typeof run>>) => {
  assert.strictEqual(result.code, 0, result.stderr)
  // The client's lines are plain lines on stderr, never mixed into the program's stdout.
  assert.strictEqual(result.stdout, "sent\n")
  assert.match(
    result.stderr,
    /^effect-signalfx: The process is exiting with [\d,]+ datapoints? and 0 events undelivered after the shutdown deadline/m
  )
  assert.isBelow(mainToExit(result), SHUTDOWN_MILLIS + SLACK_MILLIS, "exited within the shutdown deadline")
}

const stalls: ReadonlyArray<readonly [Stall, string, Record<string, string>]> = [
  ["neverAnswers", "never answers", {}],
  ["slowHeaders", "sends its headers a byte every 200 ms", {}],
  ["slowBody", "sends its body a byte every 200 ms", {}],
  // 20,000 datapoints of 200 bytes: a 4 MB body, more than the socket buffers hold.
  ["neverReads", "never reads a 4 MB body", { DATAPOINTS: "20000" }]
]

describe("a script that sends and simply ends, with requestTimeout (30 s) longer than shutdownTimeout", () => {
  for (const [stall, what, env] of stalls) {
    it(`exits within shutdownTimeout against a server that ${what}`, async () => {
      server = await startStalling(stall)
      assertEndedAtDeadline(await run(server.url, env))
    }, 60_000)
    it(`exits within shutdownTimeout against a server that ${what}, with a reporter`, async () => {
      server = await startStalling(stall)
      assertEndedAtDeadline(await run(server.url, { ...env, REPORTER: "1" }))
    }, 60_000)
  }

  it("exits within shutdownTimeout with a logger that throws, without an unhandled rejection", async () => {
    server = await startStalling("neverAnswers")
    const result = await run(server.url, { THROWING_LOGGER: "1" })
    assert.strictEqual(result.code, 0, result.stderr)
    assert.notInclude(result.stderr, "the logger is broken")
    // The line the logger failed to take goes to stderr instead.
    assert.include(result.stderr, "undelivered after the shutdown deadline")
    assert.isBelow(mainToExit(result), SHUTDOWN_MILLIS + SLACK_MILLIS)
  }, 60_000)

  it("and against a healthy server delivers, then exits at once", async () => {
    const healthy = await FakeSignalFx.start()
    try {
      const result = await run(healthy.url)
      assert.strictEqual(result.code, 0, result.stderr)
      assert.strictEqual(healthy.datapoints().length, 1)
      assert.isBelow(mainToExit(result), SHUTDOWN_MILLIS + SLACK_MILLIS)
    } finally {
      await healthy.close()
    }
  })
})

describe("the same script through a proxy or with a `ca` (undici's sockets)", () => {
  for (const [stall, what, env] of stalls.filter(([stall]) => stall === "neverAnswers" || stall === "neverReads")) {
    it.scopedLive(`exits within shutdownTimeout against a server that ${what}`, () =>
      Effect.gen(function*() {
        const stalling = yield* Effect.acquireRelease(
          Effect.promise(() => startStalling(stall)),
          (started) => Effect.promise(() => started.close())
        )
        const proxy = yield* startProxy()
        const result = yield* Effect.promise(() => run(stalling.url, { ...env, PROXY_URL: proxy.url }))
        assertEndedAtDeadline(result)
        // The request did go through the proxy.
        assert.isTrue(proxy.seen.some(({ target }) => target.includes("/v2/datapoint")), proxy.everything())
      }), 60_000)
  }

  it.scopedLive(
    "exits within shutdownTimeout through a CONNECT tunnel to an https server that never answers",
    () =>
      Effect.gen(function*() {
        const stalling = yield* Effect.acquireRelease(
          Effect.promise(() => startStalling("neverAnswers")),
          (started) => Effect.promise(() => started.close())
        )
        const proxy = yield* startProxy()
        // The TLS handshake inside the tunnel never completes.
        const result = yield* Effect.promise(() =>
          run(stalling.url.replace("http:", "https:"), { PROXY_URL: proxy.url })
        )
        assertEndedAtDeadline(result)
        assert.isTrue(proxy.seen.some(({ method }) => method === "CONNECT"), proxy.everything())
      }),
    60_000
  )

  it("exits within shutdownTimeout with a `ca`, against an https server that never answers", async () => {
    server = await startStalling("neverAnswers")
    const { cert } = await generate("127.0.0.1")
    assertEndedAtDeadline(await run(server.url.replace("http:", "https:"), { CA_PEM: cert }))
  }, 60_000)
})
