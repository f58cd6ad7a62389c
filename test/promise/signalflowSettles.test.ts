/**
 * A pending step of a facade iteration holds the process open, so every step must settle: when
 * the iteration is ended by `return()` (as done), and when the client closes, even while its
 * socket is still waiting to be authenticated (rejected).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { SignalFlowClient, SignalFlowConnectionError } from "../../src/promise/index.js"
import type { Peer } from "../signalflow/peer.js"
import { makePeer } from "../signalflow/peer.js"

/** What the promise settled to within `millis`, or "pending". */
/** A facade SignalFlow client of the peer, closed with the test's scope. */
const clientOf = (peer: Peer) =>
  Effect.acquireRelease(
    Effect.sync(() => new SignalFlowClient("api-token", { streamEndpoint: peer.url, logger: false })),
    (signalflow) => Effect.promise(() => signalflow.close())
  )

const settledWithin = (promise: Promise<unknown>, millis: number): Effect.Effect<unknown> =>
  Effect.promise(() =>
    Promise.race([
      promise.then((value) => ({ resolved: value }), (error: unknown) => ({ rejected: error })),
      new Promise((resolve) => setTimeout(() => resolve("pending"), millis))
    ])
  )

describe("a facade iteration's pending step", () => {
  it.scopedLive("rejects with a SignalFlowConnectionError when the client closes before the socket is authenticated", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = new SignalFlowClient("api-token", { streamEndpoint: peer.url, logger: false })
      const messages = signalflow.execute("data('cpu').publish()")[Symbol.asyncIterator]()
      const step = messages.next()
      // Connected; the peer never answers the authentication.
      yield* peer.accept
      const started = signalflow.start("data('cpu').publish()")
      yield* Effect.promise(() => signalflow.close())
      for (const pending of [step, started]) {
        const outcome = yield* settledWithin(pending, 5_000)
        expect(outcome).toMatchObject({ rejected: { _tag: "SignalFlowConnectionError", reason: "Closed" } })
        expect(yield* Effect.promise(() => pending.catch((error: unknown) => error))).toBeInstanceOf(
          SignalFlowConnectionError
        )
      }
    }))

  it.scopedLive("settles as done when return() ends the iteration, and so does every later step", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* clientOf(peer)
      const messages = signalflow.execute("data('cpu').publish()")[Symbol.asyncIterator]()
      const step = messages.next()
      const connection = yield* peer.accept
      yield* connection.authenticate
      const { channel } = yield* connection.receiveType("execute")
      // Nothing comes on the channel: the step is pending when the loop is left.
      expect(yield* Effect.promise(() => messages.return!())).toEqual({ done: true, value: undefined })
      expect(yield* settledWithin(step, 5_000)).toEqual({ resolved: { done: true, value: undefined } })
      expect(yield* settledWithin(messages.next(), 5_000)).toEqual({ resolved: { done: true, value: undefined } })
      expect(yield* connection.receiveType("detach")).toEqual({ type: "detach", channel })
    }))
})

describe("a facade iteration that ended", () => {
  it.scopedLive("answers done to every later step, ended by the computation or failed", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* clientOf(peer)
      const ending = signalflow.execute("data('cpu').publish()")[Symbol.asyncIterator]()
      const failing = signalflow.execute("data('mem').publish()")[Symbol.asyncIterator]()
      // Both on one connection: started before either ends.
      const first = ending.next()
      const connection = yield* peer.accept
      yield* connection.authenticate
      const { channel } = yield* connection.receiveType("execute")
      const failed = failing.next()
      const other = yield* connection.receiveType("execute")
      connection.send({ type: "control-message", channel, event: "END_OF_CHANNEL", timestampMs: 1 })
      connection.send({ type: "error", channel: other.channel, errors: [{ code: "ANALYTICS_PROGRAM_NAME_ERROR" }] })
      expect(yield* settledWithin(first, 5_000)).toEqual({ resolved: { done: true, value: undefined } })
      expect(yield* settledWithin(ending.next(), 5_000)).toEqual({ resolved: { done: true, value: undefined } })
      expect(yield* settledWithin(failed, 5_000)).toMatchObject({ rejected: { _tag: "ComputationFailedError" } })
      expect(yield* settledWithin(failing.next(), 5_000)).toEqual({ resolved: { done: true, value: undefined } })
    }))
})

describe("steps asked together", () => {
  it.scopedLive("are answered in turn, none left pending", () =>
    Effect.gen(function*() {
      const peer = yield* makePeer
      const signalflow = yield* clientOf(peer)
      const messages = signalflow.execute("data('cpu').publish()")[Symbol.asyncIterator]()
      const steps = [messages.next(), messages.next(), messages.next()]
      const connection = yield* peer.accept
      yield* connection.authenticate
      const { channel } = yield* connection.receiveType("execute")
      connection.send({ type: "control-message", channel, event: "STREAM_START", timestampMs: 1 })
      connection.send({ type: "control-message", channel, event: "JOB_START", handle: "H", timestampMs: 1 })
      connection.send({ type: "control-message", channel, event: "END_OF_CHANNEL", timestampMs: 2 })
      const settled = yield* Effect.forEach(steps, (step) => settledWithin(step, 5_000))
      expect(settled).toMatchObject([
        { resolved: { done: false, value: { event: "STREAM_START" } } },
        { resolved: { done: false, value: { event: "JOB_START" } } },
        { resolved: { done: true } }
      ])
    }))
})
