/**
 * SignalFlow's WebSocket through a real forwarding proxy (the `proxy` package) on loopback, to
 * the local server over TLS: a CONNECT tunnel, NO_PROXY, a proxy's credentials, a proxy down.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Chunk, ConfigProvider, Effect, Exit, Layer, Redacted, Schedule, Stream } from "effect"
import * as https from "node:https"
import { SignalFlow, SignalFxError } from "../../src/index.js"
import { SignalFx } from "../../src/promise/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { closedPort, startProxy } from "./support.js"

const TOKEN = "signalflow-token-c0ffee"
const PASSWORD = "s3cr3t-pa55"

/** Ingests one gauge into the TLS server, trusting its certificate. */
const sendGauge = (server: FakeSignalFx.Server, timestamp: number) =>
  Effect.async<number>((resume) => {
    const request = https.request(`${server.url}/v2/datapoint`, {
      method: "POST",
      ca: server.certificate,
      headers: { "X-SF-Token": TOKEN, "Content-Type": "application/json" }
    }, (response) => {
      response.resume()
      response.on("end", () => resume(Effect.succeed(response.statusCode ?? 0)))
    })
    request.on("error", (error) => resume(Effect.die(error)))
    request.end(JSON.stringify({ gauge: [{ metric: "m", value: 7, timestamp }] }))
  })

/** A whole second a minute ago: its windows are complete. */
const pastSecond = () => Math.floor(Date.now() / 1000) * 1000 - 60_000

/** The local server over TLS with one gauge in it, and the options of a client that trusts it. */
const setUp = Effect.gen(function*() {
  const server = yield* FakeSignalFx.make({ tls: true, tokens: [TOKEN] })
  const t0 = pastSecond()
  expect(yield* sendGauge(server, t0 + 100)).toBe(200)
  const options: SignalFlow.Options = {
    token: Redacted.make(TOKEN),
    streamEndpoint: server.url,
    ca: server.certificate ?? "",
    reconnect: Schedule.recurs(0)
  }
  return { server, t0, options }
})

/** The values of `data('m').publish()` over the second of the gauge. */
const compute = (signalflow: SignalFlow.Service, t0: number) =>
  signalflow.execute("data('m').publish()", { start: t0, stop: t0 + 1000, resolution: 1000 }).pipe(
    SignalFlow.byTimestamp,
    Stream.runCollect,
    Effect.map((snapshots) => Chunk.toArray(snapshots).flatMap((snapshot) => snapshot.values.map((v) => v.value)))
  )

/** The error a computation failed with. */
const failureOf = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.exit(effect), (exit) => Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined)

/** The environment as `layerConfig` reads it, without touching `process.env`. */
const withEnvironment = (variables: Record<string, string>) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.withConfigProvider(effect, ConfigProvider.fromMap(new Map(Object.entries(variables))))

describe("SignalFlow's WebSocket through a proxy", () => {
  it.scopedLive("streams a computation through a CONNECT tunnel; the proxy never sees the token", () =>
    Effect.gen(function*() {
      const { options, server, t0 } = yield* setUp
      const proxy = yield* startProxy()
      const signalflow = yield* SignalFlow.make({ ...options, proxy: proxy.url })
      expect(yield* compute(signalflow, t0)).toEqual([7])
      expect(proxy.seen.map((request) => `${request.method} ${request.target}`)).toEqual([
        `CONNECT 127.0.0.1:${server.port}`
      ])
      // The socket's bytes went through the proxy, inside TLS.
      expect(proxy.tunnelled().length).toBeGreaterThan(100)
      expect(proxy.everything()).not.toContain(TOKEN)
    }))

  it.scopedLive("layerConfig honours HTTPS_PROXY, and NO_PROXY bypasses the proxy", () =>
    Effect.gen(function*() {
      const { options, server, t0 } = yield* setUp
      const proxy = yield* startProxy()
      const { ca } = options
      const run = (variables: Record<string, string>) =>
        Effect.scoped(
          Effect.flatMap(
            Layer.build(SignalFlow.layerConfig({ ca, reconnect: Schedule.recurs(0) })),
            (context) => compute(Effect.runSync(Effect.provide(SignalFlow.SignalFlow, context)), t0)
          )
        ).pipe(withEnvironment({ SPLUNK_ACCESS_TOKEN: TOKEN, SPLUNK_STREAM_URL: server.url, ...variables }))

      expect(yield* run({ HTTPS_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" })).toEqual([7])
      expect(proxy.seen).toEqual([])
      expect(yield* run({ https_proxy: proxy.url })).toEqual([7])
      expect(proxy.seen.map((request) => request.method)).toEqual(["CONNECT"])
      // The `noProxy` option wins over the environment.
      const direct = yield* SignalFlow.make({ ...options, proxy: proxy.url, noProxy: "127.0.0.0/8" })
      expect(yield* compute(direct, t0)).toEqual([7])
      expect(proxy.seen).toHaveLength(1)
    }))

  it.scopedLive("a proxy that asks for credentials: 407 without them, the computation runs with them", () =>
    Effect.gen(function*() {
      const { options, t0 } = yield* setUp
      const proxy = yield* startProxy({ credentials: `alice:${PASSWORD}` })
      const without = yield* SignalFlow.make({
        ...options,
        proxy: proxy.url,
        reconnect: Schedule.spaced("10 millis").pipe(Schedule.intersect(Schedule.recurs(3)))
      })
      const refused = yield* failureOf(compute(without, t0))
      expect(refused).toBeInstanceOf(SignalFxError.SignalFlowConnectionError)
      expect(refused).toMatchObject({ reason: "StatusCode", status: 407 })
      expect(String(refused)).toContain(`the proxy ${proxy.url} asks for credentials (407`)
      // Not retried: the proxy will not change its mind.
      expect(proxy.seen.map((request) => request.method)).toEqual(["CONNECT"])

      const withCredentials = yield* SignalFlow.make({
        ...options,
        proxy: Redacted.make(proxy.url.replace("http://", `http://alice:${PASSWORD}@`))
      })
      expect(yield* compute(withCredentials, t0)).toEqual([7])
      expect(proxy.everything()).not.toContain(TOKEN)
    }))

  it.scopedLive("a proxy that is down: a SignalFlowConnectionError naming the proxy, never its password", () =>
    Effect.gen(function*() {
      const { options, server, t0 } = yield* setUp
      const port = yield* closedPort
      const signalflow = yield* SignalFlow.make({ ...options, proxy: `http://alice:${PASSWORD}@127.0.0.1:${port}` })
      const error = yield* failureOf(compute(signalflow, t0))
      expect(error).toBeInstanceOf(SignalFxError.SignalFlowConnectionError)
      expect(error).toMatchObject({ reason: "Transport" })
      const shown = `${String(error)} ${JSON.stringify(error)}`
      expect(shown).toContain(`the proxy http://127.0.0.1:${port} could not be reached`)
      expect(shown).not.toContain(PASSWORD)
      expect(shown).not.toContain("alice")
      expect(server.requests()).toHaveLength(1)
    }))

  it.scopedLive("never turns verification off: without `ca` the tunnel's certificate is refused, naming the proxy", () =>
    Effect.gen(function*() {
      const { options, t0 } = yield* setUp
      const proxy = yield* startProxy()
      const { ca: _trusted, ...untrusting } = options
      const error = yield* failureOf(compute(yield* SignalFlow.make({ ...untrusting, proxy: proxy.url }), t0))
      expect(error).toBeInstanceOf(SignalFxError.SignalFlowConnectionError)
      expect(String(error)).toMatch(/the proxy http:\/\/127\.0\.0\.1:\d+ tunnel to 127\.0\.0\.1:\d+: the certificate/)
      expect(proxy.everything()).not.toContain(TOKEN)
    }))

  it.effect("a malformed proxy or ca is a ConfigurationError naming it", () =>
    Effect.gen(function*() {
      const base = { token: Redacted.make(TOKEN), streamEndpoint: "wss://127.0.0.1:1" }
      const proxy = yield* failureOf(Effect.scoped(SignalFlow.make({ ...base, proxy: "ftp://proxy.corp:21" })))
      expect(proxy).toBeInstanceOf(SignalFxError.ConfigurationError)
      expect(proxy).toMatchObject({ option: "proxy" })
      const ca = yield* failureOf(Effect.scoped(SignalFlow.make({ ...base, ca: "corp-ca.pem" })))
      expect(ca).toMatchObject({ _tag: "ConfigurationError", option: "ca" })
      const variable = yield* failureOf(
        Layer.build(SignalFlow.layerConfig()).pipe(
          Effect.scoped,
          withEnvironment({ SPLUNK_ACCESS_TOKEN: TOKEN, SPLUNK_REALM: "us1", HTTPS_PROXY: "ftp://proxy.corp:21" })
        )
      )
      expect(variable).toMatchObject({ _tag: "ConfigurationError", option: "HTTPS_PROXY" })
    }))

  it.scopedLive("the Promise facade's sfx.signalflow goes through the facade's proxy with its ca", () =>
    Effect.gen(function*() {
      const { server, t0 } = yield* setUp
      const proxy = yield* startProxy()
      const sfx = new SignalFx(TOKEN, {
        ingestEndpoint: server.url,
        apiEndpoint: server.url,
        proxy: proxy.url,
        ca: server.certificate ?? "",
        signalflow: { streamEndpoint: server.url }
      })
      yield* Effect.addFinalizer(() => Effect.promise(() => sfx.stop()))
      const values = yield* Effect.promise(async () => {
        const found: Array<SignalFlow.Snapshot["values"][number]["value"]> = []
        for await (const snapshot of sfx.signalflow.values("data('m').publish()", { start: t0, stop: t0 + 1000 })) {
          for (const { value } of snapshot.values) found.push(value)
        }
        return found
      })
      expect(values).toEqual([7])
      expect(proxy.seen.map((request) => `${request.method} ${request.target}`)).toEqual([
        `CONNECT 127.0.0.1:${server.port}`
      ])
      expect(proxy.everything()).not.toContain(TOKEN)
    }))
})
