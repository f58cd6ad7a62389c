/**
 * The Ingest service: sends datapoints and events to SignalFx in the background, batched,
 * compressed, retried, bounded, and never losing data silently.
 *
 * `send` validates and enqueues; it never waits on the network. A consumer fiber batches what is
 * queued and posts it to `/v2/datapoint` and `/v2/event`, retrying what can be retried with a
 * jittered exponential backoff. Every datapoint and event accepted ends either delivered or
 * counted as dropped with its reason in {@link Stats}. When the layer's scope closes, everything
 * queued is sent, within `shutdownTimeout`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Redacted } from "effect"
 * import { Ingest } from "effect-signalfx"
 *
 * const program = Effect.gen(function*() {
 *   const ingest = yield* Ingest.Ingest
 *   yield* ingest.send({
 *     gauges: [{ metric: "cpu.utilization", value: 42.5, dimensions: { host: "server1" } }],
 *     cumulativeCounters: [{ metric: "requests.total", value: 1234 }]
 *   })
 *   yield* ingest.sendEvent({ eventType: "deployment", properties: { version: "1.2.3" } })
 * })
 *
 * program.pipe(
 *   Effect.provide(Ingest.layer({ token: Redacted.make("MY_TOKEN"), realm: "us1" })),
 *   Effect.provide(FetchHttpClient.layer),
 *   Effect.runPromise // the layer's scope closes here: the queue is flushed first
 * )
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type { IngestOptions } from "./core/ingest/options.js"
import { INGEST_URL } from "./core/ingest/options.js"
import type * as Datapoint from "./Datapoint.js"
import type * as Event from "./Event.js"
import { accessToken, firstSet, realm } from "./internal/config.js"
import * as internal from "./internal/ingest/service.js"
import * as stats from "./internal/ingest/stats.js"
import type { PipelineStats, Stats } from "./internal/ingest/stats.js"
import type { ClosedError, ConfigurationError, ValidationError } from "./SignalFxError.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Validates the datapoints and queues them. Fails with a `ValidationError` listing every
   * problem (and then queues nothing of this call), or with a `ClosedError` after the service
   * was stopped. Never waits on the network; once the queue is past half full it yields one
   * event-loop turn, so that a loop of sends cannot starve the delivery of its own data.
   */
  readonly send: (datapoints: Datapoint.Datapoints) => Effect.Effect<void, ValidationError | ClosedError>
  /** Validates one event and queues it. */
  readonly sendEvent: (event: Event.Event) => Effect.Effect<void, ValidationError | ClosedError>
  /** Validates events and queues them; paths in errors start with the index. */
  readonly sendEvents: (events: ReadonlyArray<Event.Event>) => Effect.Effect<void, ValidationError | ClosedError>
  /** Completes once everything accepted before it was delivered or dropped. */
  readonly flush: Effect.Effect<void>
  /**
   * Adds dimensions to every datapoint and event sent from now on. A dimension set on the
   * datapoint or event itself wins over a global one. Fails with a `ValidationError` for a bad
   * key or value, for an argument that is not a plain object, and when the global dimensions
   * would be more than a datapoint may carry.
   */
  readonly addDimensions: (dimensions: Datapoint.Dimensions) => Effect.Effect<void, ValidationError>
  /**
   * Stops adding these global dimensions to what is sent from now on. Fails with a
   * `ValidationError` when `keys` is not an array of strings.
   */
  readonly removeDimensions: (keys: ReadonlyArray<string>) => Effect.Effect<void, ValidationError>
  /** The global dimensions in force. */
  readonly dimensions: Effect.Effect<Datapoint.Dimensions>
  /** What happened to everything accepted so far. */
  readonly stats: Effect.Effect<Stats>
}

/**
 * What became of everything accepted: `Stats` holds a `PipelineStats` for the datapoints and one
 * for the events; in each, at every moment, `accepted = delivered + pending + Σ dropped`, every
 * drop counted by its reason (`queueFull`, `rejected`, `retriesExhausted`, `tooLarge`,
 * `shutdownDeadline`, `closed`).
 *
 * @since 0.1.0
 * @category models
 */
export type { PipelineStats, Stats }

/**
 * The {@link Stats} figures as Effect metrics, tagged `kind` (`datapoints` or `events`), and
 * `dropped` also `reason`. They are updated as the stats change, so an application's own metrics
 * pipeline (OpenTelemetry, Prometheus, or this library's reporter) sees them.
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { Ingest } from "effect-signalfx"
 *
 * const droppedDatapoints = Metric.value(Ingest.metrics.dropped.pipe(Metric.tagged("kind", "datapoints")))
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const metrics = {
  accepted: stats.accepted,
  delivered: stats.delivered,
  dropped: stats.dropped,
  pending: stats.pending,
  retries: stats.retries,
  requests: stats.requests,
  bytesSent: stats.bytesSent
} as const

/**
 * Options of the Ingest service. Durations accept anything `Duration.decode` does; a number is
 * milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = IngestOptions<Redacted.Redacted<string>, Duration.DurationInput>

export type { IngestOptions } from "./core/ingest/options.js"

/**
 * The Ingest service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class Ingest extends Context.Tag("effect-signalfx/Ingest")<Ingest, Service>() {}

/**
 * Builds the service in the current scope: closing the scope stops it gracefully.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options: Options) => Effect.Effect<
  Service,
  ConfigurationError,
  HttpClient.HttpClient | Scope.Scope
> = internal.make

/**
 * The service as a scoped layer. It needs an `HttpClient`: provide `FetchHttpClient.layer` from
 * `@effect/platform`, or any other client layer.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer, Redacted } from "effect"
 * import { Ingest } from "effect-signalfx"
 *
 * const IngestLive = Ingest.layer({
 *   token: Redacted.make("MY_TOKEN"),
 *   realm: "eu0",
 *   dimensions: { service: "checkout" }
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Ingest, ConfigurationError, HttpClient.HttpClient> =>
  Layer.scoped(Ingest, make(options))

/**
 * The token, realm and endpoint as the Splunk / SignalFx ecosystem names them:
 * `SPLUNK_ACCESS_TOKEN` (or `SIGNALFX_ACCESS_TOKEN`), `SPLUNK_REALM` (or `SIGNALFX_REALM`),
 * `SPLUNK_INGEST_URL` (or `SIGNALFX_INGEST_URL`, `SIGNALFX_INGEST_ENDPOINT`).
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Pick<Options, "token" | "realm" | "ingestEndpoint">> = Config.all({
  token: accessToken,
  realm,
  ingestEndpoint: Config.option(firstSet(INGEST_URL, Config.string))
}).pipe(Config.map(({ ingestEndpoint, realm, token }) => ({
  token,
  realm: Option.getOrUndefined(realm),
  ingestEndpoint: Option.getOrUndefined(ingestEndpoint)
})))

/**
 * The service as a layer whose token, realm and endpoint come from {@link config} (environment
 * variables by default, or any `ConfigProvider`), the token as a `Redacted`. Other options are
 * given directly.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 * import { Ingest } from "effect-signalfx"
 *
 * // SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 node app.js
 * const IngestLive = Ingest.layerConfig({ flushInterval: "2 seconds" }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Omit<Options, "token" | "realm" | "ingestEndpoint"> = {}
): Layer.Layer<Ingest, ConfigurationError | ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.scoped(
    Ingest,
    Effect.flatMap(config, (fromConfig) => make({ ...options, ...fromConfig }))
  )
