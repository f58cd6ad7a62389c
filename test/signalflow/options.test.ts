import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Exit, Layer, Redacted, Stream } from "effect"
import { SignalFlow } from "../../src/index.js"
import { resolve } from "../../src/internal/signalflow/options.js"
import { makePeer } from "./peer.js"

const token = Redacted.make("t0ken")

describe("SignalFlow options", () => {
  it("derives the WebSocket and HTTP addresses from the realm or an explicit endpoint", () => {
    const byRealm = Either.getOrThrow(resolve({ token, realm: "eu0" }))
    expect(byRealm.connectUrl).toBe("wss://stream.eu0.signalfx.com/v2/signalflow/connect")
    expect(byRealm.httpBase.href).toBe("https://stream.eu0.signalfx.com/")
    expect(Either.getOrThrow(resolve({ token })).connectUrl).toBe("wss://stream.us0.signalfx.com/v2/signalflow/connect")
    for (const streamEndpoint of ["wss://proxy.example.com/sfx/", "https://proxy.example.com/sfx"]) {
      const explicit = Either.getOrThrow(resolve({ token, realm: "eu0", streamEndpoint }))
      expect(explicit.connectUrl).toBe("wss://proxy.example.com/sfx/v2/signalflow/connect")
    }
    expect(Either.getOrThrow(resolve({ token, streamEndpoint: "ws://127.0.0.1:8080" })).connectUrl).toBe(
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
      const resolved = resolve({ token, ...options })
      expect(Either.isLeft(resolved) && resolved.left.option).toBe(option)
      expect(Either.isLeft(resolved) && resolved.left.message).not.toContain("t0ken")
    }
    expect(Either.isLeft(resolve({ token: Redacted.make(" ") }))).toBe(true)
  })

  it.scopedLive("layerConfig reads the token and the endpoint from the configuration", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const provider = ConfigProvider.fromMap(
        new Map([["SPLUNK_ACCESS_TOKEN", "from-env"], ["SPLUNK_STREAM_URL", peer.url]])
      )
      const fiber = yield* Effect.gen(function*() {
        const signalflow = yield* SignalFlow.SignalFlow
        return yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runDrain)
      }).pipe(
        Effect.provide(SignalFlow.layerConfig().pipe(Layer.provide(Layer.setConfigProvider(provider)))),
        Effect.fork
      )
      const connection = yield* peer.accept
      expect(yield* connection.authenticate).toMatchObject({ type: "authenticate", token: "from-env" })
      const request = yield* connection.receiveType("execute")
      connection.send({ type: "control-message", channel: request.channel, event: "END_OF_CHANNEL" })
      expect(Exit.isSuccess(yield* fiber.await)).toBe(true)
    }))
})
