// measured-core ships no types: the Effect 3 tests' declaration of them is the one both packages use.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../../../../test/reporter/measured-core.d.ts" />
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import measured from "measured-core"
import { describe, expect } from "vitest"
import * as Ingest from "../../src/Ingest.js"
import * as MetricsReporter from "../../src/MetricsReporter.js"
import * as FakeSignalFx from "../../src/testing/FakeSignalFx.js"
import { eventually, withLogs } from "../ingest/support.js"
import { effect } from "../support.js"

const ingestLayer = (server: FakeSignalFx.Server) =>
  Ingest.layer({ token: Redacted.make("t"), ingestEndpoint: server.url, flushInterval: 0 }).pipe(
    Layer.provide(FetchHttpClient.layer)
  )

/** A test with a metric registry of its own: Effect's default one is shared by the whole process. */
const isolated = (name: string, body: () => Effect.Effect<unknown, unknown, Scope.Scope>) =>
  effect(name, () => Effect.provideService(body(), Metric.MetricRegistry, new Map()))

const byMetric = (server: FakeSignalFx.Server) => {
  const points = new Map<string, Array<FakeSignalFx.RecordedDatapoint>>()
  for (const point of server.datapoints()) points.set(point.metric, [...(points.get(point.metric) ?? []), point])
  return points
}

describe("MetricsReporter (Effect 4)", () => {
  isolated("reports Effect counters, gauges, histograms, summaries and frequencies", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      yield* Metric.update(Metric.counter("up", { incremental: true }).pipe(Metric.withAttributes({ route: "/a" })), 3)
      yield* Metric.update(Metric.counter("up_down"), -2)
      yield* Metric.update(Metric.gauge("gauge", { bigint: true }), 2n ** 60n)
      const histogram = Metric.histogram("latency", {
        boundaries: Metric.linearBoundaries({ start: 10, width: 10, count: 3 })
      })
      for (const value of [5, 15, 100]) yield* Metric.update(histogram, value)
      const summary = Metric.summary("size", { maxAge: "1 minute", maxSize: 100, quantiles: [0.5, 0.99] })
      for (const value of [1, 2, 3]) yield* Metric.update(summary, value)
      const frequency = Metric.frequency("status")
      for (const value of ["ok", "ok", "error"]) yield* Metric.update(frequency, value)

      yield* MetricsReporter.reportEffectMetrics({ dimensions: { app: "test" } }).pipe(
        Effect.provide(ingestLayer(server))
      )

      const points = byMetric(server)
      expect(points.get("up")).toMatchObject([{
        type: "cumulative_counter",
        value: 3,
        dimensions: { route: "/a", app: "test" }
      }])
      expect(points.get("up_down")).toMatchObject([{ type: "gauge", value: -2 }])
      expect(points.get("gauge")).toMatchObject([{ type: "gauge", value: 2n ** 60n }])
      expect(points.get("latency.count")).toMatchObject([{ type: "cumulative_counter", value: 3 }])
      expect(points.get("latency.sum")).toMatchObject([{ type: "cumulative_counter", value: 120 }])
      expect(points.get("latency.min")).toMatchObject([{ type: "gauge", value: 5 }])
      expect(points.get("latency.max")).toMatchObject([{ type: "gauge", value: 100 }])
      expect(points.get("latency.bucket")!.map((point) => [point.dimensions.upper_bound, point.value])).toEqual([
        ["10", 1],
        ["20", 2],
        ["+Inf", 3]
      ])
      expect(points.get("size.count")).toMatchObject([{ type: "cumulative_counter", value: 3 }])
      const [p50, p99] = (yield* Metric.value(summary)).quantiles.map(([, value]) => value)
      expect(points.get("size.p50")).toMatchObject([{ type: "gauge", value: p50 }])
      expect(points.get("size.p99")).toMatchObject([{ type: "gauge", value: p99 }])
      expect(points.get("status")!.map((point) => [point.dimensions.value, point.value]).sort()).toEqual([
        ["error", 1],
        ["ok", 2]
      ])
      // One timestamp for the whole report.
      expect(new Set(server.datapoints().map((point) => point.timestamp)).size).toBe(1)
    }))

  isolated(
    "reports the application's metrics by default, and Effect's and its own only when included",
    () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        yield* Metric.update(Metric.counter("orders", { incremental: true }), 1)
        // The counter Effect's runtime updates for every child fiber when runtime metrics are on.
        yield* Metric.update(Metric.counter("child_fibers_started", { incremental: true }), 1)
        const isOwn = (name: string) => name.startsWith("child_fiber") || name.startsWith("signalfx_ingest_")
        const reported = () => new Set(server.datapoints().map((point) => point.metric))

        // Everything: the first report's own accounting is in the registry for the second.
        yield* MetricsReporter.reportEffectMetrics({ include: () => true }).pipe(
          Effect.provide(ingestLayer(server)),
          Effect.repeat({ times: 1 })
        )
        expect(reported()).toContain("child_fibers_started")
        expect(reported()).toContain("signalfx_ingest_accepted")
        expect(reported()).toContain("orders")

        server.reset()
        yield* MetricsReporter.reportEffectMetrics().pipe(Effect.provide(ingestLayer(server)))
        expect(reported()).toContain("orders")
        expect([...reported()].filter(isOwn)).toEqual([])
        expect(MetricsReporter.applicationMetrics("orders")).toBe(true)
      })
  )

  isolated(
    "skips a metric SignalFx would refuse, warning once, and reports the rest",
    () =>
      withLogs((lines) =>
        Effect.gen(function*() {
          const server = yield* FakeSignalFx.make()
          yield* Metric.update(Metric.counter("good"), 1)
          yield* Metric.update(Metric.counter("bad").pipe(Metric.withAttributes({ "1st": "x" })), 1)
          yield* Layer.build(
            MetricsReporter.layer({ interval: "20 millis", include: (name) => name === "good" || name === "bad" }).pipe(
              Layer.provide(ingestLayer(server))
            )
          )
          yield* eventually(() => server.datapoints().length >= 2)
          expect(new Set(server.datapoints().map((point) => point.metric))).toEqual(new Set(["good"]))
          const warnings = lines.filter((line) => line.includes("Not reporting bad"))
          expect(warnings).toHaveLength(1)
          expect(warnings[0]).toContain("a dimension key must start with a letter")
        })
      )
  )

  isolated("reports every interval, and once more when released", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const ticks = Metric.counter("ticks", { incremental: true })
      yield* Effect.scoped(Effect.gen(function*() {
        yield* Layer.build(
          MetricsReporter.layer({ interval: "20 millis", include: (name) => name === "ticks" }).pipe(
            Layer.provide(ingestLayer(server))
          )
        )
        yield* Metric.update(ticks, 1)
        yield* eventually(() => server.datapoints().length >= 1)
        yield* Metric.update(ticks, 1)
      }))
      // Released before (or whenever) the next tick came: the final report carries the last update.
      const values = server.datapoints().map((point) => point.value)
      expect(values[0]).toBe(1)
      expect(values.at(-1)).toBe(2)
    }))

  isolated("a registry whose reading throws costs that report only", () =>
    withLogs((lines) =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        let broken = true
        const registry = {
          flaky: {
            getType: () => "Gauge",
            toJSON: () => {
              if (broken) throw new Error("gauge callback failed")
              return 1
            }
          }
        }
        yield* MetricsReporter.reportMeasured(registry).pipe(Effect.provide(ingestLayer(server)))
        expect(server.datapoints()).toEqual([])
        expect(lines).toContainEqual(expect.stringContaining("reading the registry threw"))
        broken = false
        yield* MetricsReporter.reportMeasured(registry).pipe(Effect.provide(ingestLayer(server)))
        expect(server.datapoints().map((point) => point.metric)).toEqual(["flaky"])
      })
    ))

  effect("reports a measured-core Collection in the pyformance convention", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const collection = new measured.Collection("api")
      collection.counter("requests").inc(5)
      collection.gauge("queue", () => 7)
      const histogram = collection.histogram("latency")
      for (const value of [10, 20, 30]) histogram.update(value)
      const meter = collection.meter("hits")
      meter.mark(4)
      const timer = collection.timer("handler")
      timer.update(12)
      yield* MetricsReporter.reportMeasured(collection, { prefix: "svc." }).pipe(Effect.provide(ingestLayer(server)))
      meter.unref()
      timer.unref()

      const points = byMetric(server)
      expect(points.get("svc.api.requests")).toMatchObject([{ type: "cumulative_counter", value: 5 }])
      expect(points.get("svc.api.queue")).toMatchObject([{ type: "gauge", value: 7 }])
      expect(points.get("svc.api.latency.count")).toMatchObject([{ type: "cumulative_counter", value: 3 }])
      expect(points.get("svc.api.latency.max")).toMatchObject([{ type: "gauge", value: 30 }])
      expect(points.get("svc.api.latency.median")).toMatchObject([{ type: "gauge", value: 20 }])
      expect(points.get("svc.api.hits.count")).toMatchObject([{ type: "cumulative_counter", value: 4 }])
      expect(points.get("svc.api.hits.1MinuteRate")?.[0]?.type).toBe("gauge")
      expect(points.get("svc.api.handler.count")).toMatchObject([{ type: "cumulative_counter", value: 1 }])
      expect(points.get("svc.api.handler.p99")).toMatchObject([{ type: "gauge", value: 12 }])
      expect(points.has("svc.api.handler.mean")).toBe(true)
    }))

  effect(
    "reports a plain object of measured-core metrics, and only what `include` keeps",
    () =>
      Effect.gen(function*() {
        const server = yield* FakeSignalFx.make()
        const registry = { jobs: new measured.Counter({ count: 2 }), skipped: new measured.Counter() }
        yield* MetricsReporter.reportMeasured(registry, { include: (name) => name !== "skipped" }).pipe(
          Effect.provide(ingestLayer(server))
        )
        expect(server.datapoints().map((point) => [point.metric, point.value])).toEqual([["jobs", 2]])
      })
  )
})
