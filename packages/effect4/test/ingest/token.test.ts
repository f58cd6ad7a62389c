import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Scope from "effect/Scope"
import * as net from "node:net"
import * as util from "node:util"
import { describe, expect } from "vitest"
import * as Ingest from "../../src/Ingest.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"

const CANARY = "CANARY-TOKEN-7f3a9b2c"

/** A port with nothing listening: connections to it are refused. */
const closedPort = Effect.promise(() =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
)

describe("the token (Effect 4)", () => {
  effect("never appears in a log line, an error, the stats or a request record", () => {
    const lines: Array<string> = []
    const capture = Logger.make((options) => {
      lines.push(util.inspect(options, { depth: 10 }))
      lines.push(Logger.formatLogFmt.log(options))
    })
    return Effect.gen(function*() {
      // A server that refuses the token, one that echoes it back in its error body, one that
      // redirects, and an endpoint where nothing listens.
      const refusing = yield* FakeSignalFx.make({ tokens: ["another-token"] })
      const echoing = yield* FakeSignalFx.make()
      echoing.fault("/v2/datapoint", [
        FakeSignalFx.respond(400, { body: `{"message":"bad token ${CANARY}"}` }),
        FakeSignalFx.respond(503, { body: `overloaded, token ${CANARY}` }),
        FakeSignalFx.redirect(`${refusing.url}/v2/datapoint?token=${CANARY}`)
      ])
      const port = yield* closedPort
      const errors: Array<unknown> = []
      for (const endpoint of [refusing.url, echoing.url, echoing.url, `http://127.0.0.1:${port}`]) {
        const scope = yield* Scope.make()
        const ingest = yield* Ingest.make({
          token: Redacted.make(CANARY),
          ingestEndpoint: endpoint,
          flushInterval: 5,
          retry: { initialDelay: 5, maxDelay: 10, maxElapsed: 100 }
        }).pipe(Effect.provide(FetchHttpClient.layer), Scope.provide(scope))
        yield* ingest.send({ gauges: [{ metric: "m", value: 1 }] })
        yield* ingest.flush
        yield* Scope.close(scope, Exit.void)
        errors.push(yield* Effect.flip(ingest.send({ gauges: [{ metric: "late", value: 1 }] })))
        errors.push(yield* ingest.stats)
      }
      const badOptions = yield* Effect.exit(
        Effect.scoped(Ingest.make({ token: Redacted.make(CANARY), ingestEndpoint: "http://example.com" })).pipe(
          Effect.provide(FetchHttpClient.layer)
        )
      )
      if (Exit.isFailure(badOptions)) errors.push(Cause.squash(badOptions.cause))

      const seen = [
        ...lines,
        ...errors.flatMap((error) => [String(error), util.inspect(error, { depth: 10 }), JSON.stringify(error)]),
        ...[refusing, echoing].flatMap((server) => server.requests().map((request) => JSON.stringify(request)))
      ]
      // The scenario must really have produced logs and errors to look at.
      expect(lines.some((line) => line.includes("token was refused"))).toBe(true)
      expect(lines.some((line) => line.includes("bad token <redacted>"))).toBe(true)
      expect(lines.some((line) => line.includes("network error"))).toBe(true)
      expect(errors.length).toBeGreaterThanOrEqual(9)
      for (const text of seen) expect(text).not.toContain(CANARY)
      expect(Redacted.make(CANARY).toString()).not.toContain(CANARY)
    }).pipe(
      Effect.provideService(Logger.CurrentLoggers, new Set([capture])),
      Effect.provideService(References.MinimumLogLevel, "All")
    )
  })
})
