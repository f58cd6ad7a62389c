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
 * import { Effect, Redacted } from "effect"
 * import { FetchHttpClient } from "effect/http"
 * import { Ingest } from "@effect-signalfx/effect4"
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
 * @since 0.2.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { INGEST_URL } from "./core/ingest/options.js"
import type * as Datapoint from "./Datapoint.js"
import type * as Event from "./Event.js"
import { accessToken, firstSet, realm } from "./internal/config.js"
import * as internal from "./internal/ingest/service.js"
import * as stats from "./internal/ingest/stats.js"
import type { PipelineStats } from "./internal/ingest/stats.js"
import type { ClosedError, ConfigurationError, ValidationError } from "./SignalFxError.js"

/**
 * @since 0.2.0
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
 * The accounting of datapoints or events. At every moment
 * `accepted = delivered + pending + Σ dropped`.
 *
 * - `dropped.queueFull`: the queue was full (see `overflow`);
 * - `dropped.rejected`: the service refused them (a 4xx other than 408, 413, 429, or a redirect);
 * - `dropped.retriesExhausted`: still failing after `retry.maxElapsed`;
 * - `dropped.tooLarge`: a single datapoint or event answered with 413 (or not sent, being no
 *   smaller than a body of its batch already answered with 413);
 * - `dropped.shutdownDeadline`: not delivered when `shutdownTimeout` ran out at stop;
 * - `dropped.closed`: sent after the service was stopped.
 *
 * `bytesSent` counts the bodies of the requests the server answered (what surely left);
 * `lastError` is the last failed request, `{ message, at }`, for a health check to show.
 *
 * @since 0.2.0
 * @category models
 */
export type Stats = {
  readonly datapoints: PipelineStats
  readonly events: PipelineStats
}

/**
 * @since 0.2.0
 * @category models
 */
export type { PipelineStats }

/**
 * The {@link Stats} figures as Effect metrics, with the attribute `kind` (`datapoints` or
 * `events`), and `dropped` also `reason`. They are updated as the stats change, so an
 * application's own metrics pipeline (OpenTelemetry, Prometheus, or this library's reporter)
 * sees them.
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { Ingest } from "@effect-signalfx/effect4"
 *
 * const droppedDatapoints = Metric.value(
 *   Metric.withAttributes(Ingest.metrics.dropped, { kind: "datapoints", reason: "queueFull" })
 * )
 * ```
 *
 * @since 0.2.0
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
 * Options of the Ingest service. Durations accept anything `Duration.fromInput` does; a number
 * is milliseconds.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** The org access token with the ingest scope. */
  readonly token: Redacted.Redacted<string>
  /** The realm, e.g. `us1` or `eu0`; defaults to `us0`. Ignored when `ingestEndpoint` is set. */
  readonly realm?: string | undefined
  /** An explicit base URL, e.g. an OpenTelemetry Collector's `http://collector:9943`. */
  readonly ingestEndpoint?: string | undefined
  /** `"protobuf"` (default) or `"json"`. */
  readonly format?: "protobuf" | "json" | undefined
  /** `"auto"` (default) gzips bodies over 1500 bytes; `"gzip"` always; `"none"` never. */
  readonly compression?: "auto" | "gzip" | "none" | undefined
  /** Datapoints (or events) per request; default 5,000. */
  readonly maxBatchSize?: number | undefined
  /** How long the oldest queued item may wait for its batch to fill; default 1 second. */
  readonly flushInterval?: Duration.Input | undefined
  /** Datapoints the queue holds; default 20,000. */
  readonly queueCapacity?: number | undefined
  /** Events the queue holds; default 1,000. */
  readonly eventQueueCapacity?: number | undefined
  /** What a full queue drops: `"dropNewest"` (default) or `"dropOldest"`. */
  readonly overflow?: "dropNewest" | "dropOldest" | undefined
  /** Batches in flight at once per kind (datapoints, events); default 4. */
  readonly maxConcurrentRequests?: number | undefined
  /** Time allowed for one request; default 10 seconds. */
  readonly requestTimeout?: Duration.Input | undefined
  /** Backoff of retries; defaults `{ initialDelay: 1 s, maxDelay: 30 s, maxElapsed: 5 min, maxRetryAfter: 1 min }`. */
  readonly retry?: {
    readonly initialDelay?: Duration.Input | undefined
    readonly maxDelay?: Duration.Input | undefined
    readonly maxElapsed?: Duration.Input | undefined
    /** The longest `Retry-After` honoured. */
    readonly maxRetryAfter?: Duration.Input | undefined
  } | undefined
  /** How long a stop may take to deliver what is queued; default 10 seconds. */
  readonly shutdownTimeout?: Duration.Input | undefined
  /** Global dimensions added to everything sent. */
  readonly dimensions?: Datapoint.Dimensions | undefined
  /** Appended to the `effect-signalfx/<version>` User-Agent. */
  readonly userAgent?: string | undefined
  /** Allow a plain `http://` endpoint on a host other than loopback (the token then travels unencrypted). */
  readonly allowInsecureHttp?: boolean | undefined
}

/**
 * The Ingest service.
 *
 * @since 0.2.0
 * @category services
 */
export class Ingest extends Context.Service<Ingest, Service>()("effect-signalfx/Ingest") {}

/**
 * Builds the service in the current scope: closing the scope stops it gracefully, sending what
 * is queued first.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { FetchHttpClient } from "effect/http"
 * import { Ingest } from "@effect-signalfx/effect4"
 *
 * const program = Effect.scoped(
 *   Effect.gen(function*() {
 *     const ingest = yield* Ingest.make({ token: Redacted.make("MY_TOKEN"), realm: "eu0" })
 *     yield* ingest.send({ gauges: [{ metric: "jobs.done", value: 1 }] })
 *   })
 * ).pipe(Effect.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: (options: Options) => Effect.Effect<
  Service,
  ConfigurationError,
  HttpClient.HttpClient | Scope.Scope
> = internal.make

/**
 * The service as a layer, stopped gracefully when the layer is released. It needs an
 * `HttpClient`: provide `FetchHttpClient.layer` from `effect/http`, or any other client layer.
 *
 * @example
 * ```ts
 * import { Layer, Redacted } from "effect"
 * import { FetchHttpClient } from "effect/http"
 * import { Ingest } from "@effect-signalfx/effect4"
 *
 * const IngestLive = Ingest.layer({
 *   token: Redacted.make("MY_TOKEN"),
 *   realm: "eu0",
 *   dimensions: { service: "checkout" }
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Ingest, ConfigurationError, HttpClient.HttpClient> =>
  Layer.effect(Ingest, make(options))

/**
 * The token, realm and endpoint as the Splunk / SignalFx ecosystem names them:
 * `SPLUNK_ACCESS_TOKEN` (or `SIGNALFX_ACCESS_TOKEN`), `SPLUNK_REALM` (or `SIGNALFX_REALM`),
 * `SPLUNK_INGEST_URL` (or `SIGNALFX_INGEST_URL`, `SIGNALFX_INGEST_ENDPOINT`).
 *
 * @since 0.2.0
 * @category config
 */
export const config: Config.Config<Pick<Options, "token" | "realm" | "ingestEndpoint">> = Config.all({
  token: accessToken,
  realm,
  ingestEndpoint: Config.option(firstSet(INGEST_URL, Config.String))
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
 * import { Layer } from "effect"
 * import { FetchHttpClient } from "effect/http"
 * import { Ingest } from "@effect-signalfx/effect4"
 *
 * // SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 node app.js
 * const IngestLive = Ingest.layerConfig({ flushInterval: "2 seconds" }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (
  options: Omit<Options, "token" | "realm" | "ingestEndpoint"> = {}
): Layer.Layer<Ingest, ConfigurationError | Config.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(Ingest, Effect.flatMap(config, (fromConfig) => make({ ...options, ...fromConfig })))
