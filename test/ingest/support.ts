import { FetchHttpClient } from "@effect/platform"
import type { HttpClient } from "@effect/platform"
import type { Layer } from "effect"
import { Effect, Exit, Logger, Redacted, Scope } from "effect"
import { Ingest } from "../../src/index.js"
import type { SignalFxError } from "../../src/index.js"
import type { FakeSignalFx } from "../../src/testing/index.js"

export const TOKEN = "test-token-5e1f"

/** An Ingest service in a scope of its own, so a test can close it at the moment it chooses. */
export interface Running {
  readonly ingest: Ingest.Service
  readonly close: Effect.Effect<void>
}

export const startIngest = (
  server: FakeSignalFx.Server,
  options: Partial<Ingest.Options> = {},
  client: Layer.Layer<HttpClient.HttpClient> = FetchHttpClient.layer
): Effect.Effect<Running, SignalFxError.ConfigurationError> =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    const ingest = yield* Ingest.make({
      token: Redacted.make(TOKEN),
      ingestEndpoint: server.url,
      flushInterval: 20,
      retry: { initialDelay: 10, maxDelay: 50 },
      ...options
    }).pipe(Effect.provide(client), Scope.extend(scope))
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

/** Collects every log line (message and annotations) of the effects it is provided to. */
export const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ annotations, cause, logLevel, message }) => {
    lines.push(`${logLevel.label} ${JSON.stringify(message)} ${JSON.stringify([...annotations])} ${String(cause)}`)
  })
  return { lines, layer: Logger.replace(Logger.defaultLogger, logger) }
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
