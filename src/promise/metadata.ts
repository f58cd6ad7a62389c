/**
 * The metadata capability of the Promise facade: the {@link Metadata} service's operations, with
 * the same names and arguments, as methods of `SignalFx` returning promises (and async iterables
 * for the `stream*` operations). They are derived from the service: this file names them and
 * runs the service.
 *
 * @since 0.2.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { resolve } from "../internal/metadata/options.js"
import type { ApiSettings } from "../internal/promise/api.js"
import { makeApiRunner } from "../internal/promise/api.js"
import type { LineLogger } from "../internal/promise/logger.js"
import type { OperationNames, Promised, ServiceRunner } from "../internal/promise/runner.js"
import type * as Metadata from "../Metadata.js"
import type { ConfigurationError } from "../SignalFxError.js"

/**
 * The metadata operations of a `SignalFx` client: search, read and update what SignalFx knows
 * about metrics, dimensions, metric time series and tags, over the REST API, named as the Python
 * client's. They take the `apiToken` option's token (an org token with the API scope, or a user
 * session token), or the client's own token without it, and go to `apiEndpoint` (by default the
 * realm's `https://api.{realm}.signalfx.com`).
 *
 * Each method is the `Metadata` service's operation of the same name: a missing object rejects
 * with a `RestNotFoundError`, any other failure, after the retries, with a
 * `RestRequestError` (an empty name, `.` or `..` at once, without a request); after
 * `stop()`, with a `ClosedError`. Results keep every field the service sends, known or not, so a
 * read-modify-write through `update*` loses nothing. A `stream*` method requests a page
 * (`pageSize`, 1000 by default) at a time as the loop goes on; leaving the loop requests no
 * further page.
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
 * const { count, results } = await sfx.searchMetrics({ query: "name:cpu.*", orderBy: "name", limit: 20 })
 * console.log(`${count} metrics; the first: ${results[0]?.name}`)
 * for await (const metric of sfx.streamMetrics({ query: "sf_metric:jvm.*", pageSize: 100 })) {
 *   if (metric.description === undefined) console.log(`${metric.name} has no description`)
 * }
 * await sfx.patchDimension("host", "server1", {
 *   customProperties: { role: "db", retired: null },
 *   tags: ["critical"],
 *   tagsToRemove: ["canary"]
 * })
 * ```
 *
 * @since 0.2.0
 * @category metadata
 */
export type SignalFxMetadata = Promised<Metadata.Service>

/**
 * The Metadata service's operations, each a method of `SignalFx`. The compiler checks that this
 * names every operation of the service, and only those: an operation added to the service is a
 * build error here until its name is added (and then it is a method, with nothing else written).
 * @internal
 */
export const metadataOperations: OperationNames<Metadata.Service> = {
  searchMetrics: null,
  streamMetrics: null,
  getMetric: null,
  updateMetric: null,
  searchDimensions: null,
  streamDimensions: null,
  getDimension: null,
  updateDimension: null,
  patchDimension: null,
  searchMetricTimeSeries: null,
  streamMetricTimeSeries: null,
  getMetricTimeSeries: null,
  searchTags: null,
  streamTags: null,
  getTag: null,
  updateTag: null,
  deleteTag: null
}

/**
 * The runner of the Metadata service for a facade client, its options checked now so that a bad
 * one throws from the client's constructor. The service and its schemas are loaded on the first
 * call.
 * @internal
 */
export const makeMetadataRunner = (
  settings: ApiSettings,
  httpClient: Layer.Layer<HttpClient.HttpClient, ConfigurationError>,
  logger: LineLogger | false | undefined
): ServiceRunner<Metadata.Service> => {
  const resolved = resolve(settings)
  if (Either.isLeft(resolved)) throw resolved.left
  return makeApiRunner(({ Metadata, loadService }) =>
    loadService(Metadata.Metadata, Layer.provide(Metadata.layer(settings), httpClient), { logger })
  )
}
