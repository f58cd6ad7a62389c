/**
 * Reports a metrics registry to SignalFx periodically, through the {@link Ingest} service:
 * Effect's own `Metric` registry, or a `measured-core` registry (the Node.js port of the
 * Codahale / pyformance metrics the official clients' reporters worked with).
 *
 * A reporter is a layer that needs `Ingest`: it reports every `interval` and once more when it
 * is released, before the Ingest service stops, so a short-lived program's last figures arrive.
 * Effect's registry is read from the reporter's context (`Metric.MetricRegistry`): the process's
 * default one, or the one provided to the reporter.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Metric, Redacted } from "effect"
 * import { FetchHttpClient } from "effect/http"
 * import { Ingest, MetricsReporter } from "@effect-signalfx/effect4"
 *
 * const requests = Metric.counter("http.requests", { incremental: true })
 *
 * const IngestLive = Ingest.layer({ token: Redacted.make("MY_TOKEN") }).pipe(Layer.provide(FetchHttpClient.layer))
 * const ReporterLive = MetricsReporter.layer({ interval: "10 seconds" }).pipe(Layer.provide(IngestLive))
 *
 * const program = Metric.update(requests.pipe(Metric.withAttributes({ route: "/home" })), 1)
 * Effect.runPromise(program.pipe(Effect.provide(ReporterLive)))
 * ```
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import { addEffectMetrics, applicationMetricsExcept } from "./core/reporter/effectMetrics.js"
import type { MeasuredRegistry } from "./core/reporter/measured.js"
import { addMeasuredRegistry } from "./core/reporter/measured.js"
import type { ReportOptions } from "./core/reporter/report.js"
import type * as Ingest from "./Ingest.js"
import type { Collect } from "./internal/reporter/reporter.js"
import * as reporter from "./internal/reporter/reporter.js"

export type { MeasuredCollection, MeasuredMetric, MeasuredRegistry } from "./core/reporter/measured.js"

/**
 * @since 0.2.0
 * @category models
 */
export interface Options extends ReportOptions {
  /** How often to report; default 10 seconds. A number is milliseconds. */
  readonly interval?: Duration.Input | undefined
}

/**
 * The default `include` of Effect's registry: `false` for the metrics Effect's runtime records
 * about itself when runtime metrics are on (`child_fibers_started`, `child_fibers_active`,
 * `child_fiber_successes`, `child_fiber_failures`) and for this library's own delivery
 * accounting (`signalfx_ingest_…`, see `Ingest.metrics`), `true` for everything else. Combine
 * it to add to or narrow the default.
 *
 * @example
 * ```ts
 * import { MetricsReporter } from "@effect-signalfx/effect4"
 *
 * // The application's metrics and the fiber counts, without this library's own accounting.
 * const ReporterLive = MetricsReporter.layer({
 *   include: (name) => MetricsReporter.applicationMetrics(name) || name.startsWith("child_fiber")
 * })
 * ```
 *
 * @since 0.2.0
 * @category filters
 */
export const applicationMetrics: (name: string) => boolean = applicationMetricsExcept("child_fiber")

const effectRegistry = (options: Options): Collect => (builder, context) =>
  addEffectMetrics(builder, Metric.snapshotUnsafe(context), options.include ?? applicationMetrics)

const measuredRegistry = (registry: MeasuredRegistry, options: Options): Collect => (builder) =>
  addMeasuredRegistry(builder, registry, options.include ?? (() => true))

/**
 * Converts Effect's metric registry once and sends it (the application's metrics, unless
 * `include` says otherwise: see {@link applicationMetrics}): counters that only go up become
 * cumulative counters (others gauges), gauges gauges, histograms and summaries their count, sum,
 * min, max and buckets or quantiles, frequencies a cumulative counter per value; attributes
 * become dimensions. Metrics SignalFx would refuse (an invalid attribute key, say) are skipped
 * with one warning each.
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { MetricsReporter } from "@effect-signalfx/effect4"
 *
 * const program = Effect.gen(function*() {
 *   yield* Metric.update(Metric.counter("jobs.done", { incremental: true }), 1)
 *   yield* MetricsReporter.reportEffectMetrics({ prefix: "worker." })
 * })
 * ```
 *
 * @since 0.2.0
 * @category reporting
 */
export const reportEffectMetrics = (options: Options = {}): Effect.Effect<void, never, Ingest.Ingest> =>
  reporter.reportOnce(effectRegistry(options), options)

/**
 * Converts a measured-core registry once and sends it, in the pyformance convention: counters as
 * cumulative counters, gauges as gauges, and for histograms, meters and timers a `.count`
 * cumulative counter and their statistics as gauges (`.p99`, `.1MinuteRate`, …).
 *
 * @example
 * ```ts
 * import { MetricsReporter } from "@effect-signalfx/effect4"
 * import { Collection } from "measured-core"
 *
 * const collection = new Collection("api")
 * collection.counter("requests").inc()
 *
 * const report = MetricsReporter.reportMeasured(collection)
 * ```
 *
 * @since 0.2.0
 * @category reporting
 */
export const reportMeasured = (
  registry: MeasuredRegistry,
  options: Options = {}
): Effect.Effect<void, never, Ingest.Ingest> => reporter.reportOnce(measuredRegistry(registry, options), options)

/**
 * Reports Effect's metric registry every `interval` while the layer lives, and once more when it
 * is released: the application's metrics, unless `include` says otherwise (see
 * {@link applicationMetrics}).
 *
 * @example
 * ```ts
 * import { Layer, Redacted } from "effect"
 * import { FetchHttpClient } from "effect/http"
 * import { Ingest, MetricsReporter } from "@effect-signalfx/effect4"
 *
 * const ReporterLive = MetricsReporter.layer({ interval: "30 seconds", dimensions: { service: "api" } }).pipe(
 *   Layer.provide(Ingest.layerConfig()),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<never, never, Ingest.Ingest> =>
  reporter.layer(effectRegistry(options), options)

/**
 * Reports a measured-core registry every `interval` while the layer lives, and once more when it
 * is released.
 *
 * @example
 * ```ts
 * import { Layer, Redacted } from "effect"
 * import { FetchHttpClient } from "effect/http"
 * import { Ingest, MetricsReporter } from "@effect-signalfx/effect4"
 * import { Collection } from "measured-core"
 *
 * const collection = new Collection("api")
 * collection.counter("requests").inc()
 *
 * const ReporterLive = MetricsReporter.layerMeasured(collection, { interval: 5_000 }).pipe(
 *   Layer.provide(Ingest.layer({ token: Redacted.make("MY_TOKEN") })),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMeasured = (
  registry: MeasuredRegistry,
  options: Options = {}
): Layer.Layer<never, never, Ingest.Ingest> => reporter.layer(measuredRegistry(registry, options), options)
