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
 */
const MAX_SEARCH_WINDOW = 10_000

/** Results per request of the `stream*` operations. */
const DEFAULT_PAGE_SIZE = 1_000

// The schemas as the public interfaces name their types, so that the operations' types read `Metric`.
const Metric = typedAs<Metadata.Metric>()(schema.Metric)
const Dimension = typedAs<Metadata.Dimension>()(schema.Dimension)
const MetricTimeSeries = typedAs<Metadata.MetricTimeSeries>()(schema.MetricTimeSeries)
const Tag = typedAs<Metadata.Tag>()(schema.Tag)
const SearchResult = <A, I>(item: Schema.Schema<A, I>) => typedAs<Metadata.SearchResult<A>>()(schema.SearchResult(item))

type Encoded<S> = Schema.Schema.Encoded<S>

const searchRequest = (collection: string) => (options: Metadata.SearchOptions): Request => ({
  method: "GET",
  path: [collection],
  query: { query: options.query, orderBy: options.orderBy, offset: options.offset, limit: options.limit }
})

const dimensionNotFound = (key: string, value: string) =>
  new RestNotFoundError({ kind: "dimension", id: `${key}:${value}` })

/**
 * The operations over `client`. Their doc comments are the service's (`Metadata.Service`).
 * @internal
 */
export const operations = (client: Client) => {
  const { get, operation, pages } = interpreter(client)
  /** A collection's search, one page, and its stream of every page within the search window. */
  const searches = <A, I>(collection: string, item: Schema.Schema<A, I>) => ({
    search: operation({ request: searchRequest(collection), answer: SearchResult(item) }),
    stream: pages({
      options: (options: Metadata.StreamOptions) => options,
      search: searchRequest(collection),
      items: item,
      counted: true,
      pageSize: DEFAULT_PAGE_SIZE,
      window: MAX_SEARCH_WINDOW
    })
  })
  /** Reading and replacing an object named by one path segment: a metric, a tag. */
  const named = <A, I, Update extends object>(
    collection: string,
    kind: "metric" | "tag",
    item: Schema.Schema<A, I>
  ) => ({
    get: operation({
      request: (name: string) => ({ method: "GET", path: [collection, name] }),
      answer: item,
      notFound: notFound(kind)
    }),
    update: operation({
      request: (name: string, update: Update) => ({
        method: "PUT",
        path: [collection, name],
        body: { ...update, name }
      }),
      answer: item,
      notFound: notFound(kind)
    })
  })
  const metric = named<Metadata.Metric, Encoded<typeof Metric>, Metadata.MetricUpdate>("metric", "metric", Metric)
  const tag = named<Metadata.Tag, Encoded<typeof Tag>, Metadata.TagUpdate>("tag", "tag", Tag)
  const metrics = searches("metric", Metric)
  const dimensions = searches("dimension", Dimension)
  const metricTimeSeries = searches("metrictimeseries", MetricTimeSeries)
  const tags = searches("tag", Tag)
  return {
    /** One page of the metrics matching `query`. */
    searchMetrics: metrics.search,
    /** Every metric matching `query` (at most 10,000), page by page. */
    streamMetrics: metrics.stream,
    getMetric: metric.get,
    /** Replaces the metric's metadata; see {@link Metadata.MetricUpdate}. Answers the metric as stored. */
    updateMetric: metric.update,

    /** One page of the dimensions matching `query`. */
    searchDimensions: dimensions.search,
    /** Every dimension matching `query` (at most 10,000), page by page. */
    streamDimensions: dimensions.stream,
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
    searchMetricTimeSeries: metricTimeSeries.search,
    /** Every metric time series matching `query` (at most 10,000), page by page. */
    streamMetricTimeSeries: metricTimeSeries.stream,
    getMetricTimeSeries: get("metrictimeseries", "metricTimeSeries", MetricTimeSeries),

    /** One page of the tags matching `query`. */
    searchTags: tags.search,
    /** Every tag matching `query` (at most 10,000), page by page. */
    streamTags: tags.stream,
    getTag: tag.get,
    /** Creates the tag or replaces its metadata; see {@link Metadata.TagUpdate}. Answers the tag as stored. */
    updateTag: tag.update,
    /** Deletes the tag; a tag that does not exist fails with a `RestNotFoundError`. */
    deleteTag: operation({
      request: (name: string) => ({ method: "DELETE", path: ["tag", name] }),
      notFound: notFound("tag")
    })
  } as const
}

/** @internal */
export const make = (
  options: Metadata.Options
): Effect.Effect<Metadata.Service, ConfigurationError, HttpClient.HttpClient> =>
  Effect.flatMap(options_.resolve(options), (resolved) => Effect.map(makeClient(resolved), operations))
