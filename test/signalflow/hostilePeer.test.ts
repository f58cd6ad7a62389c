/**
 * A hostile SignalFlow service on loopback cannot crash the client, grow its memory without bound,
 * make it reconnect in a tight loop, or write what it likes into its log.
 */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Logger, LogLevel, Redacted, Schedule, Stream } from "effect"
import { MAX_BODY_BYTES } from "../../src/core/signalflow/binary.js"
import { MAX_ANNOUNCED, MAX_BUFFERED_VALUES, MAX_KEPT_VALUES } from "../../src/core/signalflow/computation.js"
import { MAX_MESSAGE_BYTES } from "../../src/core/signalflow/socket.js"
import { SignalFlow } from "../../src/index.js"
import { captureLogLines } from "../logCapture.js"
import { dataFrame, header, id, jsonFrame, tsIdString } from "./frames.js"
import { dataBomb } from "./hostile.js"
import type { Peer, PeerConnection } from "./peer.js"
import { makePeer } from "./peer.js"

const serviceFor = (peer: Peer, options: Partial<SignalFlow.Options> = {}) =>
  SignalFlow.make({
    token: Redacted.make("sf-secret-token"),
    streamEndpoint: peer.url,
    reconnect: Schedule.spaced("20 millis").pipe(Schedule.intersect(Schedule.recurs(20))),
    ...options
  })

const acceptRequest = (peer: Peer) =>
  Effect.gen(function*() {
    const connection = yield* peer.accept
    yield* connection.authenticate
    const request = yield* connection.receiveType("execute")
    return { connection, request, channel: String(request.channel) }
  })

const endOfChannel = (channel: string) => ({
  type: "control-message",
  channel,
  event: "END_OF_CHANNEL",
  timestampMs: 1
})

/** A batch of `size` values at `timestamp`, of the time series `first` to `first + size - 1`. */
const batch = (channel: string, timestamp: number, first: number, size: number) =>
  dataFrame({
    version: 2,
    channel,
    timestamp,
    points: Array.from({ length: size }, (_, i) => ({ tsId: id(first + i), valueType: 2 as const, value: first + i }))
  })

/** A batch of `size` values at `timestamp`, all of one time series and none with a value: cheap to make. */
const emptyBatch = (channel: string, timestamp: number, size: number) => {
  const body = Buffer.alloc(20 + size * 17)
  body.writeBigInt64BE(BigInt(timestamp), 0)
  body.writeUInt32BE(size, 16)
  return Buffer.concat([header(2, 5, 0, channel), body])
}

/** Runs the computation's stream into an array that the test can watch fill up. */
const collect = (stream: Stream.Stream<SignalFlow.Message, SignalFlow.SignalFlowError>) =>
  Effect.gen(function*() {
    const messages: Array<SignalFlow.Message> = []
    const fiber = yield* stream.pipe(
      Stream.runForEach((message) => Effect.sync(() => messages.push(message))),
      Effect.fork
    )
    const received = (count: number) =>
      Effect.repeat(Effect.sync(() => messages.length), {
        until: (length) => length >= count,
        schedule: Schedule.spaced("10 millis")
      })
    return { messages, fiber, received }
  })

const dataValues = (messages: ReadonlyArray<SignalFlow.Message>) =>
  messages.flatMap((message) =>
    message.type === "data" ? message.data.map((point) => `${message.logicalTimestampMs}:${point.tsId}`) : []
  )

describe("SignalFlow against a hostile service", () => {
  it.scopedLive("skips a gzip bomb (1 MB inflating to 1 GiB) with a one-line warning, and goes on", () => {
    const capture = captureLogLines()
    return Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer)
      const { fiber, messages } = yield* collect(signalflow.execute("data('cpu').publish()"))
      const { channel, connection } = yield* acceptRequest(peer)
      const bomb = dataBomb(channel, 1000, 60_000_000, 1024)
      expect(bomb.length).toBeLessThan(1_100_000)
      connection.sendBinary(bomb)
      connection.sendBinary(batch(channel, 2000, 1, 1))
      connection.send(endOfChannel(channel))
      yield* Fiber.join(fiber)
      expect(dataValues(messages)).toEqual([`2000:${tsIdString(id(1))}`])
      expect(capture.lines).toEqual([
        `WARN skipped a binary SignalFlow frame of channel ${channel}: the gzip body inflates to more than ${MAX_BODY_BYTES} bytes (any more on this connection are logged at debug level)`
      ])
    }).pipe(Effect.provide(capture.layer))
  })

  it.scopedLive("closes the socket (1009) on a message longer than MAX_MESSAGE_BYTES instead of buffering it, and resumes", () => {
    const capture = captureLogLines()
    return Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer)
      const { fiber, messages } = yield* collect(signalflow.execute("data('cpu').publish()", { start: 0 }))
      const first = yield* acceptRequest(peer)
      first.connection.sendBinary(Buffer.concat([header(2, 5, 0, first.channel), Buffer.alloc(MAX_MESSAGE_BYTES)]))
      expect(yield* first.connection.closed).toBe(1009)
      const second = yield* acceptRequest(peer)
      second.connection.sendBinary(batch(second.channel, 2000, 1, 1))
      second.connection.send(endOfChannel(second.channel))
      yield* Fiber.join(fiber)
      expect(dataValues(messages)).toEqual([`2000:${tsIdString(id(1))}`])
    }).pipe(Effect.provide(capture.layer))
  })

  it.scopedLive("keeps at most MAX_KEPT_VALUES of one timestamp: a resume repeats those not kept, skips none", () => {
    const capture = captureLogLines()
    return Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer)
      const { fiber, messages, received } = yield* collect(signalflow.execute("data('cpu').publish()", { start: 0 }))
      // Batches of one timestamp, more than the client keeps; each batch also costs one.
      const size = 1000
      const batches = Math.ceil(MAX_KEPT_VALUES / size) + 2
      const kept = Math.floor(MAX_KEPT_VALUES / (size + 1))
      const first = yield* acceptRequest(peer)
      for (let b = 0; b < batches; b++) first.connection.sendBinary(batch(first.channel, 1000, b * size, size))
      yield* received(batches)
      first.connection.terminate()

      // The service executes again from that timestamp and sends all of its batches again.
      const second = yield* acceptRequest(peer)
      expect(second.request.start).toBe(1000)
      for (let b = 0; b < batches; b++) second.connection.sendBinary(batch(second.channel, 1000, b * size, size))
      second.connection.send(endOfChannel(second.channel))
      yield* Fiber.join(fiber)

      const all = dataValues(messages)
      const once = Array.from({ length: batches * size }, (_, n) => `1000:${tsIdString(id(n))}`)
      expect(all.slice(0, batches * size)).toEqual(once)
      // Only the values of the batches past the cap come again.
      expect(all.slice(batches * size)).toEqual(once.slice(kept * size))
      expect(capture.lines.every((line) => line.startsWith("INFO SignalFlow connection lost"))).toBe(true)
    }).pipe(Effect.provide(capture.layer))
  })

  it.scopedLive("remembers at most MAX_ANNOUNCED time series: a resume repeats the metadata of the others", () => {
    const capture = captureLogLines()
    return Effect.gen(function*() {
      const peer = yield* makePeer
      const total = MAX_ANNOUNCED + 10
      const signalflow = yield* serviceFor(peer, { bufferSize: total + 10 })
      const { fiber, messages, received } = yield* collect(signalflow.execute("data('cpu').publish()", { start: 0 }))
      const announce = (connection: PeerConnection, channel: string, from: number) => {
        for (let n = from; n < total; n++) {
          connection.send({ type: "metadata", channel, tsId: tsIdString(id(n)), properties: { n } })
        }
      }
      const first = yield* acceptRequest(peer)
      announce(first.connection, first.channel, 0)
      first.connection.sendBinary(batch(first.channel, 1000, 0, 1))
      yield* received(total + 1)
      first.connection.terminate()

      const second = yield* acceptRequest(peer)
      // The service announces them again (here only those about the cap): the ones remembered are
      // dropped, the ones past the cap come again.
      announce(second.connection, second.channel, MAX_ANNOUNCED - 10)
      second.connection.send(endOfChannel(second.channel))
      yield* Fiber.join(fiber)

      const announced = messages.flatMap((message) => (message.type === "metadata" ? [message.tsId] : []))
      expect(announced.length).toBe(total + 10)
      expect(announced.slice(total)).toEqual(
        Array.from({ length: 10 }, (_, n) => tsIdString(id(MAX_ANNOUNCED + n)))
      )
      expect(capture.lines.every((line) => line.startsWith("INFO SignalFlow connection lost"))).toBe(true)
    }).pipe(Effect.provide(capture.layer))
  }, 60_000)

  it.scopedLive("holds at most about MAX_BUFFERED_VALUES values for a slow consumer: detaches, resumes, loses nothing", () => {
    const capture = captureLogLines()
    return Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer)
      const gate = yield* Deferred.make<void>()
      const { fiber, messages } = yield* collect(
        signalflow.execute("data('cpu').publish()", { start: 0 }).pipe(Stream.tap(() => Deferred.await(gate)))
      )
      // Far fewer messages than the buffer's 1000, but more values than it holds; each batch is
      // small enough to be kept whole for the resume.
      const size = Math.floor(Math.min(MAX_KEPT_VALUES - 1, MAX_BUFFERED_VALUES) * 0.9)
      const batches = Math.ceil(MAX_BUFFERED_VALUES / size) + 3
      const sendFrom = (connection: PeerConnection, channel: string, from: number) => {
        for (let b = from; b <= batches; b++) connection.sendBinary(emptyBatch(channel, b * 1000, size))
        connection.send(endOfChannel(channel))
      }
      const { channel, connection } = yield* acceptRequest(peer)
      sendFrom(connection, channel, 1)
      expect(yield* connection.receiveType("detach").pipe(Effect.timeout("10 seconds"))).toEqual({
        type: "detach",
        channel
      })
      yield* Deferred.succeed(gate, undefined)
      // Once drained, it executes again from the last timestamp it buffered.
      const again = yield* connection.receiveType("execute")
      const start = Number(again.start)
      expect(start).toBeGreaterThan(1000)
      expect(start).toBeLessThan(batches * 1000)
      sendFrom(connection, String(again.channel), start / 1000)
      yield* Fiber.join(fiber)
      const timestamps = messages.flatMap((message) => (message.type === "data" ? [message.logicalTimestampMs] : []))
      expect(timestamps).toEqual(Array.from({ length: batches }, (_, b) => (b + 1) * 1000))
      expect(capture.lines).toEqual([])
    }).pipe(Effect.provide(capture.layer))
  })

  it.scopedLive("paces reconnections to a service that delivers one message and drops, however often", () => {
    const capture = captureLogLines()
    return Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer)
      const { fiber, messages } = yield* collect(signalflow.execute("data('cpu').publish()", { start: 0 }))
      // Each connection: one value of a new timestamp (progress), then the drop.
      const starts: Array<unknown> = []
      yield* acceptRequest(peer).pipe(
        Effect.tap(({ channel, connection, request }) => {
          starts.push(request.start)
          connection.sendBinary(batch(channel, starts.length * 1000, 1, 1))
          connection.close(1011, "going away")
        }),
        Effect.forever,
        Effect.fork
      )
      yield* Effect.sleep("3 seconds")
      const connections = peer.connectionCount()
      // A floor of 1 s between attempts: at most 4 connections in 3 s, whatever the load. Without
      // it, the client reconnected as fast as the loopback allowed (hundreds in 3 s).
      expect(connections).toBeGreaterThanOrEqual(2)
      expect(connections).toBeLessThanOrEqual(5)
      // Each attempt resumed from the last timestamp: the computation never gave up.
      expect(starts).toEqual(starts.map((_, n) => n * 1000))
      expect(fiber.unsafePoll()).toBeNull()
      expect(dataValues(messages).length).toBeGreaterThanOrEqual(2)
      expect(capture.lines.every((line) => line.startsWith("INFO SignalFlow connection lost"))).toBe(true)
    }).pipe(Effect.provide(capture.layer))
  })

  it.scopedLive("keeps a __proto__ key of metadata properties as an own property", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer)
      const { fiber, messages } = yield* collect(signalflow.execute("data('cpu').publish()"))
      const { channel, connection } = yield* acceptRequest(peer)
      // JSON.parse makes `__proto__` an own key, which JSON.stringify then writes out.
      const properties = JSON.parse(`{"__proto__": {"polluted": true}, "host": "a"}`)
      connection.send({ type: "metadata", channel, tsId: "AAAAAAAAAAE", properties })
      connection.sendBinary(jsonFrame(4, channel, { tsId: "AAAAAAAAAAI", properties }))
      connection.send(endOfChannel(channel))
      yield* Fiber.join(fiber)
      expect(messages).toHaveLength(2)
      for (const message of messages) {
        const received = message.type === "metadata" ? message.properties : {}
        expect(Object.getPrototypeOf(received)).toBe(Object.prototype)
        expect(Object.keys(received)).toEqual(["__proto__", "host"])
        expect("polluted" in received).toBe(false)
      }
    }))

  it.scopedLive("warns of malformed messages once per attempt, however many come", () => {
    const capture = captureLogLines()
    return Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer)
      const { fiber } = yield* collect(signalflow.execute("data('cpu').publish()"))
      const { channel, connection } = yield* acceptRequest(peer)
      for (let n = 0; n < 1000; n++) connection.send({ type: "metadata", channel, tsId: n })
      connection.send(endOfChannel(channel))
      yield* Fiber.join(fiber)
      expect(capture.lines).toEqual([
        "WARN skipped a malformed SignalFlow metadata message: tsId: Expected string, actual 0 (more in this attempt are logged at debug level)"
      ])
    }).pipe(Effect.provide(capture.layer))
  })

  it.scopedLive("words each warning about the service's messages on one line of bounded length", () => {
    const capture = captureLogLines()
    return Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* serviceFor(peer)
      const { fiber } = yield* collect(signalflow.execute("data('cpu').publish()"))
      const { channel, connection } = yield* acceptRequest(peer)
      const forged = `\nlevel=ERROR message="forged"\u001b[2J${"x".repeat(100_000)}`
      connection.send({ type: "metadata", channel, tsId: "AAAAAAAAAAE", properties: forged })
      connection.send({ type: "data", channel, logicalTimestampMs: 1, data: [{ tsId: "A", value: forged }] })
      connection.send({ type: `log-data${forged}`, channel })
      connection.send({ type: "control-message", channel, event: forged })
      connection.sendBinary(Buffer.concat([header(1, 4, 2, channel), Buffer.from(`{"x": ${forged}`)]))
      connection.send(endOfChannel(channel))
      yield* Fiber.join(fiber)
      expect(capture.lines).toHaveLength(5)
      for (const line of capture.lines) {
        expect(line).not.toContain("\n")
        expect(line).not.toContain("\u001b")
        expect(line.length).toBeLessThan(1_000)
      }
    }).pipe(Effect.provide(capture.layer), Logger.withMinimumLogLevel(LogLevel.Debug))
  })
})
