/**
 * A hostile SignalFlow service on loopback cannot crash the client, grow its memory without bound,
 * pollute a prototype, or write what it likes into its log.
 */
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { describe, expect } from "vitest"
import { dataFrame, header, id, jsonFrame, tsIdString } from "../../../../test/signalflow/frames.js"
import { dataBomb } from "../../../../test/signalflow/hostile.js"
import { MAX_BODY_BYTES } from "../../src/core/signalflow/binary.js"
import { MAX_MESSAGE_BYTES } from "../../src/core/signalflow/socket.js"
import * as SignalFlow from "../../src/SignalFlow.js"
import { effect } from "../support.js"
import type { Peer } from "./peer.js"
import { makePeer } from "./peer.js"
import { TOKEN, withLogs } from "./support.js"

const serviceFor = (peer: Peer) =>
  SignalFlow.make({
    token: Redacted.make(TOKEN),
    streamEndpoint: peer.url,
    reconnect: Schedule.spaced("20 millis").pipe(Schedule.upTo({ times: 20 }))
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

/** A batch of one value at `timestamp`, of the time series `n`. */
const batch = (channel: string, timestamp: number, n: number) =>
  dataFrame({ version: 2, channel, timestamp, points: [{ tsId: id(n), valueType: 2, value: n }] })

/** Runs a computation's stream into an array, in a fiber. */
const collect = (stream: Stream.Stream<SignalFlow.Message, SignalFlow.SignalFlowError>) =>
  Effect.gen(function*() {
    const messages: Array<SignalFlow.Message> = []
    const fiber = yield* stream.pipe(
      Stream.runForEach((message) => Effect.sync(() => messages.push(message))),
      Effect.forkChild
    )
    return { messages, fiber }
  })

const dataValues = (messages: ReadonlyArray<SignalFlow.Message>) =>
  messages.flatMap((message) =>
    message.type === "data" ? message.data.map((point) => `${message.logicalTimestampMs}:${point.tsId}`) : []
  )

describe("Effect 4 SignalFlow against a hostile service", () => {
  effect(
    "skips a gzip bomb (1 MB inflating to 1 GiB) with a one-line warning, and goes on",
    () =>
      withLogs((logs) =>
        Effect.gen(function*() {
          const peer = yield* makePeer()
          const signalflow = yield* serviceFor(peer)
          const { fiber, messages } = yield* collect(signalflow.execute("data('cpu').publish()"))
          const { channel, connection } = yield* acceptRequest(peer)
          const bomb = dataBomb(channel, 1000, 60_000_000, 1024)
          expect(bomb.length).toBeLessThan(1_100_000)
          connection.sendBinary(bomb)
          connection.sendBinary(batch(channel, 2000, 1))
          connection.send(endOfChannel(channel))
          yield* Fiber.join(fiber)
          expect(dataValues(messages)).toEqual([`2000:${tsIdString(id(1))}`])
          expect(logs).toEqual([
            `WARN skipped a binary SignalFlow frame of channel ${channel}: the gzip body inflates to more than ${MAX_BODY_BYTES} bytes (any more on this connection are logged at debug level)`
          ])
        })
      )
  )

  effect(
    "closes the socket (1009) on a message longer than MAX_MESSAGE_BYTES instead of buffering it, and resumes",
    () =>
      withLogs(() =>
        Effect.gen(function*() {
          const peer = yield* makePeer()
          const signalflow = yield* serviceFor(peer)
          const { fiber, messages } = yield* collect(signalflow.execute("data('cpu').publish()", { start: 0 }))
          const first = yield* acceptRequest(peer)
          first.connection.sendBinary(Buffer.concat([header(2, 5, 0, first.channel), Buffer.alloc(MAX_MESSAGE_BYTES)]))
          expect(yield* first.connection.closed).toBe(1009)
          const second = yield* acceptRequest(peer)
          second.connection.sendBinary(batch(second.channel, 2000, 1))
          second.connection.send(endOfChannel(second.channel))
          yield* Fiber.join(fiber)
          expect(dataValues(messages)).toEqual([`2000:${tsIdString(id(1))}`])
        })
      )
  )

  effect("keeps a __proto__ key of metadata properties as an own property", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer()
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

  effect(
    "warns of malformed messages once per attempt, however many come",
    () =>
      withLogs((logs) =>
        Effect.gen(function*() {
          const peer = yield* makePeer()
          const signalflow = yield* serviceFor(peer)
          const { fiber } = yield* collect(signalflow.execute("data('cpu').publish()"))
          const { channel, connection } = yield* acceptRequest(peer)
          for (let n = 0; n < 1000; n++) connection.send({ type: "metadata", channel, tsId: n })
          connection.send(endOfChannel(channel))
          yield* Fiber.join(fiber)
          expect(logs).toEqual([
            expect.stringMatching(
              /^WARN skipped a malformed SignalFlow metadata message: tsId: .+ \(more in this attempt are logged at debug level\)$/
            )
          ])
        })
      )
  )

  effect(
    "words each warning about the service's messages on one line of bounded length",
    () =>
      withLogs((logs) =>
        Effect.gen(function*() {
          const peer = yield* makePeer()
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
          expect(logs).toHaveLength(5)
          for (const line of logs) {
            expect(line).not.toContain("\n")
            expect(line).not.toContain("\u001b")
            expect(line.length).toBeLessThan(1_000)
          }
        }), { debug: true })
  )
})
