/**
 * The Metadata service: search, read and update the metadata SignalFx keeps about metrics,
 * dimensions, metric time series and tags, over its REST API (`https://api.{realm}.signalfx.com`).
 *
 * Every operation is one request (or, for the `stream*` operations, one per page), retried on
 * network errors, timeouts, 408, 429 and 5xx with a jittered backoff that honours `Retry-After`:
 * all of these calls are idempotent. A missing object fails with a `RestNotFoundError`,
 * anything else with a `RestRequestError`; neither ever contains the token.
 *
 * Objects keep every field the service sends, known or not, so a read-modify-write through
 * `update*` loses nothing:
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer, Redacted, Stream } from "effect"
 * import { Metadata } from "effect-signalfx"
 *
 * const program = Effect.gen(function*() {
 *   const metadata = yield* Metadata.Metadata
 *   // Replace the description, keep everything else.
 *   const host = yield* metadata.getDimension("host", "server1")
 *   yield* metadata.updateDimension("host", "server1", { ...host, description: "the primary database" })
 *   // Merge: add a property and a tag, leave the rest alone.
 *   yield* metadata.patchDimension("host", "server1", { customProperties: { role: "db" }, tags: ["critical"] })
 *   // Every production host, page by page.
 *   const hosts = yield* Stream.runCollect(metadata.streamDimensions({ query: "key:host AND env:prod" }))
 *   console.log(hosts.length)
 * })
 *
 * const MetadataLive = Metadata.layer({ token: Redacted.make("API_TOKEN"), realm: "us1" }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 *
 * Effect.runPromise(program.pipe(Effect.provide(MetadataLive)))
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
import type * as Schema from "effect/Schema"
import { accessToken, apiUrl, realm } from "./internal/config.js"
import * as internal from "./internal/metadata/api.js"
import * as schema from "./internal/metadata/schema.js"
import type { ConfigurationError } from "./SignalFxError.js"

/**
 * A metric: `{name, type, description, customProperties, tags, created, creator, lastUpdated,
 * lastUpdatedBy}`, and any other field the service sends. `type` is `GAUGE`, `COUNTER` or
 * `CUMULATIVE_COUNTER`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Metric = schema.Metric

/**
 * @since 0.1.0
 * @category models
 */
export interface Metric extends Schema.Schema.Type<typeof schema.Metric> {}

/**
 * A dimension, `key:value`, with its `description`, `customProperties` and `tags`, and any other
 * field the service sends.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Dimension = schema.Dimension

/**
 * @since 0.1.0
 * @category models
 */
export interface Dimension extends Schema.Schema.Type<typeof schema.Dimension> {}

/**
 * A metric time series: its `id`, its `metric` and `dimensions`, and any other field the service
 * sends. Time series are created by the datapoints sent and are read-only.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MetricTimeSeries = schema.MetricTimeSeries

/**
 * @since 0.1.0
 * @category models
 */
export interface MetricTimeSeries extends Schema.Schema.Type<typeof schema.MetricTimeSeries> {}

/**
 * A tag: its `name`, `description` and `customProperties`, and any other field the service sends.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Tag = schema.Tag

/**
 * @since 0.1.0
 * @category models
 */
export interface Tag extends Schema.Schema.Type<typeof schema.Tag> {}

/**
 * One page of search results: `count` objects match the query in all, `results` holds this page.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SearchResult: <A, I, R>(item: Schema.Schema<A, I, R>) => Schema.Schema<
  SearchResult<A>,
  { readonly count: number; readonly results: ReadonlyArray<I> },
  R
> = schema.SearchResult

/**
 * @since 0.1.0
 * @category models
 */
export interface SearchResult<A> {
  readonly count: number
  readonly results: ReadonlyArray<A>
}

export type {
  DimensionPatch,
  DimensionUpdate,
  MetricUpdate,
  SearchOptions,
  StreamOptions,
  TagUpdate
} from "./core/rest/metadataApi.js"

/**
 * The operations. Names and values (metric names, dimension keys and values, tag names, time
 * series ids) are sent as they are, percent-encoded: a dimension value may contain `/`, `?` or
 * `%`. Only an empty name and the names `.` and `..`, which no URL can carry, fail without a
 * request, with a `RestRequestError` whose reason is `"InvalidRequest"`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service extends ReturnType<typeof internal.operations> {}

/**
 * Options of the Metadata service. Durations accept anything `Duration.decode` does; a number is
 * milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** An org access token with the API scope, or a user session token. */
  readonly token: Redacted.Redacted<string>
  /** The realm, e.g. `us1` or `eu0`; defaults to `us0`. Ignored when `apiEndpoint` is set. */
  readonly realm?: string | undefined
  /** An explicit base URL; a path in it (a proxy's prefix) is kept, `/v2/...` goes below it. */
  readonly apiEndpoint?: string | undefined
  /** Time allowed for one request, the answer read and decoded; default 10 seconds. */
  readonly requestTimeout?: Duration.DurationInput | undefined
  /**
   * Backoff of retries; defaults `{ initialDelay: 500 ms, maxDelay: 10 s, maxElapsed: 1 min,
   * maxRetryAfter: 1 min }`. `maxElapsed: 0` turns retries off.
   */
  readonly retry?: {
    readonly initialDelay?: Duration.DurationInput | undefined
    readonly maxDelay?: Duration.DurationInput | undefined
    readonly maxElapsed?: Duration.DurationInput | undefined
    /** The longest `Retry-After` honoured. */
    readonly maxRetryAfter?: Duration.DurationInput | undefined
  } | undefined
  /** Appended to the `effect-signalfx/<version>` User-Agent. */
  readonly userAgent?: string | undefined
  /** Allow a plain `http://` endpoint on a host other than loopback (the token then travels unencrypted). */
  readonly allowInsecureHttp?: boolean | undefined
  /**
   * The longest answer read, in bytes; default 16 MiB. A longer one fails with a
   * `RestRequestError` of reason `"TooLarge"` instead of growing the process without bound.
   */
  readonly maxResponseBytes?: number | undefined
}

/**
 * The Metadata service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class Metadata extends Context.Tag("effect-signalfx/Metadata")<Metadata, Service>() {}

/**
 * Builds the service. It holds no resources, so it needs no scope.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Redacted } from "effect"
 * import { Metadata } from "effect-signalfx"
 *
 * const tags = Effect.gen(function*() {
 *   const metadata = yield* Metadata.make({ token: Redacted.make("API_TOKEN"), realm: "eu0" })
 *   return yield* metadata.searchTags({ query: "name:team-*", limit: 100 })
 * }).pipe(Effect.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options: Options) => Effect.Effect<Service, ConfigurationError, HttpClient.HttpClient> =
  internal.make

/**
 * The service as a layer. It needs an `HttpClient`: provide `FetchHttpClient.layer` from
 * `@effect/platform`, or any other client layer.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer, Redacted } from "effect"
 * import { Metadata } from "effect-signalfx"
 *
 * const MetadataLive = Metadata.layer({ token: Redacted.make("API_TOKEN"), realm: "us1" }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Metadata, ConfigurationError, HttpClient.HttpClient> =>
  Layer.effect(Metadata, make(options))

/**
 * The token, realm and endpoint as the Splunk / SignalFx ecosystem names them:
 * `SPLUNK_ACCESS_TOKEN` (or `SIGNALFX_ACCESS_TOKEN`), `SPLUNK_REALM` (or `SIGNALFX_REALM`),
 * `SPLUNK_API_URL` (or `SIGNALFX_API_URL`).
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Pick<Options, "token" | "realm" | "apiEndpoint">> = Config.all({
  token: accessToken,
  realm,
  apiEndpoint: apiUrl
}).pipe(Config.map(({ apiEndpoint, realm, token }) => ({
  token,
  realm: Option.getOrUndefined(realm),
  apiEndpoint: Option.getOrUndefined(apiEndpoint)
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
 * import { Metadata } from "effect-signalfx"
 *
 * // SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 node app.js
 * const MetadataLive = Metadata.layerConfig({ requestTimeout: "5 seconds" }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Omit<Options, "token" | "realm" | "apiEndpoint"> = {}
): Layer.Layer<Metadata, ConfigurationError | ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(
    Metadata,
    Effect.flatMap(config, (fromConfig) => make({ ...options, ...fromConfig }))
  )
