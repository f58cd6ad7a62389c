/**
 * Reporting Effect's own metrics: the application updates counters and histograms as it works,
 * and MetricsReporter sends the registry every interval, then once more when it stops.
 *
 *   npx tsx examples/metrics_reporter.ts                          # a local server, in-process
 *   SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 npx tsx examples/metrics_reporter.ts
 */
import { FetchHttpClient } from "@effect/platform"
import { Config, Console, Effect, Layer, Metric, MetricBoundaries, Option, Random, Redacted } from "effect"
import { Ingest, MetricsReporter } from "effect-signalfx"
import { FakeSignalFx } from "effect-signalfx/testing"

const jobs = Metric.counter("example.jobs", { incremental: true })
const latency = Metric.histogram(
  "example.job.latency",
  MetricBoundaries.exponential({ start: 1, factor: 2, count: 8 })
)

/** The application: a few jobs, each counted and timed. */
const work = Effect.gen(function*() {
  for (let i = 0; i < 20; i++) {
    const queue = i % 3 === 0 ? "emails" : "reports"
    yield* Metric.update(jobs.pipe(Metric.tagged("queue", queue)), 1)
    yield* Metric.update(latency, yield* Random.nextIntBetween(1, 100))
    yield* Effect.sleep("50 millis")
  }
})

// The application's metrics only: Effect's runtime metrics and the Ingest service's own
// accounting are left out unless `include` asks for them.
const reporter = MetricsReporter.layer({ interval: "500 millis" })

// With a token: SPLUNK_ACCESS_TOKEN, SPLUNK_REALM or SPLUNK_INGEST_URL from the environment.
const toYourOrganization = work.pipe(
  Effect.provide(reporter.pipe(Layer.provide(Ingest.layerConfig().pipe(Layer.provide(FetchHttpClient.layer)))))
)

// Without: a local SignalFx-compatible server, then what it received.
const toALocalServer = Effect.gen(function*() {
  const server = yield* FakeSignalFx.FakeSignalFx
  yield* Console.log(`No SPLUNK_ACCESS_TOKEN: reporting to a local server at ${server.url}`)
  const IngestLocal = Ingest.layer({ token: Redacted.make("local-token"), ingestEndpoint: server.url }).pipe(
    Layer.provide(FetchHttpClient.layer)
  )
  // Released when `work` ends: the reporter sends its last report, then the Ingest service stops.
  yield* Effect.provide(work, reporter.pipe(Layer.provide(IngestLocal)))
  const last = new Map<string, FakeSignalFx.RecordedDatapoint>()
  for (const point of server.datapoints()) last.set(`${point.metric} ${JSON.stringify(point.dimensions)}`, point)
  yield* Console.log(`The local server received ${server.datapoints().length} datapoints; the latest of each series:`)
  for (const point of last.values()) {
    yield* Console.log(`  ${point.type.padEnd(18)} ${point.metric} ${point.value} ${JSON.stringify(point.dimensions)}`)
  }
}).pipe(Effect.provide(FakeSignalFx.layer()))

const main = Effect.flatMap(
  Config.option(Config.redacted("SPLUNK_ACCESS_TOKEN")),
  (token) => Option.isSome(token) ? toYourOrganization : toALocalServer
)

Effect.runPromise(main).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
