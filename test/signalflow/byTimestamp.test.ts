import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
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
