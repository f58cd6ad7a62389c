import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Metric, MetricBoundaries, Option, Redacted, TestClock } from "effect"
import measured from "measured-core"
import { Ingest, MetricsReporter } from "../../src/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { captureLogs, eventually } from "../ingest/support.js"

const ingestLayer = (server: FakeSignalFx.Server) =>
  Ingest.layer({ token: Redacted.make("t"), ingestEndpoint: server.url, flushInterval: 0 }).pipe(
    Layer.provide(FetchHttpClient.layer)
  )

/** Reports are stamped with the clock's time, which must look like milliseconds since the epoch. */
const realisticTime = TestClock.setTime(Date.now())

/** Lets the reporter's fiber reach its sleep before the test moves the TestClock. */
const untilSleeping = Effect.gen(function*() {
  while ((yield* TestClock.sleeps()).length === 0) yield* Effect.promise(() => new Promise((r) => setTimeout(r, 1)))
})

/** A unique prefix per test: Effect's metric registry is global to the process. */
let run = 0
const unique = (name: string) => `reporter_test_${++run}_${name}`

const byMetric = (server: FakeSignalFx.Server) => {
  const points = new Map<string, Array<FakeSignalFx.RecordedDatapoint>>()
  for (const point of server.datapoints()) points.set(point.metric, [...(points.get(point.metric) ?? []), point])
  return points
}

describe("MetricsReporter", () => {
  it.scopedLive("reports Effect counters, gauges, histograms, summaries and frequencies", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const names = {
        up: unique("up"),
        upDown: unique("up_down"),
        gauge: unique("gauge"),
        histogram: unique("latency"),
        summary: unique("size"),
        frequency: unique("status")
      }
      yield* Metric.incrementBy(Metric.counter(names.up, { incremental: true }).pipe(Metric.tagged("route", "/a")), 3)
      yield* Metric.incrementBy(Metric.counter(names.upDown), -2)
      yield* Metric.set(Metric.gauge(names.gauge, { bigint: true }), 2n ** 60n)
      const histogram = Metric.histogram(names.histogram, MetricBoundaries.linear({ start: 10, width: 10, count: 3 }))
      for (const value of [5, 15, 100]) yield* Metric.update(histogram, value)
      const summary = Metric.summary({
        name: names.summary,
        maxAge: "1 minute",
        maxSize: 100,
        error: 0.01,
        quantiles: [0.5, 0.99]
      })
      for (const value of [1, 2, 3]) yield* Metric.update(summary, value)
      const frequency = Metric.frequency(names.frequency)
      for (const value of ["ok", "ok", "error"]) yield* Metric.update(frequency, value)

      yield* MetricsReporter.reportEffectMetrics({
        include: (name) => Object.values(names).includes(name),
        dimensions: { app: "test" }
      }).pipe(Effect.provide(ingestLayer(server)))

      const points = byMetric(server)
      expect(points.get(names.up)).toMatchObject([{
        type: "cumulative_counter",
        value: 3,
        dimensions: { route: "/a", app: "test" }
      }])
      expect(points.get(names.upDown)).toMatchObject([{ type: "gauge", value: -2 }])
      expect(points.get(names.gauge)).toMatchObject([{ type: "gauge", value: 2n ** 60n }])
      expect(points.get(`${names.histogram}.count`)).toMatchObject([{ type: "cumulative_counter", value: 3 }])
      expect(points.get(`${names.histogram}.sum`)).toMatchObject([{ type: "cumulative_counter", value: 120 }])
      expect(points.get(`${names.histogram}.min`)).toMatchObject([{ type: "gauge", value: 5 }])
      expect(points.get(`${names.histogram}.max`)).toMatchObject([{ type: "gauge", value: 100 }])
      expect(
        points.get(`${names.histogram}.bucket`)!.map((point) => [point.dimensions.upper_bound, point.value])
      ).toEqual([["10", 1], ["20", 2], ["+Inf", 3]])
      expect(points.get(`${names.summary}.count`)).toMatchObject([{ type: "cumulative_counter", value: 3 }])
      const [p50, p99] = (yield* Metric.value(summary)).quantiles.map(([, value]) => Option.getOrThrow(value))
      expect(points.get(`${names.summary}.p50`)).toMatchObject([{ type: "gauge", value: p50 }])
      expect(points.get(`${names.summary}.p99`)).toMatchObject([{ type: "gauge", value: p99 }])
      expect(
        points.get(names.frequency)!.map((point) => [point.dimensions.value, point.value]).sort()
      ).toEqual([["error", 1], ["ok", 2]])
      // One timestamp for the whole report.
      expect(new Set(server.datapoints().map((point) => point.timestamp)).size).toBe(1)
    }))

  it.scopedLive("reports the application's metrics by default, and Effect's and its own only when included", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const mine = unique("orders")
      yield* Metric.increment(Metric.counter(mine, { incremental: true }))
      // The counter Effect's runtime updates for every fiber when runtime metrics are on.
      yield* Metric.increment(Metric.counter("effect_fiber_started", { incremental: true }))
      const isOwn = (name: string) => name.startsWith("effect_") || name.startsWith("signalfx_ingest_")
      const reported = () => new Set(server.datapoints().map((point) => point.metric))

      // Everything: the first report's own accounting is in the registry for the second.
      yield* MetricsReporter.reportEffectMetrics({ include: () => true }).pipe(
        Effect.provide(ingestLayer(server)),
        Effect.repeatN(1)
      )
      expect(reported()).toContain("effect_fiber_started")
      expect(reported()).toContain("signalfx_ingest_accepted")
      expect(reported()).toContain(mine)

      server.reset()
      yield* MetricsReporter.reportEffectMetrics().pipe(Effect.provide(ingestLayer(server)))
      expect(reported()).toContain(mine)
      expect([...reported()].filter(isOwn)).toEqual([])
      expect(MetricsReporter.applicationMetrics(mine)).toBe(true)
    }))

  it.scoped("skips a metric SignalFx would refuse, warning once, and reports the rest", () => {
    const logs = captureLogs()
    return Effect.gen(function*() {
      yield* realisticTime
      const server = yield* FakeSignalFx.make()
      const good = unique("good")
      const bad = unique("bad")
      yield* Metric.increment(Metric.counter(good))
      yield* Metric.update(Metric.counter(bad).pipe(Metric.tagged("1st", "x")), 1)
      yield* Layer.build(
        MetricsReporter.layer({ interval: "1 second", include: (name) => name === good || name === bad }).pipe(
          Layer.provide(ingestLayer(server))
        )
      )
      yield* untilSleeping
      yield* TestClock.adjust("1 second")
      yield* eventually(() => server.datapoints().length === 1)
      yield* untilSleeping
      yield* TestClock.adjust("1 second")
      yield* eventually(() => server.datapoints().length === 2)
      expect(server.datapoints().map((point) => point.metric)).toEqual([good, good])
      const warnings = logs.lines.filter((line) => line.includes(`Not reporting ${bad}`))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain("a dimension key must start with a letter")
    }).pipe(Effect.provide(logs.layer))
  })

  it.scoped("reports every interval, and once more when released", () =>
    Effect.gen(function*() {
      yield* realisticTime
      const server = yield* FakeSignalFx.make()
      const name = unique("ticks")
      const ticks = Metric.counter(name, { incremental: true })
      yield* Effect.scoped(Effect.gen(function*() {
        yield* Layer.build(
          MetricsReporter.layer({ interval: "10 seconds", include: (n) => n === name }).pipe(
            Layer.provide(ingestLayer(server))
          )
        )
        yield* Metric.increment(ticks)
        yield* untilSleeping
        yield* TestClock.adjust("10 seconds")
        yield* eventually(() => server.datapoints().length === 1)
        yield* Metric.increment(ticks)
        yield* untilSleeping
        yield* TestClock.adjust("9 seconds")
      }))
      // Released before the next tick: the final report carries the last increment.
      expect(server.datapoints().map((point) => point.value)).toEqual([1, 2])
    }))

  it.scopedLive("reports a measured-core Collection in the pyformance convention", () =>
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

  it.scopedLive("reports a plain object of measured-core metrics, and only what `include` keeps", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const registry = { jobs: new measured.Counter({ count: 2 }), skipped: new measured.Counter() }
      yield* MetricsReporter.reportMeasured(registry, { include: (name) => name !== "skipped" }).pipe(
        Effect.provide(ingestLayer(server))
      )
      expect(server.datapoints().map((point) => [point.metric, point.value])).toEqual([["jobs", 2]])
    }))
})
