/**
 * The REST API beyond metadata declared: for each operation its request, answer, missing object
 * (a 404 about the object named) and refusal (a 400 to a write, with the service's message), and
 * the paging streams, over the same request client as the Metadata service. `Rest.Service` is
 * the type of what {@link operations} answers.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import type * as Rest from "../../Rest.js"
import { ConfigurationError } from "../../SignalFxError.js"
import type { RestNotFoundError, RestRejectedError, RestRequestError } from "../../SignalFxError.js"
import type { Client } from "../http/client.js"
import { makeClient } from "../http/client.js"
import * as options_ from "../metadata/options.js"
import type { Request } from "./operation.js"
import { interpreter, notFound, rejected, typedAs } from "./operation.js"
import * as schema from "./schema.js"

/** Results per request of the `stream` operations, as the Python client's `batch_size`. */
const DEFAULT_PAGE_SIZE = 100

// The schemas as the public interfaces name their types, so that the operations' types read `Chart`.
const Organization = typedAs<Rest.Organization>()(schema.Organization)
const Chart = typedAs<Rest.Chart>()(schema.Chart)
const Dashboard = typedAs<Rest.Dashboard>()(schema.Dashboard)
const DashboardGroup = typedAs<Rest.DashboardGroup>()(schema.DashboardGroup)
const Detector = typedAs<Rest.Detector>()(schema.Detector)
const Incident = typedAs<Rest.Incident>()(schema.Incident)
const DataLink = typedAs<Rest.DataLink>()(schema.DataLink)
const DetectorEventList = typedAs<ReadonlyArray<Rest.DetectorEvent>>()(schema.DetectorEventList)
const IncidentList = typedAs<ReadonlyArray<Rest.Incident>>()(schema.IncidentList)
const Page = <A, I>(item: Schema.Schema<A, I>) => typedAs<Rest.Page<A>>()(schema.Page(item))

const page = (options: { readonly offset?: number | undefined; readonly limit?: number | undefined }) => ({
  offset: options.offset,
  limit: options.limit
})

const nameSearch = (collection: string) => (options: Rest.NameSearch = {}): Request => ({
  method: "GET",
  path: [collection],
  query: { name: options.name, tags: options.tags, ...page(options) }
})

type Encoded<S> = Schema.Schema.Encoded<S>

type Kind = RestNotFoundError["kind"] & RestRejectedError["kind"]

/**
 * The operations of a kind of object that has an id, can be searched by name, and written.
 * @internal
 */
export const family = <
  A,
  I,
  Input,
  Search extends Rest.NameSearch = Rest.NameSearch,
  StreamOptions extends Rest.NameStream = Rest.NameStream
>(
  { get, operation, pages }: ReturnType<typeof interpreter>,
  collection: string,
  kind: Kind,
  item: Schema.Schema<A, I>
) =>
  ({
    get: get(collection, kind, item),
    /** One page of the objects that match. */
    search: operation({ request: (options?: Search) => nameSearch(collection)(options), answer: Page(item) }),
    /** Every object that matches, page by page. */
    stream: pages({
      options: (options?: StreamOptions) => options ?? {},
      search: nameSearch(collection),
      items: item,
      counted: true,
      pageSize: DEFAULT_PAGE_SIZE
    }),
    /** Creates the object; answers it as stored, with its `id`. Retried only on 429. */
    create: operation({
      request: (input: Input) => ({ method: "POST", path: [collection], body: input }),
      answer: item,
      rejected: rejected(kind),
      idempotent: false
    }),
    /** Replaces the object; answers it as stored. */
    update: operation({
      request: (id: string, input: Input) => ({ method: "PUT", path: [collection, id], body: input }),
      answer: item,
      notFound: notFound(kind),
      rejected: rejected(kind)
    }),
    delete: operation({
      request: (id: string) => ({ method: "DELETE", path: [collection, id] }),
      notFound: notFound(kind)
    })
  }) as const

/**
 * The operations over `client`. Their doc comments are the service's (`Rest.Service`).
 * @internal
 */
export const operations = (client: Client) => {
  const interpret = interpreter(client)
  const { get, operation, pages } = interpret
  const dashboardGroups = family<
    Rest.DashboardGroup,
    Encoded<typeof DashboardGroup>,
    Rest.DashboardGroupInput,
    Omit<Rest.NameSearch, "tags">,
    Omit<Rest.NameStream, "tags">
  >(interpret, "dashboardgroup", "dashboardGroup", DashboardGroup)
  const listIncidents = (options: Rest.IncidentSearch = {}): Request => ({
    method: "GET",
    path: ["incident"],
    query: { ...page(options), includeResolved: options.includeResolved }
  })
  const searchDataLinks = (options: Rest.DataLinkSearch = {}): Request => ({
    method: "GET",
    path: ["crosslink"],
    query: {
      context: options.context,
      propertyName: options.propertyName,
      propertyValue: options.propertyValue,
      orderBy: options.orderBy,
      ...page(options)
    }
  })
  /** Turns the detector's rules of `detectLabels` off or on. */
  const setRules = (action: "disable" | "enable") =>
    operation({
      request: (id: string, detectLabels: ReadonlyArray<string>) => ({
        method: "PUT",
        path: ["detector", id, action],
        body: detectLabels
      }),
      notFound: notFound("detector"),
      rejected: rejected("detector")
    })
  return {
    organization: {
      get: operation({ request: () => ({ method: "GET", path: ["organization"] }), answer: Organization })
    },
    charts: family<Rest.Chart, Encoded<typeof Chart>, Rest.ChartInput>(interpret, "chart", "chart", Chart),
    dashboards: family<Rest.Dashboard, Encoded<typeof Dashboard>, Rest.DashboardInput>(
      interpret,
      "dashboard",
      "dashboard",
      Dashboard
    ),
    dashboardGroups: {
      ...dashboardGroups,
      /** Creates a group; the service adds a first dashboard to it unless `empty` is set. */
      create: operation({
        request: (input: Rest.DashboardGroupInput, options: { readonly empty?: boolean | undefined } = {}) => ({
          method: "POST",
          path: ["dashboardgroup"],
          query: { empty: options.empty === true ? "true" : undefined },
          body: input
        }),
        answer: DashboardGroup,
        rejected: rejected("dashboardGroup"),
        idempotent: false
      })
    },
    detectors: {
      ...family<Rest.Detector, Encoded<typeof Detector>, Rest.DetectorInput>(
        interpret,
        "detector",
        "detector",
        Detector
      ),
      /** Checks a detector without creating it; fails with a `RestRejectedError` if refused. */
      validate: operation({
        // A check only: nothing is created, so it is retried like a read.
        request: (input: Rest.DetectorInput) => ({ method: "POST", path: ["detector", "validate"], body: input }),
        rejected: rejected("detector")
      }),
      /**
       * Stops the rules of these `detectLabel`s from alerting, until `enable`d; the detector
       * keeps running. Fails with a `RestRejectedError` naming a label it has no rule for.
       */
      disable: setRules("disable"),
      /** Lets the rules of these `detectLabel`s alert again. */
      enable: setRules("enable"),
      /** The detector's events; `from` and `to` in milliseconds since the epoch. */
      events: operation({
        request: (id: string, options: {
          readonly from?: number | undefined
          readonly to?: number | undefined
          readonly offset?: number | undefined
          readonly limit?: number | undefined
        } = {}) => ({
          method: "GET",
          path: ["detector", id, "events"],
          query: { from: options.from, to: options.to, ...page(options) }
        }),
        answer: DetectorEventList,
        notFound: notFound("detector")
      }),
      /** The detector's active incidents. */
      incidents: operation({
        request: (id: string, options: {
          readonly offset?: number | undefined
          readonly limit?: number | undefined
        } = {}) => ({ method: "GET", path: ["detector", id, "incidents"], query: page(options) }),
        answer: IncidentList,
        notFound: notFound("detector")
      })
    },
    incidents: {
      get: get("incident", "incident", Incident),
      /** One page of incidents, the active ones unless `includeResolved`. */
      list: operation({ request: listIncidents, answer: IncidentList }),
      /** Every incident, page by page, until a page comes back empty. */
      stream: pages({
        options: (options: {
          readonly includeResolved?: boolean | undefined
          readonly pageSize?: number | undefined
        } = {}) => options,
        search: listIncidents,
        items: Incident,
        counted: false,
        pageSize: DEFAULT_PAGE_SIZE
      }),
      /** Clears (resolves) the incident. */
      clear: operation({
        request: (id: string) => ({ method: "PUT", path: ["incident", id, "clear"] }),
        notFound: notFound("incident")
      })
    },
    dataLinks: {
      get: get("crosslink", "dataLink", DataLink),
      search: operation({ request: searchDataLinks, answer: Page(DataLink) }),
      stream: pages({
        options: (
          options: Omit<Rest.DataLinkSearch, "offset" | "limit"> & { readonly pageSize?: number | undefined } = {}
        ) => options,
        search: searchDataLinks,
        items: DataLink,
        counted: true,
        pageSize: DEFAULT_PAGE_SIZE
      })
    }
  } as const
}

/** @internal */
export const make = (options: Rest.Options): Effect.Effect<Rest.Service, ConfigurationError, HttpClient.HttpClient> =>
  Effect.flatMap(options_.resolve(options), (resolved) => Effect.map(makeClient(resolved), operations))

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
    const { operation } = interpreter(yield* makeClient(resolved))
    return yield* operation({
      request: () => ({
        method: "POST",
        path: ["session"],
        body: { email, password: Redacted.value(password), ...(organizationId === undefined ? {} : { organizationId }) }
      }),
      answer: typedAs<Rest.Session>()(schema.Session),
      rejected: rejected("session", [400, 401, 403]),
      withoutToken: true
    })()
  })
