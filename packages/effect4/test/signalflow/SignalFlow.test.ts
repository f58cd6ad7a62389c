/**
 * The WebSocket transport against a scripted peer: the protocol as the client speaks it, the
 * service's errors, resuming, pacing, heartbeats, detaching.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { describe, expect } from "vitest"
import { dataFrame, id, tsIdString } from "../../../../test/signalflow/frames.js"
import * as SignalFlow from "../../src/SignalFlow.js"
import { effect } from "../support.js"
import type { Peer, PeerConnection } from "./peer.js"
import { makePeer } from "./peer.js"
import { expectSafeError, TOKEN, withLogs } from "./support.js"

const serviceFor = (peer: Peer, options: Partial<SignalFlow.Options> = {}) =>
  SignalFlow.make({
    token: Redacted.make(TOKEN),
    streamEndpoint: peer.url,
    reconnect: Schedule.spaced("20 millis").pipe(Schedule.upTo({ times: 20 })),
    ...options
  })

const control = (channel: unknown, event: string, extra: object = {}) => ({
  type: "control-message",
  channel,
  event,
  timestampMs: 1,
  ...extra
})

const point = (n: number, value: number) => ({ tsId: id(n), valueType: 2 as const, value })

/** Accepts a connection, authenticates it and returns it with the next request of `type`. */
const acceptRequest = (peer: Peer, type = "execute") =>
  Effect.gen(function*() {
    const connection = yield* peer.accept
    yield* connection.authenticate
    const request = yield* connection.receiveType(type)
    return { connection, request, channel: String(request.channel) }
  })

const sendData = (
  connection: PeerConnection,
  channel: string,
  timestamp: number,
  points: Array<ReturnType<typeof point>>
) => connection.sendBinary(dataFrame({ version: 2, gzip: true, channel, timestamp, maxDelay: 0, points }))

/** Every (timestamp, tsId) value of the data messages, in order. */
const values = (messages: Iterable<SignalFlow.Message>) =>
  [...messages].flatMap((message) =>
    message.type === "data"
      ? message.data.map((p) => `${message.logicalTimestampMs}:${p.tsId}=${String(p.value)}`)
      : []
  )

describe("Effect 4 SignalFlow over WebSocket", () => {
  effect(
    "authenticates, executes, and streams every message type until the end of the channel",
    () =>
      Effect.gen(function*() {
        const peer = yield* makePeer()
        const signalflow = yield* serviceFor(peer, { userAgent: "tests/1.0" })
        const fiber = yield* signalflow.execute("data('cpu').publish()", {
          start: new Date(1_000),
          stop: 10_000,
          resolution: 1000,
          immediate: true
        }).pipe(Stream.runCollect, Effect.forkChild)

        const connection = yield* peer.accept
        const authenticate = yield* connection.authenticate
        expect(authenticate).toEqual({
          type: "authenticate",
          token: TOKEN,
          userAgent: expect.stringMatching(/^effect-signalfx\/\S+ tests\/1\.0$/)
        })
        const request = yield* connection.receive
        expect(request).toEqual({
          type: "execute",
          channel: request.channel,
          program: "data('cpu').publish()",
          compress: true,
          start: 1_000,
          stop: 10_000,
          resolution: 1000,
          immediate: true
        })
        const channel = request.channel
        connection.send({ event: "KEEP_ALIVE", timestampMs: 5 })
        connection.send(control(channel, "STREAM_START"))
        connection.send(control(channel, "JOB_START", { handle: "H1" }))
        connection.send({
          type: "message",
          channel,
          logicalTimestampMs: 1000,
          message: { messageCode: "JOB_RUNNING_RESOLUTION", contents: { resolutionMs: 1000 } }
        })
        connection.send({ type: "metadata", channel, tsId: tsIdString(id(1)), properties: { sf_metric: "cpu" } })
        connection.send({ type: "log-data", channel })
        sendData(connection, String(channel), 1000, [point(1, 0.5)])
        connection.sendBinary(
          dataFrame({
            version: 1,
            channel: String(channel),
            timestamp: 2000,
            points: [{ tsId: id(1), valueType: 1, value: 7 }]
          })
        )
        connection.send({ type: "event", channel, tsId: "EV", timestampMs: 2500, properties: { is: "anomalous" } })
        connection.send({ type: "expired-tsid", channel, tsId: tsIdString(id(1)) })
        connection.send(control(channel, "END_OF_CHANNEL"))

        const messages = yield* Fiber.join(fiber)
        expect(messages.map((m) => (m.type === "control-message" ? m.event : m.type))).toEqual([
          "STREAM_START",
          "JOB_START",
          "message",
          "metadata",
          "data",
          "data",
          "event",
          "expired-tsid"
        ])
        expect(messages[1]).toEqual({ type: "control-message", event: "JOB_START", handle: "H1", timestampMs: 1 })
        expect(messages[6]).toEqual({
          type: "event",
          tsId: "EV",
          timestampMs: 2500,
          metadata: {},
          properties: { is: "anomalous" }
        })
        expect(values(messages)).toEqual([`1000:${tsIdString(id(1))}=0.5`, `2000:${tsIdString(id(1))}=7`])
        expect(peer.connectionCount()).toBe(1)
      })
  )

  effect(
    "fails with an authentication error when the token is refused, without retrying, the token never shown",
    () =>
      Effect.gen(function*() {
        const peer = yield* makePeer()
        const signalflow = yield* serviceFor(peer)
        const fiber = yield* signalflow.execute("data('cpu').publish()").pipe(
          Stream.runCollect,
          Effect.flip,
          Effect.forkChild
        )
        const connection = yield* peer.accept
        yield* connection.receiveType("authenticate")
        // A service that echoes the token it refuses.
        connection.send({ type: "error", error: 401, message: `Invalid authentication token ${TOKEN}\n` })
        connection.close(4401, "Unauthorized")
        const error = yield* Fiber.join(fiber)
        expect(error._tag).toBe("SignalFlowAuthenticationError")
        expect(error.message).toContain("401 Invalid authentication token <redacted>")
        expectSafeError(error)
        expect(peer.connectionCount()).toBe(1)

        // A close code alone is a refusal too.
        const second = yield* signalflow.execute("data('cpu').publish()").pipe(
          Stream.runCollect,
          Effect.flip,
          Effect.forkChild
        )
        const again = yield* peer.accept
        yield* again.receiveType("authenticate")
        again.close(4401, `Unauthorized ${TOKEN}`)
        const refused = yield* Fiber.join(second)
        expect(refused._tag).toBe("SignalFlowAuthenticationError")
        expect(refused.message).toContain("4401 Unauthorized")
        expectSafeError(refused)
      })
  )

  effect("gives up on a service that never authenticates, after the reconnect schedule", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer()
      const signalflow = yield* serviceFor(peer, { authenticationTimeout: "200 millis", reconnect: Schedule.recurs(1) })
      const error = yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runCollect, Effect.flip)
      expect(error).toMatchObject({ _tag: "SignalFlowConnectionError", reason: "Timeout" })
      expect(error.message).toContain("no authenticated answer within 200")
      expect(peer.connectionCount()).toBe(2)
    }))

  effect("shares one socket between computations, each on its own channel", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer()
      const signalflow = yield* serviceFor(peer)
      const first = yield* signalflow.execute("A").pipe(Stream.runCollect, Effect.forkChild)
      const { channel: channelA, connection } = yield* acceptRequest(peer)
      const second = yield* signalflow.execute("B").pipe(Stream.runCollect, Effect.forkChild)
      const requestB = yield* connection.receiveType("execute")
      const channelB = String(requestB.channel)
      expect(requestB.program).toBe("B")
      expect(channelB).not.toBe(channelA)
      sendData(connection, channelB, 1000, [point(2, 20)])
      sendData(connection, channelA, 1000, [point(1, 10)])
      connection.send(control(channelA, "END_OF_CHANNEL"))
      sendData(connection, channelB, 2000, [point(2, 21)])
      connection.send(control(channelB, "END_OF_CHANNEL"))
      expect(values(yield* Fiber.join(first))).toEqual([`1000:${tsIdString(id(1))}=10`])
      expect(values(yield* Fiber.join(second))).toEqual([
        `1000:${tsIdString(id(2))}=20`,
        `2000:${tsIdString(id(2))}=21`
      ])
      expect(peer.connectionCount()).toBe(1)
    }))

  effect(
    "fails with the service's errors, and with an abort's state and reason, the token never shown",
    () =>
      Effect.gen(function*() {
        const peer = yield* makePeer()
        const signalflow = yield* serviceFor(peer)
        const failing = yield* signalflow.execute("dta('cpu')").pipe(Stream.runCollect, Effect.flip, Effect.forkChild)
        const { channel, connection } = yield* acceptRequest(peer)
        const errors = [{ code: "ANALYTICS_PROGRAM_NAME_ERROR", context: { line: 1, column: 1, reference: TOKEN } }]
        connection.send({ type: "error", channel, errors })
        const failed = yield* Fiber.join(failing)
        expect(failed._tag).toBe("ComputationFailedError")
        expect(failed.message).toContain("ANALYTICS_PROGRAM_NAME_ERROR")
        expectSafeError(failed)
        // The channel of a failed computation is detached.
        expect(yield* connection.receiveType("detach")).toEqual({ type: "detach", channel })

        const aborted = yield* signalflow.execute("data('cpu').publish()").pipe(
          Stream.runCollect,
          Effect.flip,
          Effect.forkChild
        )
        const next = yield* connection.receiveType("execute")
        connection.send(control(next.channel, "CHANNEL_ABORT", {
          abortInfo: { sf_job_abortState: "STOPPED", sf_job_abortReason: "Stopped by user" }
        }))
        const abort = yield* Fiber.join(aborted)
        expect(abort).toMatchObject({ _tag: "ComputationAbortedError", state: "STOPPED", reason: "Stopped by user" })
        expect(abort.message).toBe("the SignalFlow computation was stopped: Stopped by user")
      })
  )

  effect(
    "resumes on a new connection from the last timestamp: no value repeated, none skipped",
    () =>
      withLogs((logs) =>
        Effect.gen(function*() {
          const peer = yield* makePeer()
          const signalflow = yield* serviceFor(peer)
          const fiber = yield* signalflow.execute("data('cpu').publish()", { start: 0, stop: 4000 }).pipe(
            Stream.runCollect,
            Effect.forkChild
          )
          const first = yield* acceptRequest(peer)
          const c1 = first.connection
          c1.send(control(first.channel, "STREAM_START"))
          c1.send(control(first.channel, "JOB_START", { handle: "H1" }))
          c1.send({
            type: "message",
            channel: first.channel,
            logicalTimestampMs: 0,
            message: { messageCode: "JOB_RUNNING_RESOLUTION", contents: { resolutionMs: 1000 } }
          })
          c1.send({ type: "metadata", channel: first.channel, tsId: tsIdString(id(1)), properties: { host: "a" } })
          c1.send({ type: "metadata", channel: first.channel, tsId: tsIdString(id(2)), properties: { host: "b" } })
          sendData(c1, first.channel, 1000, [point(1, 1), point(2, 1)])
          // Timestamp 2000 comes in two batches; the connection drops after the first.
          sendData(c1, first.channel, 2000, [point(1, 2)])
          yield* Effect.sleep("50 millis")
          c1.terminate()

          const second = yield* acceptRequest(peer)
          expect(second.request).toMatchObject({ type: "execute", start: 2000, stop: 4000, resolution: 1000 })
          const c2 = second.connection
          c2.send(control(second.channel, "STREAM_START"))
          c2.send(control(second.channel, "JOB_START", { handle: "H2" }))
          c2.send({ type: "metadata", channel: second.channel, tsId: tsIdString(id(1)), properties: { host: "a" } })
          c2.send({ type: "metadata", channel: second.channel, tsId: tsIdString(id(2)), properties: { host: "b" } })
          sendData(c2, second.channel, 2000, [point(1, 2)])
          sendData(c2, second.channel, 2000, [point(2, 2)])
          sendData(c2, second.channel, 3000, [point(1, 3), point(2, 3)])
          c2.send(control(second.channel, "END_OF_CHANNEL"))

          const messages = yield* Fiber.join(fiber)
          const a = tsIdString(id(1)), b = tsIdString(id(2))
          expect(values(messages)).toEqual([
            `1000:${a}=1`,
            `1000:${b}=1`,
            `2000:${a}=2`,
            `2000:${b}=2`,
            `3000:${a}=3`,
            `3000:${b}=3`
          ])
          expect(messages.filter((m) => m.type === "metadata")).toHaveLength(2)
          expect(messages.filter((m) => m.type === "control-message" && m.event === "STREAM_START")).toHaveLength(1)
          expect(logs).toEqual([expect.stringMatching(/^INFO SignalFlow connection lost/)])
        })
      )
  )

  effect(
    "gives up on a connection that drops again and again before delivering anything",
    () =>
      withLogs((logs) =>
        Effect.gen(function*() {
          const peer = yield* makePeer()
          const signalflow = yield* serviceFor(peer, {
            reconnect: Schedule.spaced("10 millis").pipe(Schedule.upTo({ times: 2 }))
          })
          yield* acceptRequest(peer).pipe(
            Effect.tap(({ connection }) => Effect.sync(() => connection.terminate())),
            Effect.forever,
            Effect.forkChild
          )
          const error = yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runCollect, Effect.flip)
          expect(error).toMatchObject({ _tag: "SignalFlowConnectionError", reason: "Closed" })
          expect(error.message).toContain("dropped 3 times in a row")
          expect(peer.connectionCount()).toBe(3)
          expect(logs).toEqual(
            Array.from({ length: 3 }, () => expect.stringMatching(/^INFO SignalFlow connection lost/))
          )
        })
      )
  )

  effect(
    "re-opens a socket that leaves a heartbeat ping unanswered, and resumes on it",
    () =>
      withLogs((logs) =>
        Effect.gen(function*() {
          const peer = yield* makePeer({ answersPings: (connection) => connection > 1 })
          const signalflow = yield* serviceFor(peer, { heartbeatInterval: "100 millis" })
          const fiber = yield* signalflow.execute("data('cpu').publish()", { start: 0 }).pipe(
            Stream.runCollect,
            Effect.forkChild
          )
          const first = yield* acceptRequest(peer)
          sendData(first.connection, first.channel, 1000, [point(1, 1)])
          // No pong: the client gives the socket up and executes again on a new one.
          expect(yield* first.connection.closed).toBe(1006)
          const second = yield* acceptRequest(peer)
          expect(second.request.start).toBe(1000)
          sendData(second.connection, second.channel, 2000, [point(1, 2)])
          second.connection.send(control(second.channel, "END_OF_CHANNEL"))
          expect(values(yield* Fiber.join(fiber))).toEqual([
            `1000:${tsIdString(id(1))}=1`,
            `2000:${tsIdString(id(1))}=2`
          ])
          expect(logs).toEqual([expect.stringMatching(/^INFO SignalFlow connection lost/)])
        })
      )
  )

  effect(
    "bounds a slow consumer's buffer: detaches when full, resumes once drained, loses nothing",
    () =>
      Effect.gen(function*() {
        const peer = yield* makePeer()
        const signalflow = yield* serviceFor(peer, { bufferSize: 4 })
        let open = false
        const fiber = yield* signalflow.execute("data('cpu').publish()", { start: 0 }).pipe(
          Stream.tap(() => Effect.suspend(() => open ? Effect.void : Effect.sleep("20 millis"))),
          Stream.runCollect,
          Effect.forkChild
        )
        const first = yield* acceptRequest(peer)
        const total = 30
        const sendFrom = (channel: string, from: number) => {
          for (let t = from; t <= total; t++) sendData(first.connection, channel, t * 1000, [point(1, t)])
          first.connection.send(control(channel, "END_OF_CHANNEL"))
        }
        sendFrom(first.channel, 1)
        expect(yield* first.connection.receiveType("detach")).toEqual({ type: "detach", channel: first.channel })
        open = true
        const starts: Array<number> = []
        yield* first.connection.receiveType("execute").pipe(
          Effect.tap((request) =>
            Effect.sync(() => {
              starts.push(Number(request.start))
              sendFrom(String(request.channel), Number(request.start) / 1000)
            })
          ),
          Effect.forever,
          Effect.forkChild
        )
        const timestamps = values(yield* Fiber.join(fiber)).map((v) => Number(v.split(":")[0]))
        expect(timestamps).toEqual(Array.from({ length: total }, (_, i) => (i + 1) * 1000))
        expect(starts.length).toBeGreaterThan(0)
      })
  )

  effect(
    "detaches the channel when the stream's scope closes, sends commands, closes the socket with the service",
    () =>
      Effect.gen(function*() {
        const peer = yield* makePeer()
        const serviceScope = yield* Scope.make()
        const signalflow = yield* serviceFor(peer).pipe(Scope.provide(serviceScope))
        const fiber = yield* signalflow.execute("data('cpu').publish()").pipe(
          Stream.take(2),
          Stream.runCollect,
          Effect.forkChild
        )
        const { channel, connection } = yield* acceptRequest(peer)
        connection.send(control(channel, "STREAM_START"))
        connection.send(control(channel, "JOB_START", { handle: "H" }))
        expect((yield* Fiber.join(fiber)).length).toBe(2)
        expect(yield* connection.receiveType("detach")).toEqual({ type: "detach", channel })

        yield* signalflow.stop("H", { reason: "done" })
        expect(yield* connection.receive).toEqual({ type: "stop", handle: "H", reason: "done" })
        yield* signalflow.keepalive("H")
        expect(yield* connection.receive).toEqual({ type: "keepalive", handle: "H" })
        yield* signalflow.start("data('x').publish()", { resolution: 5000 })
        expect(yield* connection.receive).toEqual({ type: "start", program: "data('x').publish()", resolution: 5000 })

        yield* Scope.close(serviceScope, Exit.void)
        expect(yield* connection.closed).toBe(1000)
        const error = yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runCollect, Effect.flip)
        expect(error).toMatchObject({ _tag: "SignalFlowConnectionError", reason: "Closed" })
      })
  )
})
