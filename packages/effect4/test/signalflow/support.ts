/**
 * What the Effect 4 SignalFlow tests share: the local server with a token, datapoints posted to
 * it, the service's options against it, and the log lines a test provokes.
 */
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import { inspect } from "node:util"
import { expect } from "vitest"
import type * as SignalFlow from "../../src/SignalFlow.js"
import * as FakeSignalFx from "../../src/testing/FakeSignalFx.js"

export const TOKEN = "sfw1re-s3cret-t0ken"

/** The local server, accepting `TOKEN`, closed with the test's scope. */
export const localServer: Effect.Effect<FakeSignalFx.Server, never, Scope.Scope> = FakeSignalFx.make({
  tokens: [TOKEN]
})

/** Posts gauges to the server's ingest API. */
export const sendGauges = (
  server: FakeSignalFx.Server,
  gauges: ReadonlyArray<{ metric: string; value: number; dimensions?: object; timestamp?: number }>
): Effect.Effect<void> =>
  Effect.promise(async () => {
    const response = await fetch(`${server.url}/v2/datapoint`, {
      method: "POST",
      headers: { "X-SF-Token": TOKEN, "Content-Type": "application/json" },
      body: JSON.stringify({ gauge: gauges })
    })
    expect(response.status).toBe(200)
  })

/** A whole second a minute ago: its windows are complete. */
export const pastSecond = (): number => Math.floor(Date.now() / 1000) * 1000 - 60_000

export const optionsFor = (url: string, extra: Partial<SignalFlow.Options> = {}): SignalFlow.Options => ({
  token: Redacted.make(TOKEN),
  streamEndpoint: url,
  reconnect: Schedule.spaced("50 millis").pipe(Schedule.upTo({ times: 40 })),
  ...extra
})

/** Per timestamp, each series' value by its `host`. */
export const byHost = (snapshots: Iterable<SignalFlow.Snapshot>) =>
  [...snapshots].map((snapshot) => [
    snapshot.logicalTimestampMs,
    Object.fromEntries(snapshot.values.map((v) => [String(v.metadata?.host), v.value]))
  ])

/**
 * Runs `body` with its log lines (`LEVEL message`, debug ones with `debug`) kept in the array it
 * is given instead of printed: a passing test prints nothing, and a test asserts on the warnings
 * it provokes. Services built inside `body` log there too.
 */
export const withLogs = <A, E, R>(
  body: (lines: ReadonlyArray<string>) => Effect.Effect<A, E, R>,
  { debug = false }: { readonly debug?: boolean } = {}
): Effect.Effect<A, E, R> => {
  const lines: Array<string> = []
  const capture = Logger.make(({ logLevel, message }) => {
    lines.push(`${logLevel.toUpperCase()} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
  })
  return body(lines).pipe(
    Effect.provideService(Logger.CurrentLoggers, new Set([capture])),
    Effect.provideService(References.MinimumLogLevel, debug ? "Debug" : "Info")
  )
}

/** C0 and C1 controls and DEL: what a peer's text must not bring into a message unescaped. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** A text shown to a user: one line, no terminal escapes, bounded, and no part of the token. */
export const expectSafeText = (text: string): void => {
  expect(text).not.toContain(TOKEN.slice(0, 6))
  expect(text).not.toMatch(CONTROL)
  expect(text.length).toBeLessThan(1000)
}

/** An error as every way of showing it shows it: safe, and without the token in its fields or cause. */
export const expectSafeError = (error: Error): void => {
  expectSafeText(error.message)
  expectSafeText(String(error))
  expect(JSON.stringify(error)).not.toContain(TOKEN.slice(0, 6))
  expect(inspect(error, { depth: 10 })).not.toContain(TOKEN.slice(0, 6))
}
