/**
 * The server-sent-events transport against a raw HTTP peer: the request as posted, events split
 * anywhere, a cut stream resumed, and a hostile peer's events and errors kept bounded and free of
 * the token.
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { describe, expect } from "vitest"
import { MAX_EVENT_LENGTH } from "../../src/core/signalflow/sse.js"
import * as SignalFlow from "../../src/SignalFlow.js"
import { effect } from "../support.js"
import type { HttpPeer } from "./httpPeer.js"
import { serveHttp } from "./httpPeer.js"
import { expectSafeError, TOKEN } from "./support.js"

const event = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`

const sseHeaders = { "content-type": "text/event-stream" }

/** A peer's text that is everything a message must not show: the token cut in two, escapes, length. */
const hostileText = `${"x".repeat(190)}${TOKEN}\n\u001b[31mred\u001b[0m\r\n${"y".repeat(100_000)}`

const overSse = (
  peer: HttpPeer,
  reconnect = Schedule.recurs(0)
): Effect.Effect<SignalFlow.Service, never, Scope.Scope> =>
  SignalFlow.makeSse({ token: Redacted.make(TOKEN), streamEndpoint: peer.url, reconnect }).pipe(
    Effect.orDie,
    Effect.provide(FetchHttpClient.layer)
  )

describe("Effect 4 SignalFlow over server-sent events", () => {
  effect(
    "posts the program with its parameters and streams the events, resuming a cut stream",
    () =>
      Effect.gen(function*() {
        const peer = yield* serveHttp((_received, response, index) => {
          response.writeHead(200, sseHeaders)
          if (index === 0) {
            response.write(event("control-message", { event: "STREAM_START", timestampMs: 1 }))
            response.write(event("metadata", { tsId: "AAAAAAAAAAE", properties: { host: "a" } }))
            // Split across writes, as a network may.
            const data = event("data", { logicalTimestampMs: 1000, data: [{ tsId: "AAAAAAAAAAE", value: 1 }] })
            response.write(data.slice(0, 10))
            response.write(data.slice(10))
            response.write(": a comment\n\n")
            response.end(event("data", { logicalTimestampMs: 2000, data: [{ tsId: "AAAAAAAAAAE", value: 2 }] }))
          } else {
            response.write(event("data", { logicalTimestampMs: 2000, data: [{ tsId: "AAAAAAAAAAE", value: 2 }] }))
            // An int64 beyond 2^53, written exactly, as the service does.
            response.write(
              `event: data\ndata: {"logicalTimestampMs":3000,"data":[{"tsId":"AAAAAAAAAAE","value":9007199254740993}]}\n\n`
            )
            response.end(event("control-message", { event: "END_OF_CHANNEL", timestampMs: 5 }))
          }
        })
        const signalflow = yield* overSse(peer, Schedule.recurs(2))
        const messages = yield* signalflow.execute("data('cpu').publish()", { start: 0, stop: 4000, resolution: 1000 })
          .pipe(Stream.runCollect)
        expect(messages.map((m) => (m.type === "data" ? m.logicalTimestampMs : m.type))).toEqual([
          "control-message",
          "metadata",
          1000,
          2000,
          3000
        ])
        const last = messages.at(-1)
        expect(last?.type === "data" && last.data[0]!.value).toBe(9007199254740993n)
        const [first, second] = peer.received
        expect(first).toMatchObject({ method: "POST", token: TOKEN, body: "data('cpu').publish()" })
        expect(first!.url.pathname).toBe("/v2/signalflow/execute")
        expect(Object.fromEntries(first!.url.searchParams)).toEqual({ start: "0", stop: "4000", resolution: "1000" })
        // Resumed from the last timestamp it had, the resolution kept.
        expect(Object.fromEntries(second!.url.searchParams)).toEqual({
          start: "2000",
          stop: "4000",
          resolution: "1000"
        })
      })
  )

  effect(
    "a 400's error, a channel's error and an error status's body show neither the token nor escapes",
    () =>
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
              response.end(
                `event: error\ndata: ${JSON.stringify({ errors: [{ code: 400, message: hostileText }] })}\n\n`
              )
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
        const long = yield* Effect.flip(signalflow.stop(`${"h".repeat(100_000)}\n`))
        expect(long._tag).toBe("SignalFlowConnectionError")
        expectSafeError(long)
      })
  )

  effect(
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
        const error = yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runDrain, Effect.flip)
        expect(error).toMatchObject({ _tag: "SignalFlowConnectionError", reason: "TooLarge" })
        expectSafeError(error)
        // Failed, not resumed: the same computation would send the same event again.
        expect(peer.received).toHaveLength(1)
        // The client went away soon after the limit, far from all the server had to send.
        expect(written).toBeLessThan(MAX_EVENT_LENGTH * 2)
      }),
    120_000
  )
})
