/**
 * What the Effect 4 ingest tests share: an Ingest service in a scope of its own against the local
 * server, real-time polling, log capture, and the datapoints they send.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as Ingest from "../../src/Ingest.js"
import type { ConfigurationError } from "../../src/SignalFxError.js"
import type { Server } from "../../src/testing/FakeSignalFx.js"

export const TOKEN = "test-token-5e1f"

/** An Ingest service in a scope of its own, so a test can close it at the moment it chooses. */
export interface Running {
  readonly ingest: Ingest.Service
  readonly close: Effect.Effect<void>
}

export const startIngest = (
  server: Server,
  options: Partial<Ingest.Options> = {},
  client: Layer.Layer<HttpClient.HttpClient> = FetchHttpClient.layer
): Effect.Effect<Running, ConfigurationError> =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    const ingest = yield* Ingest.make({
      token: Redacted.make(TOKEN),
      ingestEndpoint: server.url,
      flushInterval: 20,
      retry: { initialDelay: 10, maxDelay: 50 },
      ...options
    }).pipe(Effect.provide(client), Scope.provide(scope))
    return { ingest, close: Scope.close(scope, Exit.void) }
  })

/** Polls in real time: sockets answer in real time even where the test drives a TestClock. */
export const eventually = (check: () => boolean, timeoutMillis = 5_000): Effect.Effect<void> =>
  Effect.promise(async () => {
    const deadline = Date.now() + timeoutMillis
    while (!check()) {
      if (Date.now() > deadline) throw new Error("condition not met in time")
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  })

/** Real-time pause, independent of the TestClock. */
export const realSleep = (millis: number): Effect.Effect<void> =>
  Effect.promise(() => new Promise((resolve) => setTimeout(resolve, millis)))

/**
 * Runs `body` with its log lines, and those of every fiber it forks (the service's), kept in the
 * array it is given as `LEVEL message` instead of printed: a passing test prints nothing.
 */
export const withLogs = <A, E, R>(
  body: (lines: ReadonlyArray<string>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => {
  const lines: Array<string> = []
  const capture = Logger.make(({ logLevel, message }) => {
    lines.push(`${logLevel.toUpperCase()} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
  })
  return Effect.provideService(body(lines), Logger.CurrentLoggers, new Set([capture]))
}

export const gauges = (count: number, prefix = "g", from = 0) => ({
  gauges: Array.from({ length: count }, (_, i) => ({
    metric: `${prefix}.metric`,
    value: i + from,
    dimensions: { id: `${prefix}-${i + from}` }
  }))
})

export const invariantHolds = (stats: Ingest.PipelineStats): boolean => {
  const dropped = Object.values(stats.dropped).reduce((sum, n) => sum + n, 0)
  return stats.accepted === stats.delivered + stats.pending + dropped
}
