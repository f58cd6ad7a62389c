/**
 * The Metadata API (docs/protocol.md §3) declared: each operation's request, answer and missing
 * object, and the paging streams, over one request client. `Metadata.Service` is the type of
 * what {@link operations} answers.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type * as Metadata from "../../Metadata.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import { RestNotFoundError } from "../../SignalFxError.js"
import type { Client } from "../http/client.js"
import { makeClient } from "../http/client.js"
import type { Request } from "../rest/operation.js"
import { interpreter, notFound, typedAs } from "../rest/operation.js"
import * as options_ from "./options.js"
import * as schema from "./schema.js"

/**
 * The service answers nothing past `offset + limit = 10,000` (docs/protocol.md §3), so a stream
 * never asks past it.
 * @internal
 */
export const MAX_SEARCH_WINDOW = 10_000

/** @internal */
export const DEFAULT_PAGE_SIZE = 1_000

// The schemas as the public interfaces name their types, so that the operations' types read `Metric`.
const Metric = typedAs<Metadata.Metric>()(schema.Metric)
const Dimension = typedAs<Metadata.Dimension>()(schema.Dimension)
const MetricTimeSeries = typedAs<Metadata.MetricTimeSeries>()(schema.MetricTimeSeries)
const Tag = typedAs<Metadata.Tag>()(schema.Tag)
const SearchResult = <A, I>(item: Schema.Schema<A, I>) => typedAs<Metadata.SearchResult<A>>()(schema.SearchResult(item))

const search = (collection: string) => (options: Metadata.SearchOptions): Request => ({
  method: "GET",
  path: [collection],
  query: { query: options.query, orderBy: options.orderBy, offset: options.offset, limit: options.limit }
})

const streamOptions = (options: Metadata.StreamOptions) => options

const dimensionNotFound = (key: string, value: string) =>
  new RestNotFoundError({ kind: "dimension", id: `${key}:${value}` })

/**
 * The operations over `client`. Their doc comments are the service's (`Metadata.Service`).
 * @internal
 */
export const operations = (client: Client) => {
  const { operation, pages } = interpreter(client)
  const paging = { options: streamOptions, counted: true, pageSize: DEFAULT_PAGE_SIZE, window: MAX_SEARCH_WINDOW }
  return {
    /** One page of the metrics matching `query`. */
    searchMetrics: operation({ request: search("metric"), answer: SearchResult(Metric) }),
    /** Every metric matching `query` (at most 10,000), page by page. */
    streamMetrics: pages({ ...paging, search: search("metric"), items: Metric }),
    getMetric: operation({
      request: (name: string) => ({ method: "GET", path: ["metric", name] }),
      answer: Metric,
      notFound: notFound("metric")
    }),
    /** Replaces the metric's metadata; see {@link Metadata.MetricUpdate}. Answers the metric as stored. */
    updateMetric: operation({
      request: (name: string, update: Metadata.MetricUpdate) => ({
        method: "PUT",
        path: ["metric", name],
        body: { ...update, name }
      }),
      answer: Metric,
      notFound: notFound("metric")
    }),

    /** One page of the dimensions matching `query`. */
    searchDimensions: operation({ request: search("dimension"), answer: SearchResult(Dimension) }),
    /** Every dimension matching `query` (at most 10,000), page by page. */
    streamDimensions: pages({ ...paging, search: search("dimension"), items: Dimension }),
    getDimension: operation({
      request: (key: string, value: string) => ({ method: "GET", path: ["dimension", key, value] }),
      answer: Dimension,
      notFound: dimensionNotFound
    }),
    /** Replaces the dimension's metadata; see {@link Metadata.DimensionUpdate}. Answers the dimension as stored. */
    updateDimension: operation({
      request: (key: string, value: string, update: Metadata.DimensionUpdate) => ({
        method: "PUT",
        path: ["dimension", key, value],
        body: { ...update, key, value }
      }),
      answer: Dimension,
      notFound: dimensionNotFound
    }),
    /** Merges into the dimension's metadata; see {@link Metadata.DimensionPatch}. Answers the dimension as stored. */
    patchDimension: operation({
      request: (key: string, value: string, patch: Metadata.DimensionPatch) => ({
        method: "PATCH",
        path: ["dimension", key, value, "_", "sfxagent"],
        body: patch
      }),
      answer: Dimension,
      notFound: dimensionNotFound
    }),

    /** One page of the metric time series matching `query`. */
    searchMetricTimeSeries: operation({
      request: search("metrictimeseries"),
      answer: SearchResult(MetricTimeSeries)
    }),
    /** Every metric time series matching `query` (at most 10,000), page by page. */
    streamMetricTimeSeries: pages({ ...paging, search: search("metrictimeseries"), items: MetricTimeSeries }),
    getMetricTimeSeries: operation({
      request: (id: string) => ({ method: "GET", path: ["metrictimeseries", id] }),
      answer: MetricTimeSeries,
      notFound: notFound("metricTimeSeries")
    }),

    /** One page of the tags matching `query`. */
    searchTags: operation({ request: search("tag"), answer: SearchResult(Tag) }),
    /** Every tag matching `query` (at most 10,000), page by page. */
    streamTags: pages({ ...paging, search: search("tag"), items: Tag }),
    getTag: operation({
      request: (name: string) => ({ method: "GET", path: ["tag", name] }),
      answer: Tag,
      notFound: notFound("tag")
    }),
    /** Creates the tag or replaces its metadata; see {@link Metadata.TagUpdate}. Answers the tag as stored. */
    updateTag: operation({
      request: (name: string, update: Metadata.TagUpdate) => ({
        method: "PUT",
        path: ["tag", name],
        body: { ...update, name }
      }),
      answer: Tag,
      notFound: notFound("tag")
    }),
    /** Deletes the tag; a tag that does not exist fails with a `RestNotFoundError`. */
    deleteTag: operation({
      request: (name: string) => ({ method: "DELETE", path: ["tag", name] }),
      notFound: notFound("tag")
    })
  }
}

/** @internal */
export const make = (
  options: Metadata.Options
): Effect.Effect<Metadata.Service, ConfigurationError, HttpClient.HttpClient> =>
  Effect.flatMap(options_.resolve(options), (resolved) => Effect.map(makeClient(resolved), operations))
