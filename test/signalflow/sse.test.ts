import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import type { Scope } from "effect"
import { Chunk, Effect, Redacted, Schedule, Stream } from "effect"
import { SignalFlow } from "../../src/index.js"
import { serveHttp } from "./httpPeer.js"

const event = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`

const sseHeaders = { "content-type": "text/event-stream" }

const serviceFor = (url: string): Effect.Effect<SignalFlow.Service, never, Scope.Scope> =>
  SignalFlow.makeSse({
    token: Redacted.make("sse-token"),
    streamEndpoint: url,
    reconnect: Schedule.recurs(2)
  }).pipe(Effect.orDie, Effect.provide(FetchHttpClient.layer))

describe("SignalFlow over server-sent events", () => {
  it.scopedLive("posts the program with its parameters and streams the events, resuming a cut stream", () =>
    Effect.gen(function*() {
      const server = yield* serveHttp((_received, response, index) => {
        response.writeHead(200, sseHeaders)
        if (index === 0) {
          response.write(event("control-message", { event: "STREAM_START", timestampMs: 1 }))
          response.write(event("control-message", { event: "JOB_START", handle: "H", timestampMs: 1 }))
          response.write(event("metadata", { tsId: "AAAAAAAAAAE", properties: { host: "a" } }))
          // Split across writes, as a network may.
          const data = event("data", { logicalTimestampMs: 1000, data: [{ tsId: "AAAAAAAAAAE", value: 1 }] })
          response.write(data.slice(0, 10))
          response.write(data.slice(10))
          response.write(": a comment\n\n")
          response.end(event("data", { logicalTimestampMs: 2000, data: [{ tsId: "AAAAAAAAAAE", value: 2 }] }))
        } else {
          response.write(event("data", { logicalTimestampMs: 2000, data: [{ tsId: "AAAAAAAAAAE", value: 2 }] }))
          response.write(event("data", { logicalTimestampMs: 3000, data: [{ tsId: "AAAAAAAAAAE", value: 3 }] }))
          // An int64 beyond 2^53, written exactly, as the service does.
          response.write(
            `event: data\ndata: {"logicalTimestampMs":4000,"data":[{"tsId":"AAAAAAAAAAE","value":9007199254740993}]}\n\n`
          )
          response.end(event("control-message", { event: "END_OF_CHANNEL", timestampMs: 5 }))
        }
      })
      const signalflow = yield* serviceFor(server.url)
      const messages = Chunk.toArray(
        yield* signalflow.execute("data('cpu').publish()", { start: 0, stop: 4000, resolution: 1000 }).pipe(
          Stream.runCollect
        )
      )
      expect(messages.map((m) => (m.type === "data" ? m.logicalTimestampMs : m.type))).toEqual([
        "control-message",
        "control-message",
        "metadata",
        1000,
        2000,
        3000,
        4000
      ])
      const last = messages.at(-1)
      expect(last?.type === "data" && last.data[0]!.value).toBe(9007199254740993n)
      const [first, second] = server.received
      expect(first).toMatchObject({
        method: "POST",
        token: "sse-token",
        contentType: "text/plain",
        body: "data('cpu').publish()"
      })
      expect(first!.url.pathname).toBe("/v2/signalflow/execute")
      expect(Object.fromEntries(first!.url.searchParams)).toEqual({ start: "0", stop: "4000", resolution: "1000" })
      expect(Object.fromEntries(second!.url.searchParams)).toEqual({ start: "2000", stop: "4000", resolution: "1000" })
    }))

  it.scopedLive("fails with the refused token, and with the service's error for a bad program", () =>
    Effect.gen(function*() {
      const server = yield* serveHttp((received, response) => {
        if (received.body === "bad") {
          response.writeHead(400, { "content-type": "application/json" })
          response.end(JSON.stringify({ errorType: "ANALYTICS_PROGRAM_NAME_ERROR", message: "dta is not defined" }))
        } else {
          response.writeHead(401)
          response.end()
        }
      })
      const signalflow = yield* serviceFor(server.url)
      const refused = yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runCollect, Effect.flip)
      expect(refused._tag).toBe("SignalFlowAuthenticationError")
      expect(refused.message).not.toContain("sse-token")
      const failed = yield* signalflow.execute("bad").pipe(Stream.runCollect, Effect.flip)
      expect(failed).toMatchObject({
        _tag: "ComputationFailedError",
        errors: [{ code: 400, errorType: "ANALYTICS_PROGRAM_NAME_ERROR", message: "dta is not defined" }]
      })
      yield* signalflow.stop("H 1", { reason: "done" }).pipe(Effect.ignore)
      const stop = server.received.at(-1)!
      expect(stop.url.pathname).toBe("/v2/signalflow/H%201/stop")
      expect(stop.url.searchParams.get("reason")).toBe("done")
    }))
})
