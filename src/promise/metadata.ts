/**
 * The metadata capability of the Promise facade: the {@link Metadata} service's operations, with
 * the same names and arguments, as methods returning promises (and async iterables for the
 * `stream*` operations). `SignalFx` has them all; this file runs the service.
 *
 * @since 0.2.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import { resolve } from "../internal/metadata/options.js"
import type { ApiSettings, ServiceRunner } from "../internal/promise/api.js"
import { LazyRunner } from "../internal/promise/api.js"
import type * as Metadata from "../Metadata.js"
import type { ConfigurationError } from "../SignalFxError.js"

/**
 * The runner of the Metadata service for a facade client, its options checked now so that a bad
 * one throws from the client's constructor. The service and its schemas are loaded on the first
 * call.
 * @internal
 */
export const makeMetadataRunner = (
  settings: ApiSettings,
  httpClient: Layer.Layer<HttpClient.HttpClient, ConfigurationError>
): ServiceRunner<Metadata.Service> => {
  const resolved = resolve(settings)
  if (Either.isLeft(resolved)) throw resolved.left
  return new LazyRunner(async () => {
    const { ApiRunner, Metadata } = await import("../internal/promise/onFirstUse.js")
    return new ApiRunner(Metadata.Metadata, Metadata.layer(settings), httpClient)
  })
}

/**
 * The metadata operations of a `SignalFx` client: search, read and update what SignalFx knows
 * about metrics, dimensions, metric time series and tags, over the REST API. They take the
 * `apiToken` option's token (an org token with the API scope, or a user session token), or the
 * client's own token without it, and go to `apiEndpoint` (by default the realm's
 * `https://api.{realm}.signalfx.com`).
 *
 * Each method is the `Metadata` service's operation of the same name: a missing object rejects
 * with a `RestNotFoundError`, any other failure, after the retries, with a
 * `RestRequestError` (an empty name, `.` or `..` at once, without a request); after
 * `stop()`, with a `ClosedError`. Results keep every field the service sends, known or not, so a
 * read-modify-write through `update*` loses nothing.
 *
 * @example
 * ```ts
 * import { RestNotFoundError, SignalFx } from "effect-signalfx/promise"
 *
 * const sfx = new SignalFx("ORG_TOKEN", { realm: "us1", apiToken: "API_TOKEN" })
 * await sfx.updateTag("some_tag_name", { description: "an example tag", customProperties: { version: "some_number" } })
 * try {
 *   const metric = await sfx.getMetric("cpu.utilization")
 *   await sfx.updateMetric("cpu.utilization", { ...metric, description: "CPU use in percent" })
 * } catch (error) {
 *   if (!(error instanceof RestNotFoundError)) throw error
 * }
 * for await (const host of sfx.streamDimensions({ query: "key:host" })) console.log(host.value)
 * ```
 *
 * @since 0.2.0
 * @category metadata
 */
export class SignalFxMetadata {
  readonly #metadata: ServiceRunner<Metadata.Service>

  /** @internal */
  constructor(metadata: ServiceRunner<Metadata.Service>) {
    this.#metadata = metadata
  }

  /**
   * One page of the metrics matching `query`: `{ count, results }`.
   *
   * @example
   * ```ts
   * import { SignalFx } from "effect-signalfx/promise"
   *
   * const sfx = new SignalFx("API_TOKEN")
   * const { count, results } = await sfx.searchMetrics({ query: "name:cpu.*", orderBy: "name", limit: 20 })
   * console.log(`${count} metrics; the first: ${results[0]?.name}`)
   * ```
   *
   * @since 0.2.0
   */
  searchMetrics(options: Metadata.SearchOptions): Promise<Metadata.SearchResult<Metadata.Metric>> {
    return this.#metadata.call((metadata) => metadata.searchMetrics(options))
  }

  /**
   * Every metric matching `query` (at most the first 10,000), requested a page (`pageSize`,
   * 1000 by default) at a time as the loop goes on; leaving the loop requests no further page.
   *
   * @example
   * ```ts
   * import { SignalFx } from "effect-signalfx/promise"
   *
   * const sfx = new SignalFx("API_TOKEN")
   * for await (const metric of sfx.streamMetrics({ query: "sf_metric:jvm.*", pageSize: 100 })) {
   *   if (metric.description === undefined) console.log(`${metric.name} has no description`)
   * }
   * ```
   *
   * @since 0.2.0
   */
  streamMetrics(options: Metadata.StreamOptions): AsyncIterable<Metadata.Metric> {
    return this.#metadata.stream((metadata) => metadata.streamMetrics(options))
  }

  /**
   * The metric's metadata; rejects with a `RestNotFoundError` when there is no such metric.
   *
   * @since 0.2.0
   */
  getMetric(name: string): Promise<Metadata.Metric> {
    return this.#metadata.call((metadata) => metadata.getMetric(name))
  }

  /**
   * **Replaces** the metric's metadata (see `Metadata.MetricUpdate`): send back what was read,
   * changed. Resolves with the metric as stored.
   *
   * @since 0.2.0
   */
  updateMetric(name: string, update: Metadata.MetricUpdate): Promise<Metadata.Metric> {
    return this.#metadata.call((metadata) => metadata.updateMetric(name, update))
  }

  /**
   * One page of the dimensions matching `query` (`key:host` finds every value of `host`).
   *
   * @since 0.2.0
   */
  searchDimensions(options: Metadata.SearchOptions): Promise<Metadata.SearchResult<Metadata.Dimension>> {
    return this.#metadata.call((metadata) => metadata.searchDimensions(options))
  }

  /**
   * Every dimension matching `query` (at most 10,000), a page at a time, as {@link streamMetrics}.
   *
   * @since 0.2.0
   */
  streamDimensions(options: Metadata.StreamOptions): AsyncIterable<Metadata.Dimension> {
    return this.#metadata.stream((metadata) => metadata.streamDimensions(options))
  }

  /**
   * The dimension `key:value`; rejects with a `RestNotFoundError` when there is none.
   *
   * @since 0.2.0
   */
  getDimension(key: string, value: string): Promise<Metadata.Dimension> {
    return this.#metadata.call((metadata) => metadata.getDimension(key, value))
  }

  /**
   * **Replaces** the dimension's description, custom properties and tags; to merge, use
   * {@link patchDimension}.
   *
   * @since 0.2.0
   */
  updateDimension(key: string, value: string, update: Metadata.DimensionUpdate): Promise<Metadata.Dimension> {
    return this.#metadata.call((metadata) => metadata.updateDimension(key, value, update))
  }

  /**
   * **Merges** into the dimension: sets each custom property (`null` removes it), adds `tags`,
   * removes `tagsToRemove`, leaves the rest alone.
   *
   * @example
   * ```ts
   * import { SignalFx } from "effect-signalfx/promise"
   *
   * const sfx = new SignalFx("API_TOKEN")
   * await sfx.patchDimension("host", "server1", {
   *   customProperties: { role: "db", retired: null },
   *   tags: ["critical"],
   *   tagsToRemove: ["canary"]
   * })
   * ```
   *
   * @since 0.2.0
   */
  patchDimension(key: string, value: string, patch: Metadata.DimensionPatch): Promise<Metadata.Dimension> {
    return this.#metadata.call((metadata) => metadata.patchDimension(key, value, patch))
  }

  /**
   * One page of the metric time series matching `query` (`sf_metric:cpu.utilization AND host:server1`).
   *
   * @since 0.2.0
   */
  searchMetricTimeSeries(options: Metadata.SearchOptions): Promise<Metadata.SearchResult<Metadata.MetricTimeSeries>> {
    return this.#metadata.call((metadata) => metadata.searchMetricTimeSeries(options))
  }

  /**
   * Every metric time series matching `query` (at most 10,000), a page at a time, as
   * {@link streamMetrics}.
   *
   * @since 0.2.0
   */
  streamMetricTimeSeries(options: Metadata.StreamOptions): AsyncIterable<Metadata.MetricTimeSeries> {
    return this.#metadata.stream((metadata) => metadata.streamMetricTimeSeries(options))
  }

  /**
   * The metric time series with this id; rejects with a `RestNotFoundError` when there is none.
   *
   * @since 0.2.0
   */
  getMetricTimeSeries(id: string): Promise<Metadata.MetricTimeSeries> {
    return this.#metadata.call((metadata) => metadata.getMetricTimeSeries(id))
  }

  /**
   * One page of the tags matching `query`.
   *
   * @since 0.2.0
   */
  searchTags(options: Metadata.SearchOptions): Promise<Metadata.SearchResult<Metadata.Tag>> {
    return this.#metadata.call((metadata) => metadata.searchTags(options))
  }

  /**
   * Every tag matching `query` (at most 10,000), a page at a time, as {@link streamMetrics}.
   *
   * @since 0.2.0
   */
  streamTags(options: Metadata.StreamOptions): AsyncIterable<Metadata.Tag> {
    return this.#metadata.stream((metadata) => metadata.streamTags(options))
  }

  /**
   * The tag; rejects with a `RestNotFoundError` when there is none.
   *
   * @since 0.2.0
   */
  getTag(name: string): Promise<Metadata.Tag> {
    return this.#metadata.call((metadata) => metadata.getTag(name))
  }

  /**
   * Creates the tag, or **replaces** its description and custom properties. Resolves with the
   * tag as stored.
   *
   * @example
   * ```ts
   * import { SignalFx } from "effect-signalfx/promise"
   *
   * const sfx = new SignalFx("API_TOKEN")
   * await sfx.updateTag("some_tag_name", { description: "an example tag", customProperties: { version: "some_number" } })
   * ```
   *
   * @since 0.2.0
   */
  updateTag(name: string, update: Metadata.TagUpdate): Promise<Metadata.Tag> {
    return this.#metadata.call((metadata) => metadata.updateTag(name, update))
  }

  /**
   * Deletes the tag; rejects with a `RestNotFoundError` when there is none.
   *
   * @since 0.2.0
   */
  deleteTag(name: string): Promise<void> {
    return this.#metadata.call((metadata) => metadata.deleteTag(name))
  }
}
