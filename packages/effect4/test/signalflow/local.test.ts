/**
 * End to end: the Effect 4 SignalFlow client against the local server's SignalFlow emulation,
 * over loopback, on both transports.
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { describe, expect } from "vitest"
import * as SignalFlow from "../../src/SignalFlow.js"
import type { ConfigurationError } from "../../src/SignalFxError.js"
import { effect } from "../support.js"
import { byHost, expectSafeError, localServer, optionsFor, pastSecond, sendGauges, TOKEN, withLogs } from "./support.js"

describe("Effect 4 SignalFlow against the local server", () => {
  effect(
    "executes a program over what was ingested: each timestamp's values with their metadata",
    () =>
      Effect.gen(function*() {
        const server = yield* localServer
        const t0 = pastSecond()
        yield* sendGauges(server, [
          { metric: "cpu", value: 1.5, dimensions: { host: "a" }, timestamp: t0 + 100 },
          { metric: "cpu", value: 2.5, dimensions: { host: "b" }, timestamp: t0 + 200 },
          { metric: "cpu", value: 3.5, dimensions: { host: "a" }, timestamp: t0 + 1100 }
        ])
        const signalflow = yield* SignalFlow.make(optionsFor(server.url))
        const messages = yield* signalflow.execute("data('cpu').publish()", {
          start: t0,
          stop: t0 + 2000,
          resolution: 1000
        })
          .pipe(Stream.runCollect)
        expect(messages.some((m) => m.type === "control-message" && m.event === "JOB_START")).toBe(true)
        const snapshots = yield* Stream.fromIterable(messages).pipe(SignalFlow.byTimestamp, Stream.runCollect)
        expect(byHost(snapshots)).toEqual([[t0, { a: 1.5, b: 2.5 }], [t0 + 1000, { a: 3.5 }]])

        const summed = yield* signalflow.execute("data('cpu').sum().publish()", { start: t0, stop: t0 + 2000 }).pipe(
          SignalFlow.byTimestamp,
          Stream.runCollect
        )
        expect(summed.map((s) => [s.logicalTimestampMs, s.values.map((v) => v.value)])).toEqual([
          [t0, [4]],
          [t0 + 1000, [3.5]]
        ])
      })
  )

  effect(
    "fails with the service's error for a program outside the subset, and for a refused token",
    () =>
      Effect.gen(function*() {
        const server = yield* localServer
        const signalflow = yield* SignalFlow.make(optionsFor(server.url))
        const failed = yield* signalflow.execute("dta('cpu').publish()").pipe(Stream.runCollect, Effect.flip)
        expect(failed._tag).toBe("ComputationFailedError")
        const refused = yield* SignalFlow.make(optionsFor(server.url, { token: Redacted.make("wrong") }))
        const error = yield* refused.execute("data('cpu').publish()").pipe(Stream.runCollect, Effect.flip)
        expect(error._tag).toBe("SignalFlowAuthenticationError")
        expectSafeError(error)
      })
  )

  effect(
    "resumes a live computation after the server drops every connection: no timestamp twice, none skipped",
    () =>
      withLogs((logs) =>
        Effect.gen(function*() {
          const server = yield* localServer
          const signalflow = yield* SignalFlow.make(optionsFor(server.url))
          const resolution = 200
          const start = Math.floor(Date.now() / resolution) * resolution
          let dropped = false
          const timestamps = yield* signalflow.execute("data('temperature').publish()", {
            start,
            stop: start + 3000,
            resolution,
            maxDelay: 0
          }).pipe(
            Stream.filter((message) => message.type === "data"),
            Stream.map((message) => message.logicalTimestampMs),
            Stream.tap((timestamp) =>
              Effect.sync(() => {
                // A few timestamps in, every connection is dropped without a close handshake.
                if (!dropped && timestamp >= start + 3 * resolution) {
                  dropped = true
                  expect(server.disconnectSignalFlow()).toBe(1)
                }
              })
            ),
            Stream.runCollect
          )
          expect(dropped).toBe(true)
          const expected = Array.from({ length: 3000 / resolution }, (_, i) => start + i * resolution)
          expect(timestamps).toEqual(expected)
          expect(logs).toEqual([expect.stringMatching(/^INFO SignalFlow connection lost/)])
        })
      )
  )

  effect(
    "streams the same values over server-sent events, and refuses a wrong token there too",
    () =>
      Effect.gen(function*() {
        const server = yield* localServer
        const t0 = pastSecond()
        yield* sendGauges(server, [
          { metric: "cpu", value: 1.5, dimensions: { host: "a" }, timestamp: t0 + 100 },
          { metric: "cpu", value: 3.5, dimensions: { host: "a" }, timestamp: t0 + 1100 }
        ])
        const signalflow = yield* SignalFlow.makeSse(optionsFor(server.url)).pipe(Effect.provide(FetchHttpClient.layer))
        const snapshots = yield* signalflow.execute("data('cpu').publish()", { start: t0, stop: t0 + 2000 }).pipe(
          SignalFlow.byTimestamp,
          Stream.runCollect
        )
        expect(byHost(snapshots)).toEqual([[t0, { a: 1.5 }], [t0 + 1000, { a: 3.5 }]])
        const failed = yield* signalflow.execute("dta('cpu').publish()").pipe(Stream.runCollect, Effect.flip)
        expect(failed._tag).toBe("ComputationFailedError")

        const refused = yield* SignalFlow.makeSse(optionsFor(server.url, { token: Redacted.make(`${TOKEN}-wrong`) }))
          .pipe(Effect.provide(FetchHttpClient.layer))
        const error = yield* refused.execute("data('cpu').publish()").pipe(Stream.runCollect, Effect.flip)
        expect(error._tag).toBe("SignalFlowAuthenticationError")
        expectSafeError(error)
      })
  )

  effect("keeps alive and stops a persistent computation by its handle over WebSocket", () =>
    Effect.gen(function*() {
      const server = yield* localServer
      const signalflow = yield* SignalFlow.make(optionsFor(server.url))
      const handle = yield* signalflow.execute("data('cpu').publish()", { persistent: true }).pipe(
        Stream.filterMap((m) =>
          m.type === "control-message" && m.event === "JOB_START" ? Result.succeed(m.handle) : Result.failVoid
        ),
        Stream.runHead
      )
      expect(handle._tag).toBe("Some")
      if (handle._tag === "Some") {
        yield* signalflow.keepalive(handle.value)
        yield* signalflow.stop(handle.value, { reason: "done" })
      }
    }))

  effect(
    "refuses unsendable handles and empty programs on both transports, sending nothing",
    () =>
      Effect.gen(function*() {
        const server = yield* localServer
        const services: ReadonlyArray<
          Effect.Effect<SignalFlow.Service, ConfigurationError, Scope.Scope | HttpClient.HttpClient>
        > = [SignalFlow.make(optionsFor(server.url)), SignalFlow.makeSse(optionsFor(server.url))]
        for (const service of services) {
          const signalflow = yield* service.pipe(Effect.provide(FetchHttpClient.layer))
          for (const handle of ["", ".", ".."]) {
            const invalid = yield* signalflow.stop(handle).pipe(Effect.flip)
            expect(invalid._tag === "SignalFlowConnectionError" && invalid.reason).toBe("InvalidRequest")
            const attached = yield* signalflow.attach(handle).pipe(Stream.runCollect, Effect.flip)
            expect(attached._tag === "SignalFlowConnectionError" && attached.reason).toBe("InvalidRequest")
          }
          const empty = yield* signalflow.execute("  ").pipe(Stream.runCollect, Effect.flip)
          expect(empty._tag).toBe("ComputationFailedError")
          const long = yield* signalflow.start("x".repeat(50_001)).pipe(Effect.flip)
          expect(long._tag).toBe("ComputationFailedError")
        }
        expect(server.requests().filter((request) => request.path.includes("signalflow"))).toEqual([])
      })
  )
})
