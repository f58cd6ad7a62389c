/**
 * The Metadata service's operations over the REST client: one function per call of
 * docs/protocol.md §3, a 404 on a call about one object turned into a `RestNotFoundError`,
 * and the paging streams.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as Metadata from "../../Metadata.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import { RestNotFoundError, RestRequestError } from "../../SignalFxError.js"
import type { Client } from "../http/client.js"
import { makeClient } from "../http/client.js"
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

type Collection = "metric" | "dimension" | "metrictimeseries" | "tag"

const notFound =
  (kind: RestNotFoundError["kind"], name: string) =>
  <A>(effect: Effect.Effect<A, RestRequestError>): Effect.Effect<A, RestNotFoundError | RestRequestError> =>
    Effect.catchIf(
      effect,
      (error) => error.reason === "StatusCode" && error.status === 404,
      () => Effect.fail(new RestNotFoundError({ kind, id: name }))
    )

const searchParams = (options: Metadata.SearchOptions): Record<string, string> => ({
  query: options.query,
  ...(options.orderBy === undefined ? {} : { orderBy: options.orderBy }),
  ...(options.offset === undefined ? {} : { offset: String(options.offset) }),
  ...(options.limit === undefined ? {} : { limit: String(options.limit) })
})

const search = <A, I>(client: Client, collection: Collection, item: Schema.Schema<A, I>) => {
  const result = schema.SearchResult(item)
  return (options: Metadata.SearchOptions): Effect.Effect<Metadata.SearchResult<A>, RestRequestError> =>
    client.json({ method: "GET", segments: [collection], params: searchParams(options) }, result)
}

/**
 * Pages through a search: each page starts where the results so far end, and the stream ends on
 * an empty page (whatever `count` says), once `count` results came, or at the search window.
 */
const paginate = <A>(
  collection: Collection,
  search: (options: Metadata.SearchOptions) => Effect.Effect<Metadata.SearchResult<A>, RestRequestError>
) =>
(options: Metadata.StreamOptions): Stream.Stream<A, RestRequestError> => {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE
  if (!Number.isSafeInteger(pageSize) || pageSize <= 0) {
    return Stream.fail(
      new RestRequestError({
        reason: "InvalidRequest",
        method: "GET",
        path: `/v2/${collection}`,
        description: `pageSize must be a positive integer, got ${pageSize}`
      })
    )
  }
  return Stream.paginateChunkEffect(0, (offset) =>
    search({
      query: options.query,
      orderBy: options.orderBy,
      offset,
      limit: Math.min(pageSize, MAX_SEARCH_WINDOW - offset)
    }).pipe(Effect.map(({ count, results }) => {
      const next = offset + results.length
      const more = results.length > 0 && next < count && next < MAX_SEARCH_WINDOW
      return [Chunk.fromIterable(results), more ? Option.some(next) : Option.none()] as const
    })))
}

/** @internal */
export const make = (
  options: Metadata.Options
): Effect.Effect<Metadata.Service, ConfigurationError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const resolved = yield* options_.resolve(options)
    const client = yield* makeClient(resolved)

    const searchMetrics = search(client, "metric", schema.Metric)
    const searchDimensions = search(client, "dimension", schema.Dimension)
    const searchMetricTimeSeries = search(client, "metrictimeseries", schema.MetricTimeSeries)
    const searchTags = search(client, "tag", schema.Tag)

    return {
      searchMetrics,
      streamMetrics: paginate("metric", searchMetrics),
      getMetric: (name) =>
        client.json({ method: "GET", segments: ["metric", name] }, schema.Metric).pipe(notFound("metric", name)),
      updateMetric: (name, update) =>
        client.json({ method: "PUT", segments: ["metric", name], body: { ...update, name } }, schema.Metric).pipe(
          notFound("metric", name)
        ),

      searchDimensions,
      streamDimensions: paginate("dimension", searchDimensions),
      getDimension: (key, value) =>
        client.json({ method: "GET", segments: ["dimension", key, value] }, schema.Dimension).pipe(
          notFound("dimension", `${key}:${value}`)
        ),
      updateDimension: (key, value, update) =>
        client.json(
          { method: "PUT", segments: ["dimension", key, value], body: { ...update, key, value } },
          schema.Dimension
        ).pipe(notFound("dimension", `${key}:${value}`)),
      patchDimension: (key, value, patch) =>
        client.json(
          { method: "PATCH", segments: ["dimension", key, value, "_", "sfxagent"], body: patch },
          schema.Dimension
        ).pipe(notFound("dimension", `${key}:${value}`)),

      searchMetricTimeSeries,
      streamMetricTimeSeries: paginate("metrictimeseries", searchMetricTimeSeries),
      getMetricTimeSeries: (id) =>
        client.json({ method: "GET", segments: ["metrictimeseries", id] }, schema.MetricTimeSeries).pipe(
          notFound("metricTimeSeries", id)
        ),

      searchTags,
      streamTags: paginate("tag", searchTags),
      getTag: (name) => client.json({ method: "GET", segments: ["tag", name] }, schema.Tag).pipe(notFound("tag", name)),
      updateTag: (name, update) =>
        client.json({ method: "PUT", segments: ["tag", name], body: { ...update, name } }, schema.Tag).pipe(
          notFound("tag", name)
        ),
      deleteTag: (name) => client.empty({ method: "DELETE", segments: ["tag", name] }).pipe(notFound("tag", name))
    }
  })
