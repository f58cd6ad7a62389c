/**
 * The Metadata API (docs/protocol.md §3) declared: each operation's request, answer and missing
 * object, and the paging streams. Both packages' `Metadata.Service` is this table, interpreted
 * (`internal/rest/operation.ts`); the arguments' types are here, the answers' schemas in each
 * package.
 */
import type { Item, Missing, Request } from "./declaration.js"
import { missing, one, operation, page, pages } from "./declaration.js"

/**
 * One page of a search.
 *
 * `query` uses the service's Lucene-like syntax: `key:value`, `key:*`, wildcards, `_exists_:key`,
 * `_missing_:key`, `AND`, `OR`, `NOT` and parentheses; quote values with characters other than
 * letters and digits (`host:"db-1.example.com"`). On metric time series a dimension is a field
 * (`sf_metric:cpu.utilization AND host:server1`); on dimensions, `key:host` finds every value of
 * `host`.
 *
 * `orderBy` names a field, `-field` for descending. `offset` (default 0) and `limit` (default 50)
 * select the page; the service refuses `offset + limit` above 10,000.
 *
 * @since 0.1.0
 * @category models
 */
export interface SearchOptions {
  readonly query: string
  readonly orderBy?: string | undefined
  readonly offset?: number | undefined
  readonly limit?: number | undefined
}

/**
 * Every result of a search, as a stream that requests page after page.
 *
 * The service answers nothing past the first 10,000 results of a query, so neither does the
 * stream: it ends there. Narrow the query (or split it, e.g. by a dimension's values) to see more.
 * Pages are requested at offsets, so objects created or removed while the stream runs can be
 * skipped or seen twice; an `orderBy` on a stable field such as `created` keeps the pages
 * consistent.
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamOptions {
  readonly query: string
  readonly orderBy?: string | undefined
  /** Results per request; default 1000. */
  readonly pageSize?: number | undefined
}

/**
 * What `updateMetric` sends. The update **replaces** the metric's metadata: a field left out is
 * reset (no description, no custom properties, no tags). To change one field, read the metric and
 * send it back changed: `updateMetric(name, { ...metric, description: "…" })`; every field read,
 * even one this library does not know, goes back unchanged. The service expects the metric's
 * `type` and does not change it; the name comes from the path.
 *
 * @since 0.1.0
 * @category models
 */
export interface MetricUpdate {
  readonly type?: string | undefined
  readonly description?: string | undefined
  readonly customProperties?: Readonly<Record<string, string>> | undefined
  readonly tags?: ReadonlyArray<string> | undefined
}

/**
 * What `updateDimension` sends. Like {@link MetricUpdate}, it **replaces** the dimension's
 * metadata; to merge, use `patchDimension`. The key and value come from the path.
 *
 * @since 0.1.0
 * @category models
 */
export interface DimensionUpdate {
  readonly description?: string | undefined
  readonly customProperties?: Readonly<Record<string, string>> | undefined
  readonly tags?: ReadonlyArray<string> | undefined
}

/**
 * What `patchDimension` merges into a dimension: each custom property is set, or removed where
 * its value is `null`; `tags` are added and `tagsToRemove` removed; what is not named is left as
 * it is. This is the call the SignalFx Smart Agent and the OpenTelemetry Collector use.
 *
 * @since 0.1.0
 * @category models
 */
export interface DimensionPatch {
  readonly customProperties?: Readonly<Record<string, string | null>> | undefined
  readonly tags?: ReadonlyArray<string> | undefined
  readonly tagsToRemove?: ReadonlyArray<string> | undefined
}

/**
 * What `updateTag` sends: it creates the tag or **replaces** its metadata. The name comes from
 * the path.
 *
 * @since 0.1.0
 * @category models
 */
export interface TagUpdate {
  readonly description?: string | undefined
  readonly customProperties?: Readonly<Record<string, string>> | undefined
}

/**
 * The service answers nothing past `offset + limit = 10,000` (docs/protocol.md §3), so a stream
 * never asks past it.
 */
const MAX_SEARCH_WINDOW = 10_000

/** Results per request of the `stream*` operations. */
const DEFAULT_PAGE_SIZE = 1_000

const searchRequest = (collection: string) => (options: SearchOptions): Request => ({
  method: "GET",
  path: [collection],
  query: { query: options.query, orderBy: options.orderBy, offset: options.offset, limit: options.limit }
})

/** A collection's search, one page, and its stream of every page within the search window. */
const searches = <const I extends Item>(collection: string, items: I) => ({
  search: operation({ request: searchRequest(collection), answer: page(items) }),
  stream: pages({
    options: (options: StreamOptions) => options,
    search: searchRequest(collection),
    items,
    counted: true,
    pageSize: DEFAULT_PAGE_SIZE,
    window: MAX_SEARCH_WINDOW
  })
})

/** Reading and replacing an object named by one path segment: a metric, a tag. */
const named = <const I extends Item, Update extends object>(collection: string, kind: "metric" | "tag", item: I) => ({
  get: operation({
    request: (name: string) => ({ method: "GET", path: [collection, name] }),
    answer: one(item),
    notFound: missing(kind)
  }),
  update: operation({
    request: (name: string, update: Update) => ({ method: "PUT", path: [collection, name], body: { ...update, name } }),
    answer: one(item),
    notFound: missing(kind)
  })
})

/** A missing dimension, named `key:value` by the operation's first two arguments. */
const dimensionMissing = (
  ...[key, value]: readonly [key: string, value: string, ...ReadonlyArray<unknown>]
): Missing => ({ kind: "dimension", id: `${key}:${value}` })

const metric = named<"Metric", MetricUpdate>("metric", "metric", "Metric")
const tag = named<"Tag", TagUpdate>("tag", "tag", "Tag")
const metrics = searches("metric", "Metric")
const dimensions = searches("dimension", "Dimension")
const metricTimeSeries = searches("metrictimeseries", "MetricTimeSeries")
const tags = searches("tag", "Tag")

/**
 * The Metadata service's operations. Their doc comments are the service's (`Metadata.Service`).
 * @internal
 */
export const metadataApi = {
  /** One page of the metrics matching `query`. */
  searchMetrics: metrics.search,
  /** Every metric matching `query` (at most 10,000), page by page. */
  streamMetrics: metrics.stream,
  getMetric: metric.get,
  /** Replaces the metric's metadata; see {@link MetricUpdate}. Answers the metric as stored. */
  updateMetric: metric.update,

  /** One page of the dimensions matching `query`. */
  searchDimensions: dimensions.search,
  /** Every dimension matching `query` (at most 10,000), page by page. */
  streamDimensions: dimensions.stream,
  getDimension: operation({
    request: (key: string, value: string) => ({ method: "GET", path: ["dimension", key, value] }),
    answer: one("Dimension"),
    notFound: dimensionMissing
  }),
  /** Replaces the dimension's metadata; see {@link DimensionUpdate}. Answers the dimension as stored. */
  updateDimension: operation({
    request: (key: string, value: string, update: DimensionUpdate) => ({
      method: "PUT",
      path: ["dimension", key, value],
      body: { ...update, key, value }
    }),
    answer: one("Dimension"),
    notFound: dimensionMissing
  }),
  /** Merges into the dimension's metadata; see {@link DimensionPatch}. Answers the dimension as stored. */
  patchDimension: operation({
    request: (key: string, value: string, patch: DimensionPatch) => ({
      method: "PATCH",
      path: ["dimension", key, value, "_", "sfxagent"],
      body: patch
    }),
    answer: one("Dimension"),
    notFound: dimensionMissing
  }),

  /** One page of the metric time series matching `query`. */
  searchMetricTimeSeries: metricTimeSeries.search,
  /** Every metric time series matching `query` (at most 10,000), page by page. */
  streamMetricTimeSeries: metricTimeSeries.stream,
  getMetricTimeSeries: operation({
    request: (id: string) => ({ method: "GET", path: ["metrictimeseries", id] }),
    answer: one("MetricTimeSeries"),
    notFound: missing("metricTimeSeries")
  }),

  /** One page of the tags matching `query`. */
  searchTags: tags.search,
  /** Every tag matching `query` (at most 10,000), page by page. */
  streamTags: tags.stream,
  getTag: tag.get,
  /** Creates the tag or replaces its metadata; see {@link TagUpdate}. Answers the tag as stored. */
  updateTag: tag.update,
  /** Deletes the tag; a tag that does not exist fails with a `RestNotFoundError`. */
  deleteTag: operation({
    request: (name: string) => ({ method: "DELETE", path: ["tag", name] }),
    notFound: missing("tag")
  })
} as const
