/**
 * End to end: our SignalFlow client (Effect and Promise) against the local server's SignalFlow
 * emulation (`effect-signalfx/testing`), over loopback.
 */
import { FetchHttpClient } from "@effect/platform"
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Redacted, Schedule, Stream } from "effect"
import { SignalFlow } from "../../src/index.js"
import { SignalFx } from "../../src/promise/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { captureLogsScoped } from "../logCapture.js"

const TOKEN = "api-token"
let server: FakeSignalFx.Server

beforeEach(async () => {
  server = await FakeSignalFx.start({ tokens: [TOKEN] })
})
afterEach(() => server.close())

const sendGauges = (
  gauges: ReadonlyArray<{ metric: string; value: number; dimensions?: object; timestamp?: number }>
) =>
  Effect.promise(async () => {
    const response = await fetch(`${server.url}/v2/datapoint`, {
      method: "POST",
      headers: { "X-SF-Token": TOKEN, "Content-Type": "application/json" },
      body: JSON.stringify({ gauge: gauges })
    })
    expect(response.status).toBe(200)
  })

/** A whole second a minute ago: its windows are complete. */
const pastSecond = () => Math.floor(Date.now() / 1000) * 1000 - 60_000

const options = (extra: Partial<SignalFlow.Options> = {}): SignalFlow.Options => ({
  token: Redacted.make(TOKEN),
  streamEndpoint: server.url,
  reconnect: Schedule.spaced("50 millis").pipe(Schedule.intersect(Schedule.recurs(40))),
  ...extra
})

/** Per timestamp, each series' value by its `host`. */
const byHost = (snapshots: Iterable<SignalFlow.Snapshot>) =>
  [...snapshots].map((snapshot) => [
    snapshot.logicalTimestampMs,
    Object.fromEntries(snapshot.values.map((v) => [String(v.metadata?.host), v.value]))
  ])

describe("SignalFlow against the local server", () => {
  it.scopedLive("executes a program over what was ingested: each timestamp's values with their metadata", () =>
    Effect.gen(function*() {
      const t0 = pastSecond()
      yield* sendGauges([
        { metric: "cpu", value: 1.5, dimensions: { host: "a" }, timestamp: t0 + 100 },
        { metric: "cpu", value: 2.5, dimensions: { host: "b" }, timestamp: t0 + 200 },
        { metric: "cpu", value: 3.5, dimensions: { host: "a" }, timestamp: t0 + 1100 }
      ])
      const signalflow = yield* SignalFlow.make(options())
      const messages = Chunk.toArray(
        yield* signalflow.execute("data('cpu').publish()", { start: t0, stop: t0 + 2000, resolution: 1000 }).pipe(
          Stream.runCollect
        )
      )
      expect(messages.some((m) => m.type === "control-message" && m.event === "JOB_START")).toBe(true)
      const snapshots = yield* Stream.fromIterable(messages).pipe(SignalFlow.byTimestamp, Stream.runCollect)
      expect(byHost(snapshots)).toEqual([[t0, { a: 1.5, b: 2.5 }], [t0 + 1000, { a: 3.5 }]])

      const summed = yield* signalflow.execute("data('cpu').sum().publish()", { start: t0, stop: t0 + 2000 }).pipe(
        SignalFlow.byTimestamp,
        Stream.runCollect
      )
      expect([...summed].map((s) => [s.logicalTimestampMs, s.values.map((v) => v.value)])).toEqual([
        [t0, [4]],
        [t0 + 1000, [3.5]]
      ])
    }))

  it.scopedLive("fails with the service's error for a program outside the subset, and for a refused token", () =>
    Effect.gen(function*() {
      const signalflow = yield* SignalFlow.make(options())
      const failed = yield* signalflow.execute("dta('cpu').publish()").pipe(Stream.runCollect, Effect.flip)
      expect(failed._tag).toBe("ComputationFailedError")
      const refused = yield* SignalFlow.make(options({ token: Redacted.make("wrong") }))
      const error = yield* refused.execute("data('cpu').publish()").pipe(Stream.runCollect, Effect.flip)
      expect(error._tag).toBe("SignalFlowAuthenticationError")
    }))

  it.scopedLive("resumes a live computation after the server drops every connection: no timestamp twice, none skipped", () =>
    Effect.gen(function*() {
      const logs = yield* captureLogsScoped
      const signalflow = yield* SignalFlow.make(options())
      const resolution = 200
      const start = Math.floor(Date.now() / resolution) * resolution
      let dropped = false
      const timestamps = yield* signalflow.execute("data('temperature').publish()", {
        start,
        stop: start + 3000,
        resolution,
        maxDelay: 0
      }).pipe(
        Stream.filter((message) => message.type === "data"),
        Stream.map((message) => message.type === "data" ? message.logicalTimestampMs : 0),
        Stream.tap((timestamp) =>
          Effect.sync(() => {
            // A few timestamps in, every connection is dropped without a close handshake.
            if (!dropped && timestamp >= start + 3 * resolution) {
              dropped = true
              expect(server.disconnectSignalFlow()).toBe(1)
            }
          })
        ),
        Stream.runCollect,
        Effect.map(Chunk.toArray)
      )
      expect(dropped).toBe(true)
      const expected = Array.from({ length: 3000 / resolution }, (_, i) => start + i * resolution)
      expect(timestamps).toEqual(expected)
      expect(logs).toEqual([expect.stringMatching(/^INFO SignalFlow connection lost/)])
    }))

  it.scopedLive("streams the same values over server-sent events", () =>
    Effect.gen(function*() {
      const t0 = pastSecond()
      yield* sendGauges([
        { metric: "cpu", value: 1.5, dimensions: { host: "a" }, timestamp: t0 + 100 },
        { metric: "cpu", value: 3.5, dimensions: { host: "a" }, timestamp: t0 + 1100 }
      ])
      const signalflow = yield* SignalFlow.makeSse(options()).pipe(Effect.provide(FetchHttpClient.layer))
      const snapshots = yield* signalflow.execute("data('cpu').publish()", { start: t0, stop: t0 + 2000 }).pipe(
        SignalFlow.byTimestamp,
        Stream.runCollect
      )
      expect(byHost(snapshots)).toEqual([[t0, { a: 1.5 }], [t0 + 1000, { a: 3.5 }]])
    }))

  it.live("the Promise facade reads back what it sent", () =>
    Effect.promise(async () => {
      const sfx = new SignalFx(TOKEN, { ingestEndpoint: server.url, signalflow: { streamEndpoint: server.url } })
      try {
        const t0 = pastSecond()
        await sfx.send({
          gauges: [
            { metric: "queue.depth", value: 12, dimensions: { host: "a" }, timestamp: t0 + 10 },
            { metric: "queue.depth", value: 7, dimensions: { host: "b" }, timestamp: t0 + 10 }
          ]
        })
        await sfx.flush()
        const snapshots = []
        for await (
          const snapshot of sfx.signalflow.values("data('queue.depth').publish()", { start: t0, stop: t0 + 1000 })
        ) {
          snapshots.push(snapshot)
        }
        expect(byHost(snapshots)).toEqual([[t0, { a: 12, b: 7 }]])
      } finally {
        await sfx.stop()
      }
    }))
})
