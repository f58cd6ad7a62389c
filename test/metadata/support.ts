import { FetchHttpClient } from "@effect/platform"
import { Effect, Redacted } from "effect"
import type { Datapoint } from "../../src/index.js"
import { Metadata } from "../../src/index.js"
import type { FakeSignalFx } from "../../src/testing/index.js"
import { startIngest } from "../ingest/support.js"

export const TOKEN = "test-token-5e1f"

/** A Metadata service against the local server, with retry delays short enough for tests. */
export const metadataFor = (server: FakeSignalFx.Server, options: Partial<Metadata.Options> = {}) =>
  Metadata.make({
    token: Redacted.make(TOKEN),
    apiEndpoint: server.url,
    retry: { initialDelay: 10, maxDelay: 50, maxElapsed: 2_000 },
    ...options
  }).pipe(Effect.provide(FetchHttpClient.layer))

/** Sends datapoints with the Ingest service, so that the server creates their metadata. */
export const ingest = (server: FakeSignalFx.Server, datapoints: Datapoint.Datapoints) =>
  Effect.gen(function*() {
    const { close, ingest } = yield* startIngest(server)
    yield* ingest.send(datapoints)
    yield* close
  })

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
