/**
 * The SignalFlow options: the addresses derived, unusable options refused by name, the
 * configuration read by `layerConfig`; and a service closed while connecting.
 */
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import { resolve } from "../../src/internal/signalflow/options.js"
import * as SignalFlow from "../../src/SignalFlow.js"
import { effect } from "../support.js"
import { makePeer } from "./peer.js"

const token = Redacted.make("t0ken")

const resolved = (options: Partial<SignalFlow.Options>) => Result.getOrThrow(resolve({ token, ...options }))

describe("Effect 4 SignalFlow options", () => {
  it("derives the WebSocket and HTTP addresses from the realm or an explicit endpoint", () => {
    expect(resolved({ realm: "eu0" }).connectUrl).toBe("wss://stream.eu0.signalfx.com/v2/signalflow/connect")
    expect(resolved({ realm: "eu0" }).httpBase.href).toBe("https://stream.eu0.signalfx.com/")
    expect(resolved({}).connectUrl).toBe("wss://stream.us0.signalfx.com/v2/signalflow/connect")
    for (const streamEndpoint of ["wss://proxy.example.com/sfx/", "https://proxy.example.com/sfx"]) {
      expect(resolved({ realm: "eu0", streamEndpoint }).connectUrl).toBe(
        "wss://proxy.example.com/sfx/v2/signalflow/connect"
      )
    }
    expect(resolved({ streamEndpoint: "ws://127.0.0.1:8080" }).connectUrl).toBe(
      "ws://127.0.0.1:8080/v2/signalflow/connect"
    )
  })

  it("refuses unusable options with a ConfigurationError that names them, never the token", () => {
    const cases: Array<[Partial<SignalFlow.Options>, string]> = [
      [{ streamEndpoint: "ws://stream.example.com" }, "streamEndpoint"],
      [{ streamEndpoint: "ftp://x" }, "streamEndpoint"],
      [{ realm: "nowhere" }, "realm"],
      [{ bufferSize: 0 }, "bufferSize"],
      [{ authenticationTimeout: 0 }, "authenticationTimeout"],
      [{ heartbeatInterval: -1 }, "heartbeatInterval"]
    ]
    for (const [options, option] of cases) {
      const result = resolve({ token, ...options })
      expect(Result.isFailure(result) && result.failure.option).toBe(option)
      expect(Result.isFailure(result) && result.failure.message).not.toContain("t0ken")
    }
    expect(Result.isFailure(resolve({ token: Redacted.make(" ") }))).toBe(true)
  })

  effect("layerConfig reads the token and the endpoint from the configuration", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer()
      const fiber = yield* Effect.gen(function*() {
        const signalflow = yield* SignalFlow.SignalFlow
        return yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runDrain)
      }).pipe(
        Effect.provide(SignalFlow.layerConfig()),
        Effect.provideService(
          ConfigProvider.ConfigProvider,
          ConfigProvider.fromEnvRecord({ SPLUNK_ACCESS_TOKEN: "from-env", SPLUNK_STREAM_URL: peer.url })
        ),
        Effect.forkChild
      )
      const connection = yield* peer.accept
      expect(yield* connection.authenticate).toMatchObject({ type: "authenticate", token: "from-env" })
      const request = yield* connection.receiveType("execute")
      connection.send({ type: "control-message", channel: request.channel, event: "END_OF_CHANNEL" })
      expect(Exit.isSuccess(yield* Fiber.await(fiber))).toBe(true)
    }))

  effect(
    "a service closed while connecting fails the computations awaiting the socket (Closed)",
    () =>
      Effect.gen(function*() {
        const peer = yield* makePeer()
        const serviceScope = yield* Scope.make()
        const signalflow = yield* SignalFlow.make({ token: Redacted.make("t"), streamEndpoint: peer.url }).pipe(
          Scope.provide(serviceScope)
        )
        const fiber = yield* signalflow.execute("data('cpu').publish()").pipe(
          Stream.runDrain,
          Effect.flip,
          Effect.forkChild
        )
        // Connected, never authenticated: the computation waits for the socket to be ready.
        yield* peer.accept
        yield* Scope.close(serviceScope, Exit.void)
        const error = yield* Fiber.join(fiber)
        expect(error).toMatchObject({ _tag: "SignalFlowConnectionError", reason: "Closed" })
      })
  )
})
