import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { MAX_KNOWN_SERIES, MAX_SNAPSHOT_VALUES } from "../../src/core/signalflow/snapshots.js"
import { SignalFlow } from "../../src/index.js"

const data = (logicalTimestampMs: number, ...points: Array<[string, number | null]>): SignalFlow.Message => ({
  type: "data",
  logicalTimestampMs,
  data: points.map(([tsId, value]) => ({ tsId, value }))
})

const metadata = (tsId: string, host: string): SignalFlow.Message => ({
  type: "metadata",
  tsId,
  properties: { sf_metric: "cpu", host }
})

const gather = (messages: Array<SignalFlow.Message>) =>
  Stream.fromIterable(messages).pipe(SignalFlow.byTimestamp, Stream.runCollect, Effect.map(Chunk.toArray))

describe("byTimestamp", () => {
  it.effect("gives each timestamp's values with their metadata, batches of a timestamp together", () =>
    Effect.gen(function*() {
      const snapshots = yield* gather([
        { type: "control-message", event: "JOB_START", handle: "H" },
        metadata("A", "a"),
        metadata("B", "b"),
        data(1000, ["A", 1]),
        data(1000, ["B", 2]),
        data(2000, ["A", 3], ["B", null]),
        { type: "expired-tsid", tsId: "B" },
        data(3000, ["A", 4])
      ])
      expect(snapshots).toEqual([
        {
          logicalTimestampMs: 1000,
          values: [
            { tsId: "A", value: 1, metadata: { sf_metric: "cpu", host: "a" } },
            { tsId: "B", value: 2, metadata: { sf_metric: "cpu", host: "b" } }
          ]
        },
        {
          logicalTimestampMs: 2000,
          values: [
            { tsId: "A", value: 3, metadata: { sf_metric: "cpu", host: "a" } },
            { tsId: "B", value: null, metadata: { sf_metric: "cpu", host: "b" } }
          ]
        },
        { logicalTimestampMs: 3000, values: [{ tsId: "A", value: 4, metadata: { sf_metric: "cpu", host: "a" } }] }
      ])
    }))

  it.effect("does not hold a live timestamp back once it knows how many batches a timestamp has", () =>
    Effect.gen(function*() {
      // Two batches per timestamp: from the second timestamp on, a snapshot is given as soon as
      // its second batch comes, before the next timestamp begins.
      const given = yield* Stream.fromIterable([
        data(1000, ["A", 1]),
        data(1000, ["B", 1]),
        data(2000, ["A", 2]),
        data(2000, ["B", 2])
      ]).pipe(
        Stream.concat(Stream.never),
        SignalFlow.byTimestamp,
        Stream.take(2),
        Stream.runCollect,
        Effect.map(Chunk.toArray)
      )
      expect(given.map((s) => [s.logicalTimestampMs, s.values.length])).toEqual([[1000, 2], [2000, 2]])
    }))
})

describe("byTimestamp against a stream without end", () => {
  it.effect("gives a timestamp that never ends out in parts of at most MAX_SNAPSHOT_VALUES, losing none", () =>
    Effect.gen(function*() {
      const batch = data(1000, ...Array.from({ length: 1000 }, (_, i): [string, number] => [`T${i}`, i]))
      const batches = MAX_SNAPSHOT_VALUES / 1000 + 500
      const sizes = yield* Stream.range(1, batches).pipe(
        Stream.as(batch),
        SignalFlow.byTimestamp,
        Stream.map((snapshot) => snapshot.values.length),
        Stream.runCollect,
        Effect.map(Chunk.toArray)
      )
      expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_SNAPSHOT_VALUES)
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(batches * 1000)
    }))

  it.effect("keeps the metadata of at most MAX_KNOWN_SERIES time series, forgetting the oldest", () =>
    Effect.gen(function*() {
      const announced = MAX_KNOWN_SERIES + 10
      const [snapshot] = yield* gather([
        ...Array.from({ length: announced }, (_, i) => metadata(`T${i}`, `h${i}`)),
        data(1000, ["T0", 1], [`T${announced - 1}`, 2])
      ])
      expect(snapshot?.values).toEqual([
        { tsId: "T0", value: 1, metadata: undefined },
        { tsId: `T${announced - 1}`, value: 2, metadata: { sf_metric: "cpu", host: `h${announced - 1}` } }
      ])
    }))
})
