/**
 * The pace of a computation's attempts after drops, on the test clock: a transport whose every
 * attempt delivers one value and then drops, after staying up as long as the test says.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schedule, Stream, TestClock } from "effect"
import { RECONNECT_FLOOR, STABLE_ATTEMPT, stream } from "../../src/internal/signalflow/computation.js"
import type { Transport } from "../../src/internal/signalflow/transport.js"
import { dropped } from "../../src/internal/signalflow/transport.js"

/** A transport whose attempt `n` (from 1) delivers one value at `n` seconds, stays up `upFor(n)`, then drops. */
const droppingTransport = (upFor: (attempt: number) => Duration.DurationInput) => {
  let attempts = 0
  const transport: Transport = {
    attempt: (_, sink) =>
      Effect.gen(function*() {
        const attempt = ++attempts
        sink({ _tag: "Data", message: { type: "data", logicalTimestampMs: attempt * 1000, data: [] } })
        yield* Effect.sleep(upFor(attempt))
        return dropped
      }),
    command: () => Effect.void
  }
  return { transport, attempts: () => attempts }
}

const settings = {
  bufferSize: 100,
  endpoint: "ws://127.0.0.1:1/v2/signalflow/connect",
  reconnect: Schedule.recurs(2)
}

/** Lets every fiber that the clock woke run until it waits again. */
const settle = Effect.repeatN(Effect.yieldNow(), 20)

describe("reconnect pacing", () => {
  it.scoped("waits the floor after a drop that made progress, however often progress comes", () =>
    Effect.gen(function*() {
      const { attempts, transport } = droppingTransport(() => 0)
      const fiber = yield* stream(transport, { request: { type: "execute" }, resumable: true }, settings).pipe(
        Stream.runDrain,
        Effect.fork
      )
      yield* settle
      expect(attempts()).toBe(1)
      for (let expected = 2; expected <= 10; expected++) {
        yield* TestClock.adjust(Duration.subtract(RECONNECT_FLOOR, Duration.millis(1)))
        yield* settle
        expect(attempts()).toBe(expected - 1)
        yield* TestClock.adjust(Duration.millis(1))
        yield* settle
        expect(attempts()).toBe(expected)
      }
      // Progress each time: the reconnect schedule (two retries) never gave up.
      expect(fiber.unsafePoll()).toBeNull()
    }))

  it.scoped("reconnects at once after an attempt that stayed up STABLE_ATTEMPT, then paces again", () =>
    Effect.gen(function*() {
      const { attempts, transport } = droppingTransport((attempt) => attempt === 1 ? STABLE_ATTEMPT : 0)
      yield* stream(transport, { request: { type: "execute" }, resumable: true }, settings).pipe(
        Stream.runDrain,
        Effect.fork
      )
      yield* settle
      expect(attempts()).toBe(1)
      yield* TestClock.adjust(STABLE_ATTEMPT)
      yield* settle
      // The first attempt was sound: the second came at once; it dropped at once, so the third waits.
      expect(attempts()).toBe(2)
      yield* TestClock.adjust(RECONNECT_FLOOR)
      yield* settle
      expect(attempts()).toBe(3)
    }))
})
