import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Redacted from "effect/Redacted"
import * as Rest from "../../src/Rest.js"
import type { FakeSignalFx } from "../../src/testing/index.js"

export const TOKEN = "rest-test-token-8c2d"

export const PROGRAM = "A = data('cpu.utilization').mean(by=['host'])\n" +
  "detect(when(A > 90, lasting='5m')).publish('cpu high')\n" +
  "detect(when(A > 99)).publish(label=\"cpu critical\")"

export const detectorInput = (name: string, tags: ReadonlyArray<string> = []): Rest.DetectorInput => ({
  name,
  programText: PROGRAM,
  rules: [
    { detectLabel: "cpu high", severity: "Warning", notifications: [{ type: "Email", email: "ops@example.com" }] },
    { detectLabel: "cpu critical", severity: "Critical" }
  ],
  tags
})

/** A Rest service against the local server, with retry delays short enough for tests. */
export const restFor = (server: FakeSignalFx.Server, options: Partial<Rest.Options> = {}) =>
  Rest.make({
    token: Redacted.make(TOKEN),
    apiEndpoint: server.url,
    // Generous: no test here waits for retries to run out, and a loaded machine is slow.
    retry: { initialDelay: 10, maxDelay: 50, maxElapsed: 20_000 },
    ...options
  }).pipe(Effect.provide(FetchHttpClient.layer))

/** The requests the server received for paths starting with `prefix`. */
export const requestsTo = (server: FakeSignalFx.Server, prefix: string) =>
  server.requests().filter((request) => request.path.startsWith(prefix))

export const statuses = (server: FakeSignalFx.Server, prefix: string) =>
  requestsTo(server, prefix).map((request) => `${request.method} ${request.status}`)
