import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import type { Scope } from "effect"
import { Chunk, Effect, Either, Fiber, Redacted, Schedule, Stream } from "effect"
import { MAX_EVENT_LENGTH } from "../../src/core/signalflow/sse.js"
import { SignalFlow } from "../../src/index.js"
import { EventTooLarge, readEvents } from "../../src/internal/signalflow/sse.js"
import { captureLogLines } from "../logCapture.js"
import { header } from "./frames.js"
import type { HttpPeer } from "./httpPeer.js"
import { expectSafeError, expectSafeText, serveHttp, TOKEN } from "./httpPeer.js"
import type { Peer } from "./peer.js"
import { makePeer } from "./peer.js"

/** A peer's text that is everything a message must not show: the token cut in two, escapes, length. */
const hostileText = `${"x".repeat(190)}${TOKEN}\n\u001b[31mred\u001b[0m\r\n${"y".repeat(100_000)}`

const overWebSocket = (peer: Peer) =>
  SignalFlow.make({
    token: Redacted.make(TOKEN),
    streamEndpoint: peer.url,
    reconnect: Schedule.spaced("20 millis").pipe(Schedule.intersect(Schedule.recurs(5)))
  }).pipe(Effect.orDie)

const overSse = (peer: HttpPeer): Effect.Effect<SignalFlow.Service, never, Scope.Scope> =>
  SignalFlow.makeSse({ token: Redacted.make(TOKEN), streamEndpoint: peer.url, reconnect: Schedule.recurs(0) }).pipe(
    Effect.orDie,
    Effect.provide(FetchHttpClient.layer)
  )

const sseHeaders = { "content-type": "text/event-stream" }

describe("SignalFlow's server-sent events against a peer that never ends its event", () => {
  it.effect(
    "readEvents keeps at most MAX_EVENT_LENGTH characters of an unfinished event, and fails past it",
    () =>
      Effect.gen(function*() {
        const chunkSize = 1024
        const limit = MAX_EVENT_LENGTH + 4 * 1024 * 1024
        for (const shape of ["one line", "many data lines"] as const) {
          // 1 KiB chunks, read on demand: how far the reading pulls is how much it could have kept.
          let pulled = 0
          const chunk = new TextEncoder().encode(
            shape === "one line" ? "x".repeat(chunkSize) : "data: x\n".repeat(chunkSize / 8)
          )
          const head = new TextEncoder().encode("event: data\ndata: ")
          const body = Stream.concat(
            Stream.make(head),
            Stream.repeatEffect(Effect.suspend(() => {
              pulled += chunkSize
              return pulled > limit ? Effect.fail("read well past the limit" as const) : Effect.succeed(chunk)
            }))
          )
          const outcome = yield* readEvents(body, () => undefined).pipe(Effect.either)
          expect(Either.isLeft(outcome) && outcome.left).toBeInstanceOf(EventTooLarge)
          expect(pulled).toBeLessThanOrEqual(MAX_EVENT_LENGTH + chunkSize)
        }
      }),
    { timeout: 120_000 }
  )

  it.scopedLive(
    "fails the computation, once, when a server's body of many MB has no event boundary",
    () =>
      Effect.gen(function*() {
        let written = 0
        const total = MAX_EVENT_LENGTH * 4
        const chunk = Buffer.from("x".repeat(4096))
        const peer = yield* serveHttp((_received, response) => {
          response.writeHead(200, sseHeaders)
          response.write("event: data\ndata: ")
          // Written as the client takes it, 4 KiB at a time, until the client goes or 64 MiB went.
          const pump = (): void => {
            while (written < total && !response.destroyed) {
              written += chunk.length
              if (!response.write(chunk)) {
                response.once("drain", pump)
                return
              }
            }
            response.end()
          }
          pump()
        })
        const signalflow = yield* overSse(peer)
        const error = yield* signalflow.execute("data('cpu').publish()").pipe(
          Stream.runDrain,
          Effect.flip,
          // A deadline to fail rather than hang, far above the second or so this takes.
          Effect.timeoutFail({ duration: "100 seconds", onTimeout: () => "no answer within 100 seconds" })
        )
        expect(error).toMatchObject({ _tag: "SignalFlowConnectionError", reason: "TooLarge" })
        expectSafeError(error)
        // Failed, not resumed: the same computation would send the same event again.
        expect(peer.received).toHaveLength(1)
        // The client went away soon after the limit: what it read was the limit and what the
        // sockets' buffers on the way held, far from all that the server had to send.
        expect(written).toBeLessThan(MAX_EVENT_LENGTH * 2)
      }),
    { timeout: 120_000 }
  )
})

/** `attach`, `stop` and `keepalive` of a handle no URL path can carry fail as `InvalidRequest`. */
const expectUnsendableHandlesRefused = (signalflow: SignalFlow.Service) =>
  Effect.gen(function*() {
    for (const handle of ["", ".", ".."]) {
      for (
        const call of [
          signalflow.stop(handle),
          signalflow.keepalive(handle),
          signalflow.attach(handle).pipe(Stream.runDrain)
        ]
      ) {
        const error = yield* Effect.flip(call)
        expect(error).toMatchObject({ _tag: "SignalFlowConnectionError", reason: "InvalidRequest" })
        expectSafeError(error)
      }
    }
  })

describe("SignalFlow over WebSocket against a peer that echoes the token and sends hostile text", () => {
  it.scopedLive("the authentication error and a close reason before authentication show neither", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* overWebSocket(peer)

      const first = yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runDrain, Effect.flip, Effect.fork)
      const connection = yield* peer.accept
      yield* connection.receiveType("authenticate")
      connection.send({ type: "error", error: 401, message: hostileText })
      const refused = yield* Fiber.join(first)
      expect(refused._tag).toBe("SignalFlowAuthenticationError")
      expectSafeError(refused)
      expect(refused.message).toContain("401 xxx")

      const second = yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runDrain, Effect.flip, Effect.fork)
      const again = yield* peer.accept
      yield* again.receiveType("authenticate")
      again.close(4401, `bad token ${TOKEN}\n\u001b[2J`)
      const closed = yield* Fiber.join(second)
      expect(closed._tag).toBe("SignalFlowAuthenticationError")
      expectSafeError(closed)
      expect(closed.message).toContain("close code 4401 bad token <redacted>\\n\\u001b[2J")
    }))

  it.scopedLive("an authentication error whose code is nested 200,000 deep fails the connection, and crashes nothing", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* overWebSocket(peer)
      const fiber = yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runDrain, Effect.flip, Effect.fork)
      const connection = yield* peer.accept
      yield* connection.receiveType("authenticate")
      // An `error` (type 6) in a binary frame with a JSON body (flag 2), written by hand: no
      // JSON.stringify survives that depth either.
      const nested = `${"[".repeat(200_000)}${"]".repeat(200_000)}`
      connection.sendBinary(Buffer.concat([header(1, 6, 2, ""), Buffer.from(`{"error":${nested},"message":"no"}`)]))
      const refused = yield* Fiber.join(fiber)
      expect(refused).toMatchObject({ _tag: "SignalFlowAuthenticationError", description: "no" })
    }))

  it.scopedLive("a channel's error and abort, a close reason and a skipped frame's channel show neither", () => {
    const { layer: logged, lines: logs } = captureLogLines({ debug: true })
    return Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* overWebSocket(peer)
      const run = Effect.fork(signalflow.execute("data('cpu').publish()").pipe(Stream.runCollect))
      const failing = yield* run
      const connection = yield* peer.accept
      yield* connection.authenticate
      const failingChannel = (yield* connection.receiveType("execute")).channel
      connection.send({
        type: "error",
        channel: failingChannel,
        errors: [{ code: 400, message: hostileText, context: { echoed: TOKEN, [TOKEN]: [TOKEN] } }]
      })
      const failed = yield* Fiber.join(failing).pipe(Effect.flip)
      expect(failed._tag).toBe("ComputationFailedError")
      expectSafeError(failed)

      const aborting = yield* run
      const abortingChannel = (yield* connection.receiveType("execute")).channel
      connection.send({
        type: "control-message",
        channel: abortingChannel,
        event: "CHANNEL_ABORT",
        timestampMs: 1,
        abortInfo: { sf_job_abortState: "ABORTED", sf_job_abortReason: hostileText }
      })
      const aborted = yield* Fiber.join(aborting).pipe(Effect.flip)
      expect(aborted._tag).toBe("ComputationAbortedError")
      expectSafeError(aborted)

      const running = yield* run
      yield* connection.receiveType("execute")
      // A frame of an unknown type, twice, on a channel whose name holds a newline and escapes.
      const invalid = header(1, 99, 0, "c\n\u001b[31mh")
      connection.sendBinary(invalid)
      connection.sendBinary(invalid)
      connection.close(4000, `going away ${TOKEN}\n\u001b[0m`)
      const resumed = yield* peer.accept
      yield* resumed.authenticate
      const { channel } = yield* resumed.receiveType("execute")
      resumed.send({ type: "control-message", channel, event: "END_OF_CHANNEL", timestampMs: 2 })
      expect(Chunk.toArray(yield* Fiber.join(running))).toEqual([])

      for (const line of logs) expectSafeText(line)
      expect(logs).toContain(
        "INFO SignalFlow connection lost (close code 4000 going away <redacted>\\n\\u001b[0m); 1 computations resume"
      )
      const skipped = logs.filter((line) => line.includes("skipped a binary SignalFlow frame"))
      expect(skipped).toEqual([
        "WARN skipped a binary SignalFlow frame of channel c\\n\\u001b[31mh: unknown binary message type 99 " +
        "(any more on this connection are logged at debug level)",
        "DEBUG skipped a binary SignalFlow frame of channel c\\n\\u001b[31mh: unknown binary message type 99"
      ])
    }).pipe(Effect.provide(logged))
  })

  it.scopedLive("attach, stop and keepalive refuse an empty, . or .. handle before connecting", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* overWebSocket(peer)
      yield* expectUnsendableHandlesRefused(signalflow)
      expect(peer.connectionCount()).toBe(0)
    }))
})

describe("SignalFlow over server-sent events against a peer that echoes the token and sends hostile text", () => {
  it.scopedLive("a 400's error, a channel's error and an error status's body show neither", () =>
    Effect.gen(function*() {
      const peer = yield* serveHttp((received, response) => {
        switch (received.body) {
          case "escaped":
            // The token spelled with a JSON escape: only the parsed text holds it.
            response.writeHead(400, { "content-type": "application/json" })
            response.end(
              `{"errorType":"X","message":"${"a".repeat(190)}\\u0073${TOKEN.slice(1)}","context":{"t":"${TOKEN}"}}`
            )
            return
          case "long":
            response.writeHead(400, { "content-type": "text/plain" })
            response.end(hostileText)
            return
          case "channel":
            response.writeHead(200, sseHeaders)
            response.end(`event: error\ndata: ${JSON.stringify({ errors: [{ code: 400, message: hostileText }] })}\n\n`)
            return
          default:
            response.writeHead(500, { "content-type": "text/plain" })
            response.end(hostileText)
        }
      })
      const signalflow = yield* overSse(peer)
      for (const program of ["escaped", "long", "channel"]) {
        const error = yield* signalflow.execute(program).pipe(Stream.runDrain, Effect.flip)
        expect(error._tag).toBe("ComputationFailedError")
        expectSafeError(error)
      }
      const status = yield* Effect.flip(signalflow.stop("H"))
      expect(status).toMatchObject({ _tag: "SignalFlowConnectionError", reason: "StatusCode", status: 500 })
      expectSafeError(status)
    }))

  it.scopedLive("attach, stop and keepalive refuse an empty, . or .. handle with no request, a long one is cut", () =>
    Effect.gen(function*() {
      const peer = yield* serveHttp((_received, response) => {
        response.writeHead(404)
        response.end()
      })
      const signalflow = yield* overSse(peer)
      yield* expectUnsendableHandlesRefused(signalflow)
      expect(peer.received).toEqual([])
      // Refused by the server (a URL that long is over its limit) or answered 404: either way the
      // error names the handle cut.
      const long = yield* Effect.flip(signalflow.stop(`${"h".repeat(100_000)}\n`))
      expect(long._tag).toBe("SignalFlowConnectionError")
      expectSafeError(long)
    }))
})
