import { describe, expect, it } from "@effect/vitest"
import { Chunk, Deferred, Effect, Exit, Fiber, Logger, LogLevel, Redacted, Schedule, Scope, Stream } from "effect"
import { SignalFlow } from "../../src/index.js"
import { captureLogsScoped } from "../logCapture.js"
import { dataFrame, id, jsonFrame, tsIdString } from "./frames.js"
import type { Peer, PeerConnection } from "./peer.js"
import { makePeer, makePeerWith } from "./peer.js"

const TOKEN = "sf-secret-token"

const serviceFor = (peer: Peer, options: Partial<SignalFlow.Options> = {}) =>
  SignalFlow.make({
    token: Redacted.make(TOKEN),
    streamEndpoint: peer.url,
    reconnect: Schedule.spaced("20 millis").pipe(Schedule.intersect(Schedule.recurs(20))),
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

describe("SignalFlow over WebSocket", () => {
  it.scopedLive("authenticates, executes, and streams every message type until the end of the channel", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer, { userAgent: "tests/1.0" })
      const fiber = yield* signalflow.execute("data('cpu').publish()", {
        start: new Date(1_000),
        stop: 10_000,
        resolution: 1000,
        immediate: true
      }).pipe(Stream.runCollect, Effect.fork)

      const connection = yield* peer.accept
      const authenticate = yield* connection.authenticate
      expect(authenticate).toEqual({ type: "authenticate", token: TOKEN, userAgent: "effect-signalfx/0.2.0 tests/1.0" })
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
      connection.send({
        type: "metadata",
        channel,
        tsId: tsIdString(id(1)),
        properties: { sf_metric: "cpu", host: "a" }
      })
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

      const messages = Chunk.toArray(yield* Fiber.join(fiber))
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
      expect(messages[4]).toEqual({
        type: "data",
        logicalTimestampMs: 1000,
        maxDelayMs: 0,
        data: [{ tsId: tsIdString(id(1)), value: 0.5 }]
      })
      expect(values(messages)).toEqual([`1000:${tsIdString(id(1))}=0.5`, `2000:${tsIdString(id(1))}=7`])
      expect(peer.connectionCount()).toBe(1)
    }))

  it.scopedLive("skips an unknown message type with a debug log, a malformed one with a warning, and goes on", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer)
      const logs: Array<string> = []
      const capture = Logger.make(({ logLevel, message }) => {
        logs.push(`${logLevel.label} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
      })
      const fiber = yield* signalflow.execute("data('cpu').publish()").pipe(
        Stream.runCollect,
        Effect.provide(Logger.replace(Logger.defaultLogger, capture)),
        Logger.withMinimumLogLevel(LogLevel.Debug),
        Effect.fork
      )
      const { channel, connection } = yield* acceptRequest(peer)
      connection.send({ type: "livetail-started", channel })
      connection.send({ type: "metadata", channel, tsId: 42 })
      connection.send({ type: "expired-tsid", channel, tsId: "AAAAAAAAAAE" })
      connection.send(control(channel, "END_OF_CHANNEL"))
      expect(Chunk.toArray(yield* Fiber.join(fiber))).toEqual([{ type: "expired-tsid", tsId: "AAAAAAAAAAE" }])
      expect(logs).toContainEqual("DEBUG skipped a SignalFlow message type livetail-started")
      expect(logs.some((line) => line.startsWith("WARN skipped a malformed SignalFlow metadata message"))).toBe(true)
    }))

  it.scopedLive("takes JSON messages in binary frames too, the authentication's answer included", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer)
      const fiber = yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runCollect, Effect.fork)
      const connection = yield* peer.accept
      yield* connection.receiveType("authenticate")
      connection.sendBinary(jsonFrame(7, "", { orgId: "org" }))
      const request = yield* connection.receiveType("execute")
      const channel = String(request.channel)
      connection.sendBinary(jsonFrame(1, channel, { event: "JOB_START", handle: "H", timestampMs: 1 }, { gzip: true }))
      connection.sendBinary(jsonFrame(4, channel, { tsId: "AAAAAAAAAAE", properties: { host: "a" } }))
      connection.sendBinary(jsonFrame(1, channel, { event: "END_OF_CHANNEL", timestampMs: 2 }))
      expect(Chunk.toArray(yield* Fiber.join(fiber))).toEqual([
        { type: "control-message", event: "JOB_START", handle: "H", timestampMs: 1 },
        { type: "metadata", tsId: "AAAAAAAAAAE", properties: { host: "a" } }
      ])
    }))

  it.scopedLive("fails with an authentication error when the token is refused, without retrying", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer)
      const fiber = yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runCollect, Effect.fork)
      const connection = yield* peer.accept
      yield* connection.receiveType("authenticate")
      connection.send({ type: "error", error: 401, message: "Invalid authentication token" })
      connection.close(4401, "Unauthorized")
      const exit = yield* Fiber.await(fiber)
      expect(exit).toStrictEqual(Exit.fail(
        new SignalFlow.SignalFlowAuthenticationError({
          endpoint: `${peer.url}/v2/signalflow/connect`,
          description: "401 Invalid authentication token"
        })
      ))
      expect(Exit.isFailure(exit) && String(exit.cause)).not.toContain(TOKEN)
      expect(peer.connectionCount()).toBe(1)

      // A close code alone is a refusal too.
      const second = yield* signalflow.execute("data('cpu').publish()").pipe(
        Stream.runCollect,
        Effect.flip,
        Effect.fork
      )
      const again = yield* peer.accept
      yield* again.receiveType("authenticate")
      again.close(4401, "Unauthorized")
      const error = yield* Fiber.join(second)
      expect(error._tag).toBe("SignalFlowAuthenticationError")
      expect(error.message).toContain("4401 Unauthorized")
    }))

  it.scopedLive("gives up on a service that never authenticates, after the reconnect schedule", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer, {
        authenticationTimeout: "200 millis",
        reconnect: Schedule.recurs(1)
      })
      const error = yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runCollect, Effect.flip)
      expect(error).toMatchObject({ _tag: "SignalFlowConnectionError", reason: "Timeout" })
      expect(error.message).toContain("no authenticated answer within 200ms")
      expect(peer.connectionCount()).toBe(2)
    }))

  it.scopedLive("shares one socket between computations, each on its own channel", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer)
      const first = yield* signalflow.execute("A").pipe(Stream.runCollect, Effect.fork)
      const { channel: channelA, connection } = yield* acceptRequest(peer)
      const second = yield* signalflow.execute("B").pipe(Stream.runCollect, Effect.fork)
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

  it.scopedLive("fails with the service's errors, and with an abort's state and reason", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer)
      const failing = yield* signalflow.execute("dta('cpu')").pipe(Stream.runCollect, Effect.flip, Effect.fork)
      const { channel, connection } = yield* acceptRequest(peer)
      const errors = [{ code: "ANALYTICS_PROGRAM_NAME_ERROR", context: { line: 1, column: 1, reference: "dta" } }]
      connection.send({ type: "error", channel, errors })
      const failed = yield* Fiber.join(failing)
      expect(failed).toEqual(new SignalFlow.ComputationFailedError({ errors }))
      expect(failed.message).toContain("ANALYTICS_PROGRAM_NAME_ERROR")
      // The channel of a failed computation is detached.
      expect(yield* connection.receiveType("detach")).toEqual({ type: "detach", channel })

      const aborted = yield* signalflow.execute("data('cpu').publish()").pipe(
        Stream.runCollect,
        Effect.flip,
        Effect.fork
      )
      const next = yield* connection.receiveType("execute")
      connection.send(control(next.channel, "CHANNEL_ABORT", {
        abortInfo: { sf_job_abortState: "STOPPED", sf_job_abortReason: "Stopped by user" }
      }))
      const abort = yield* Fiber.join(aborted)
      expect(abort).toEqual(new SignalFlow.ComputationAbortedError({ state: "STOPPED", reason: "Stopped by user" }))
      expect(abort.message).toBe("the SignalFlow computation was stopped: Stopped by user")
    }))

  it.scopedLive("resumes on a new connection from the last timestamp: no value repeated, none skipped", () =>
    Effect.gen(function*() {
      const logs = yield* captureLogsScoped
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer)
      const fiber = yield* signalflow.execute("data('cpu').publish()", { start: 0, stop: 4000 }).pipe(
        Stream.runCollect,
        Effect.fork
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
      // Let the client take the first batch before the drop.
      yield* Effect.sleep("50 millis")
      c1.terminate()

      const second = yield* acceptRequest(peer)
      expect(second.request).toMatchObject({ type: "execute", start: 2000, stop: 4000, resolution: 1000 })
      expect(second.channel).not.toBe(first.channel)
      const c2 = second.connection
      c2.send(control(second.channel, "STREAM_START"))
      c2.send(control(second.channel, "JOB_START", { handle: "H2" }))
      c2.send({ type: "metadata", channel: second.channel, tsId: tsIdString(id(1)), properties: { host: "a" } })
      c2.send({ type: "metadata", channel: second.channel, tsId: tsIdString(id(2)), properties: { host: "b" } })
      // The service starts again at 2000, both batches.
      sendData(c2, second.channel, 2000, [point(1, 2)])
      sendData(c2, second.channel, 2000, [point(2, 2)])
      sendData(c2, second.channel, 3000, [point(1, 3), point(2, 3)])
      c2.send(control(second.channel, "END_OF_CHANNEL"))

      const messages = Chunk.toArray(yield* Fiber.join(fiber))
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
      expect(messages.flatMap((m) => m.type === "control-message" && m.event === "JOB_START" ? [m.handle] : []))
        .toEqual(["H1", "H2"])
      expect(logs).toEqual([expect.stringMatching(/^INFO SignalFlow connection lost/)])
    }))

  it.scopedLive("fails with a connection error once the reconnect schedule gives up on a service that is gone", () =>
    Effect.gen(function*() {
      const logs = yield* captureLogsScoped
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer, {
        reconnect: Schedule.spaced("20 millis").pipe(Schedule.intersect(Schedule.recurs(3)))
      })
      const fiber = yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runCollect, Effect.flip, Effect.fork)
      const { channel, connection } = yield* acceptRequest(peer)
      sendData(connection, channel, 1000, [point(1, 1)])
      yield* Effect.sleep("50 millis")
      yield* peer.shutdown
      const error = yield* Fiber.join(fiber)
      expect(error).toMatchObject({ _tag: "SignalFlowConnectionError", reason: "Transport" })
      expect(error.message).toContain("ECONNREFUSED")
      expect(logs).toEqual([expect.stringMatching(/^INFO SignalFlow connection lost/)])
    }))

  it.scopedLive("gives up on a connection that drops again and again before delivering anything", () =>
    Effect.gen(function*() {
      const logs = yield* captureLogsScoped
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer, {
        reconnect: Schedule.spaced("10 millis").pipe(Schedule.intersect(Schedule.recurs(2)))
      })
      yield* acceptRequest(peer).pipe(
        Effect.tap(({ connection }) => connection.terminate()),
        Effect.forever,
        Effect.fork
      )
      const error = yield* signalflow.execute("data('cpu').publish()").pipe(Stream.runCollect, Effect.flip)
      expect(error).toMatchObject({ _tag: "SignalFlowConnectionError", reason: "Closed" })
      expect(error.message).toContain("dropped 3 times in a row")
      expect(peer.connectionCount()).toBe(3)
      expect(logs).toEqual(Array.from({ length: 3 }, () => expect.stringMatching(/^INFO SignalFlow connection lost/)))
    }))

  it.scopedLive("re-opens a socket that leaves a heartbeat ping unanswered, and resumes on it", () =>
    Effect.gen(function*() {
      const logs = yield* captureLogsScoped
      const peer = yield* makePeerWith({ answersPings: (connection) => connection > 1 })
      const signalflow = yield* serviceFor(peer, { heartbeatInterval: "100 millis" })
      const fiber = yield* signalflow.execute("data('cpu').publish()", { start: 0 }).pipe(
        Stream.runCollect,
        Effect.fork
      )
      const first = yield* acceptRequest(peer)
      sendData(first.connection, first.channel, 1000, [point(1, 1)])
      // No pong: the client gives the socket up and executes again on a new one.
      expect(yield* first.connection.closed).toBe(1006)
      const second = yield* acceptRequest(peer)
      expect(second.request.start).toBe(1000)
      sendData(second.connection, second.channel, 2000, [point(1, 2)])
      second.connection.send(control(second.channel, "END_OF_CHANNEL"))
      expect(values(yield* Fiber.join(fiber))).toEqual([`1000:${tsIdString(id(1))}=1`, `2000:${tsIdString(id(1))}=2`])
      expect(logs).toEqual([expect.stringMatching(/^INFO SignalFlow connection lost/)])
    }))

  it.scopedLive("bounds a slow consumer's buffer: detaches when full, resumes once drained, loses nothing", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer, { bufferSize: 4 })
      const gate = yield* Deferred.make<void>()
      const fiber = yield* signalflow.execute("data('cpu').publish()", { start: 0 }).pipe(
        Stream.tap(() => Deferred.await(gate)),
        Stream.runCollect,
        Effect.fork
      )
      const first = yield* acceptRequest(peer)
      const total = 30
      const sendFrom = (channel: string, from: number) => {
        for (let t = from; t <= total; t++) sendData(first.connection, channel, t * 1000, [point(1, t)])
        first.connection.send(control(channel, "END_OF_CHANNEL"))
      }
      sendFrom(first.channel, 1)
      // The consumer holds back, the buffer fills up: the client detaches the channel.
      expect(yield* first.connection.receiveType("detach")).toEqual({ type: "detach", channel: first.channel })
      yield* Deferred.succeed(gate, undefined)
      // Once drained, it executes again from the last timestamp it buffered, as often as it
      // has to: the service answers each time from that start.
      const starts: Array<number> = []
      yield* first.connection.receiveType("execute").pipe(
        Effect.tap((request) => {
          starts.push(Number(request.start))
          sendFrom(String(request.channel), Number(request.start) / 1000)
        }),
        Effect.forever,
        Effect.fork
      )
      const timestamps = values(yield* Fiber.join(fiber)).map((v) => Number(v.split(":")[0]))
      expect(timestamps).toEqual(Array.from({ length: total }, (_, i) => (i + 1) * 1000))
      expect(starts.length).toBeGreaterThan(0)
      expect(starts.every((start) => start > 0 && start < total * 1000)).toBe(true)
    }))

  it.scopedLive("detaches the channel when the stream's scope closes, and closes the socket with the service", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const serviceScope = yield* Scope.make()
      const signalflow = yield* Scope.extend(serviceFor(peer), serviceScope)
      const fiber = yield* signalflow.execute("data('cpu').publish()").pipe(
        Stream.take(2),
        Stream.runCollect,
        Effect.fork
      )
      const { channel, connection } = yield* acceptRequest(peer)
      connection.send(control(channel, "STREAM_START"))
      connection.send(control(channel, "JOB_START", { handle: "H" }))
      expect(Chunk.size(yield* Fiber.join(fiber))).toBe(2)
      expect(yield* connection.receiveType("detach")).toEqual({ type: "detach", channel })

      // Commands are sent as the protocol spells them.
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
    }))

  it.scopedLive("rejects an empty or too long program without a request", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer)
      const empty = yield* signalflow.execute(" ").pipe(Stream.runCollect, Effect.flip)
      expect(empty.message).toContain("the program is empty")
      const long = yield* signalflow.execute("x".repeat(50_001)).pipe(Stream.runCollect, Effect.flip)
      expect(long.message).toContain("50001 characters")
      expect(peer.connectionCount()).toBe(0)
    }))
})
