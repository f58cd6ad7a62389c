import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Redacted from "effect/Redacted"
import * as Metadata from "../../src/Metadata.js"
import type { FakeSignalFx } from "../../src/testing/index.js"

export const TOKEN = "test-token-5e1f"

/** A Metadata service against the local server, with retry delays short enough for tests. */
export const metadataFor = (server: FakeSignalFx.Server, options: Partial<Metadata.Options> = {}) =>
  Metadata.make({
    token: Redacted.make(TOKEN),
    apiEndpoint: server.url,
    retry: { initialDelay: 10, maxDelay: 50, maxElapsed: 2_000 },
    ...options
  }).pipe(Effect.provide(FetchHttpClient.layer))

interface Sent {
  readonly metric: string
  readonly value: number
  readonly dimensions?: Readonly<Record<string, string>>
}

/**
 * Posts datapoints to the server's ingest endpoint (JSON, as the Ingest service would), so that
 * the server creates their metadata.
 */
export const ingest = (
  server: FakeSignalFx.Server,
  datapoints: {
    readonly gauges?: ReadonlyArray<Sent>
    readonly counters?: ReadonlyArray<Sent>
    readonly cumulativeCounters?: ReadonlyArray<Sent>
  }
) =>
  Effect.promise(() =>
    fetch(`${server.url}/v2/datapoint`, {
      method: "POST",
      headers: { "X-SF-Token": TOKEN, "Content-Type": "application/json" },
      body: JSON.stringify({
        gauge: datapoints.gauges ?? [],
        counter: datapoints.counters ?? [],
        cumulative_counter: datapoints.cumulativeCounters ?? []
      })
    }).then((response) => {
      if (response.status !== 200) throw new Error(`ingest answered ${response.status}`)
    })
  )

export const seed = (server: FakeSignalFx.Server) =>
  ingest(server, {
    gauges: [
      { metric: "cpu.utilization", value: 1, dimensions: { host: "server1", env: "prod" } },
      { metric: "cpu.utilization", value: 2, dimensions: { host: "server2", env: "dev" } },
      { metric: "memory.free", value: 3, dimensions: { host: "server1" } }
    ],
    counters: [{ metric: "requests", value: 4, dimensions: { route: "/api/v1" } }],
    cumulativeCounters: [{ metric: "bytes.total", value: 5 }]
  })

/** The requests the server received for paths starting with `prefix`. */
export const requestsTo = (server: FakeSignalFx.Server, prefix: string) =>
  server.requests().filter((request) => request.path.startsWith(prefix))
