/**
 * The Rest service's operations over the metadata service's REST client (the same requests,
 * retries, answer caps and token handling): one function per call, a 404 about one object turned
 * into a `RestNotFoundError`, a 400 on a write into a `RestRejectedError` carrying the service's
 * message, and the paging streams.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as Rest from "../../Rest.js"
import { ConfigurationError, RestNotFoundError, RestRejectedError, RestRequestError } from "../../SignalFxError.js"
import type { Call, Client } from "../http/client.js"
import { makeClient } from "../http/client.js"
import * as options_ from "../metadata/options.js"
import * as schema from "./schema.js"

/** Results per request of the `stream` operations, as the Python client's `batch_size`. @internal */
export const DEFAULT_PAGE_SIZE = 100

type NotFoundKind = RestNotFoundError["kind"]
type RejectedKind = RestRejectedError["kind"]

/** Until the declarations of the next step: the metadata client already fails with this family. */
const toRequestError = (error: RestRequestError): RestRequestError => error

const answered = (error: RestRequestError, statuses: ReadonlyArray<number>): error is RestRequestError & {
  readonly status: number
} => error.reason === "StatusCode" && error.status !== undefined && statuses.includes(error.status)

/** A 404 about the object `id` is a `RestNotFoundError`. */
const notFound = (kind: NotFoundKind, id: string) => (error: RestRequestError) =>
  answered(error, [404]) ? new RestNotFoundError({ kind, id }) : toRequestError(error)

/** A 400 (or one of `statuses`) to a write is a `RestRejectedError` with the service's message. */
const rejected = (kind: RejectedKind, statuses: ReadonlyArray<number> = [400]) => (error: RestRequestError) =>
  answered(error, statuses)
    ? new RestRejectedError({
      kind,
      method: error.method,
      path: error.path,
      status: error.status,
      serviceMessage: error.serviceMessage ?? error.description
    })
    : toRequestError(error)

const notFoundOrRejected = (kind: NotFoundKind & RejectedKind, id: string) => (error: RestRequestError) =>
  answered(error, [404]) ? new RestNotFoundError({ kind, id }) : rejected(kind)(error)

const invalidRequest = (method: string, path: string, description: string) =>
  new RestRequestError({ reason: "InvalidRequest", method, path, description })

const numberParams = (
  options: Readonly<Record<string, number | undefined>>
): Record<string, string> => {
  const params: Record<string, string> = {}
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined) params[name] = String(value)
  }
  return params
}

const textParams = (
  options: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
): Record<string, string | ReadonlyArray<string>> => {
  const params: Record<string, string | ReadonlyArray<string>> = {}
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined) params[name] = value
  }
  return params
}

const nameSearchParams = (options: Rest.NameSearch) => ({
  ...textParams({ name: options.name, tags: options.tags }),
  ...numberParams({ offset: options.offset, limit: options.limit })
})

/**
 * Every result, page after page: each page starts where the results so far end; the stream ends
 * on an empty page, or once `count` results came where the answer has a count.
 */
const paged = <A>(
  path: string,
  pageSize: number | undefined,
  page: (offset: number, limit: number) => Effect.Effect<{
    readonly results: ReadonlyArray<A>
    readonly count?: number | undefined
  }, RestRequestError>
): Stream.Stream<A, RestRequestError> => {
  const size = pageSize ?? DEFAULT_PAGE_SIZE
  if (!Number.isSafeInteger(size) || size <= 0) {
    return Stream.fail(invalidRequest("GET", path, `pageSize must be a positive integer, got ${size}`))
  }
  return Stream.paginateChunkEffect(0, (offset) =>
    page(offset, size).pipe(Effect.map(({ count, results }) => {
      const next = offset + results.length
      const more = results.length > 0 && (count === undefined || next < count)
      return [Chunk.fromIterable(results), more ? Option.some(next) : Option.none()] as const
    })))
}

const asArray = <A>(results: ReadonlyArray<A>) => ({ results })

/** The operations of one kind of object that has an id, can be searched by name, and written. */
const family = <A, I>(
  client: Client,
  collection: string,
  kind: NotFoundKind & RejectedKind,
  item: Schema.Schema<A, I>
) => {
  const page = schema.Page(item)
  const search = (options: Rest.NameSearch = {}) =>
    client.json({ method: "GET", segments: [collection], params: nameSearchParams(options) }, page).pipe(
      Effect.mapError(toRequestError)
    )
  return {
    get: (id: string) =>
      client.json({ method: "GET", segments: [collection, id] }, item).pipe(
        Effect.mapError(notFound(kind, id))
      ),
    search,
    stream: (options: Rest.NameStream = {}) =>
      paged(
        `/v2/${collection}`,
        options.pageSize,
        (offset, limit) => search({ name: options.name, tags: options.tags, offset, limit })
      ),
    create: (body: object, params?: Call["params"]) =>
      client.json({ method: "POST", segments: [collection], body, params, idempotent: false }, item).pipe(
        Effect.mapError(rejected(kind))
      ),
    update: (id: string, body: object) =>
      client.json({ method: "PUT", segments: [collection, id], body }, item).pipe(
        Effect.mapError(notFoundOrRejected(kind, id))
      ),
    delete: (id: string) =>
      client.empty({ method: "DELETE", segments: [collection, id] }).pipe(
        Effect.mapError(notFound(kind, id))
      )
  }
}

/** @internal */
export const make = (options: Rest.Options): Effect.Effect<Rest.Service, ConfigurationError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const resolved = yield* options_.resolve(options)
    const client = yield* makeClient(resolved)

    const charts = family(client, "chart", "chart", schema.Chart)
    const dashboards = family(client, "dashboard", "dashboard", schema.Dashboard)
    const dashboardGroups = family(client, "dashboardgroup", "dashboardGroup", schema.DashboardGroup)
    const detectors = family(client, "detector", "detector", schema.Detector)

    const listIncidents = (options: Rest.IncidentSearch = {}) =>
      client.json({
        method: "GET",
        segments: ["incident"],
        params: {
          ...numberParams({ offset: options.offset, limit: options.limit }),
          ...(options.includeResolved === undefined ? {} : { includeResolved: String(options.includeResolved) })
        }
      }, schema.IncidentList).pipe(Effect.mapError(toRequestError))

    const searchDataLinks = (options: Rest.DataLinkSearch = {}) =>
      client.json({
        method: "GET",
        segments: ["crosslink"],
        params: {
          ...textParams({
            context: options.context,
            propertyName: options.propertyName,
            propertyValue: options.propertyValue,
            orderBy: options.orderBy
          }),
          ...numberParams({ offset: options.offset, limit: options.limit })
        }
      }, schema.Page(schema.DataLink)).pipe(Effect.mapError(toRequestError))

    return {
      organization: {
        get: () =>
          client.json({ method: "GET", segments: ["organization"] }, schema.Organization).pipe(
            Effect.mapError(toRequestError)
          )
      },
      charts: {
        get: charts.get,
        search: charts.search,
        stream: charts.stream,
        create: (chart) => charts.create(chart),
        update: charts.update,
        delete: charts.delete
      },
      dashboards: {
        get: dashboards.get,
        search: dashboards.search,
        stream: dashboards.stream,
        create: (dashboard) => dashboards.create(dashboard),
        update: dashboards.update,
        delete: dashboards.delete
      },
      dashboardGroups: {
        get: dashboardGroups.get,
        search: (options = {}) => dashboardGroups.search(options),
        stream: (options = {}) => dashboardGroups.stream(options),
        create: (group, createOptions = {}) =>
          dashboardGroups.create(group, createOptions.empty === true ? { empty: "true" } : undefined),
        update: dashboardGroups.update,
        delete: dashboardGroups.delete
      },
      detectors: {
        get: detectors.get,
        search: detectors.search,
        stream: detectors.stream,
        // A check only: nothing is created, so it is retried like a read.
        validate: (detector) =>
          client.empty({ method: "POST", segments: ["detector", "validate"], body: detector }).pipe(
            Effect.mapError(rejected("detector"))
          ),
        create: (detector) => detectors.create(detector),
        update: detectors.update,
        delete: detectors.delete,
        events: (id, eventOptions = {}) =>
          client.json({
            method: "GET",
            segments: ["detector", id, "events"],
            params: numberParams({
              from: eventOptions.from,
              to: eventOptions.to,
              offset: eventOptions.offset,
              limit: eventOptions.limit
            })
          }, schema.DetectorEventList).pipe(Effect.mapError(notFound("detector", id))),
        incidents: (id, incidentOptions = {}) =>
          client.json({
            method: "GET",
            segments: ["detector", id, "incidents"],
            params: numberParams({ offset: incidentOptions.offset, limit: incidentOptions.limit })
          }, schema.IncidentList).pipe(Effect.mapError(notFound("detector", id)))
      },
      incidents: {
        get: (id) =>
          client.json({ method: "GET", segments: ["incident", id] }, schema.Incident).pipe(
            Effect.mapError(notFound("incident", id))
          ),
        list: listIncidents,
        stream: (streamOptions = {}) =>
          paged(
            "/v2/incident",
            streamOptions.pageSize,
            (offset, limit) =>
              Effect.map(
                listIncidents({ includeResolved: streamOptions.includeResolved, offset, limit }),
                asArray
              )
          ),
        clear: (id) =>
          client.empty({ method: "PUT", segments: ["incident", id, "clear"] }).pipe(
            Effect.mapError(notFound("incident", id))
          )
      },
      dataLinks: {
        get: (id) =>
          client.json({ method: "GET", segments: ["crosslink", id] }, schema.DataLink).pipe(
            Effect.mapError(notFound("dataLink", id))
          ),
        search: searchDataLinks,
        stream: (streamOptions = {}) =>
          paged("/v2/crosslink", streamOptions.pageSize, (offset, limit) =>
            searchDataLinks({
              context: streamOptions.context,
              propertyName: streamOptions.propertyName,
              propertyValue: streamOptions.propertyValue,
              orderBy: streamOptions.orderBy,
              offset,
              limit
            }))
      }
    }
  })

/** @internal */
export const login = (
  options: Rest.LoginOptions
): Effect.Effect<Rest.Session, RestRejectedError | RestRequestError | ConfigurationError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    if (Redacted.value(options.password) === "") {
      return yield* new ConfigurationError({ option: "password", reason: "must not be empty" })
    }
    if (options.email.trim() === "") {
      return yield* new ConfigurationError({ option: "email", reason: "must not be empty" })
    }
    const { email, organizationId, password, ...clientOptions } = options
    // The client's secret is the password: every message it makes is scrubbed of it. It travels
    // only in the body; `withoutToken` keeps it out of the token header.
    const resolved = yield* Either.mapLeft(
      options_.resolve({ ...clientOptions, token: password }),
      (error) => error.option === "token" ? new ConfigurationError({ option: "password", reason: error.reason }) : error
    )
    const client = yield* makeClient(resolved)
    return yield* client.json({
      method: "POST",
      segments: ["session"],
      body: {
        email,
        password: Redacted.value(password),
        ...(organizationId === undefined ? {} : { organizationId })
      },
      withoutToken: true
    }, schema.Session).pipe(Effect.mapError(rejected("session", [400, 401, 403])))
  })
