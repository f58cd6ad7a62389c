/**
 * The REST API beyond metadata declared: for each operation its request, answer, missing object
 * (a 404 about the object named) and refusal (a 400 to a write, with the service's message), and
 * the paging streams. Both packages' `Rest.Service` is this table, interpreted
 * (`internal/rest/operation.ts`); the arguments' types are here, the answers' schemas in each
 * package.
 */
import type { Item, MissingKind, RefusedKind, Request } from "./declaration.js"
import { list, missing, one, operation, page, pages, refused } from "./declaration.js"

/**
 * One page of charts, dashboards or detectors: `name` matches part of the name, `tags` keeps the
 * objects that have one of them; `offset` and `limit` select the page.
 *
 * @since 0.2.0
 * @category models
 */
export interface NameSearch {
  readonly name?: string | undefined
  readonly tags?: ReadonlyArray<string> | undefined
  readonly offset?: number | undefined
  readonly limit?: number | undefined
}

/**
 * Every match of a search, as a stream that requests page after page of `pageSize` (100).
 *
 * @since 0.2.0
 * @category models
 */
export interface NameStream {
  readonly name?: string | undefined
  readonly tags?: ReadonlyArray<string> | undefined
  readonly pageSize?: number | undefined
}

/**
 * Incidents: active ones only, unless `includeResolved`.
 *
 * @since 0.2.0
 * @category models
 */
export interface IncidentSearch {
  readonly includeResolved?: boolean | undefined
  readonly offset?: number | undefined
  readonly limit?: number | undefined
}

/**
 * Data links, all of them or those of one `context`, `propertyName` or `propertyValue`.
 *
 * @since 0.2.0
 * @category models
 */
export interface DataLinkSearch {
  readonly context?: string | undefined
  readonly propertyName?: string | undefined
  readonly propertyValue?: string | undefined
  readonly orderBy?: string | undefined
  readonly offset?: number | undefined
  readonly limit?: number | undefined
}

/**
 * A chart to create, or to update (which **replaces** it: send back what was read, changed).
 * Any other field of the API goes along as it is.
 *
 * @since 0.2.0
 * @category models
 */
export interface ChartInput {
  readonly name: string
  readonly description?: string | undefined
  readonly programText?: string | undefined
  /** The visualization: `{type: "TimeSeriesChart", …}`. */
  readonly options?: Readonly<Record<string, unknown>> | undefined
  readonly tags?: ReadonlyArray<string> | undefined
  readonly [field: string]: unknown
}

/**
 * A dashboard to create or update. Without `groupId` the service puts a new dashboard in a new
 * group of its own.
 *
 * @since 0.2.0
 * @category models
 */
export interface DashboardInput {
  readonly name: string
  readonly groupId?: string | undefined
  readonly description?: string | undefined
  readonly charts?:
    | ReadonlyArray<{
      readonly chartId: string
      readonly row?: number | undefined
      readonly column?: number | undefined
      readonly width?: number | undefined
      readonly height?: number | undefined
      readonly [field: string]: unknown
    }>
    | undefined
  readonly [field: string]: unknown
}

/**
 * A dashboard group to create or update.
 *
 * @since 0.2.0
 * @category models
 */
export interface DashboardGroupInput {
  readonly name: string
  readonly description?: string | undefined
  readonly [field: string]: unknown
}

/**
 * A rule of a detector: the `publish` label of its program text that it alerts on, and the
 * severity (`Critical`, `Major`, `Minor`, `Warning` or `Info`).
 *
 * @since 0.2.0
 * @category models
 */
export interface DetectorRuleInput {
  readonly detectLabel: string
  readonly severity: string
  readonly [field: string]: unknown
}

/**
 * A detector to validate, create or update. Its program must parse, and each rule must name a
 * label the program publishes; otherwise the service refuses it with a `RestRejectedError`.
 *
 * @since 0.2.0
 * @category models
 */
export interface DetectorInput {
  readonly name: string
  readonly programText: string
  readonly rules: ReadonlyArray<DetectorRuleInput>
  readonly description?: string | undefined
  readonly tags?: ReadonlyArray<string> | undefined
  readonly [field: string]: unknown
}

/** Results per request of the `stream` operations, as the Python client's `batch_size`. */
const DEFAULT_PAGE_SIZE = 100

const window = (options: { readonly offset?: number | undefined; readonly limit?: number | undefined }) => ({
  offset: options.offset,
  limit: options.limit
})

const nameSearch = (collection: string) => (options: NameSearch = {}): Request => ({
  method: "GET",
  path: [collection],
  query: { name: options.name, tags: options.tags, ...window(options) }
})

/** The most common operation: read the object of `kind` whose id is the argument. */
const get = <const I extends Item>(collection: string, kind: MissingKind, item: I) =>
  operation({
    request: (id: string) => ({ method: "GET", path: [collection, id] }),
    answer: one(item),
    notFound: missing(kind)
  })

/**
 * The operations of a kind of object that has an id, can be searched by name, and written.
 * @internal
 */
export const family = <
  const I extends Item,
  Input,
  Search extends NameSearch = NameSearch,
  StreamOptions extends NameStream = NameStream
>(collection: string, kind: MissingKind & RefusedKind, item: I) => ({
  get: get(collection, kind, item),
  /** One page of the objects that match. */
  search: operation({ request: (options?: Search) => nameSearch(collection)(options), answer: page(item) }),
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
    answer: one(item),
    rejected: refused(kind),
    idempotent: false
  }),
  /** Replaces the object; answers it as stored. */
  update: operation({
    request: (id: string, input: Input) => ({ method: "PUT", path: [collection, id], body: input }),
    answer: one(item),
    notFound: missing(kind),
    rejected: refused(kind)
  }),
  delete: operation({
    request: (id: string) => ({ method: "DELETE", path: [collection, id] }),
    notFound: missing(kind)
  })
})

const listIncidents = (options: IncidentSearch = {}): Request => ({
  method: "GET",
  path: ["incident"],
  query: { ...window(options), includeResolved: options.includeResolved }
})

const searchDataLinks = (options: DataLinkSearch = {}): Request => ({
  method: "GET",
  path: ["crosslink"],
  query: {
    context: options.context,
    propertyName: options.propertyName,
    propertyValue: options.propertyValue,
    orderBy: options.orderBy,
    ...window(options)
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
    notFound: missing("detector"),
    rejected: refused("detector")
  })

const dashboardGroups = family<
  "DashboardGroup",
  DashboardGroupInput,
  Omit<NameSearch, "tags">,
  Omit<NameStream, "tags">
>("dashboardgroup", "dashboardGroup", "DashboardGroup")

/**
 * The Rest service's operations. Their doc comments are the service's (`Rest.Service`).
 * @internal
 */
export const restApi = {
  organization: {
    get: operation({ request: () => ({ method: "GET", path: ["organization"] }), answer: one("Organization") })
  },
  charts: family<"Chart", ChartInput>("chart", "chart", "Chart"),
  dashboards: family<"Dashboard", DashboardInput>("dashboard", "dashboard", "Dashboard"),
  dashboardGroups: {
    ...dashboardGroups,
    /** Creates a group; the service adds a first dashboard to it unless `empty` is set. */
    create: operation({
      request: (input: DashboardGroupInput, options: { readonly empty?: boolean | undefined } = {}) => ({
        method: "POST",
        path: ["dashboardgroup"],
        query: { empty: options.empty === true ? "true" : undefined },
        body: input
      }),
      answer: one("DashboardGroup"),
      rejected: refused("dashboardGroup"),
      idempotent: false
    })
  },
  detectors: {
    ...family<"Detector", DetectorInput>("detector", "detector", "Detector"),
    /** Checks a detector without creating it; fails with a `RestRejectedError` if refused. */
    validate: operation({
      // A check only: nothing is created, so it is retried like a read.
      request: (input: DetectorInput) => ({ method: "POST", path: ["detector", "validate"], body: input }),
      rejected: refused("detector")
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
        query: { from: options.from, to: options.to, ...window(options) }
      }),
      answer: list("DetectorEvent"),
      notFound: missing("detector")
    }),
    /** The detector's active incidents. */
    incidents: operation({
      request: (id: string, options: {
        readonly offset?: number | undefined
        readonly limit?: number | undefined
      } = {}) => ({ method: "GET", path: ["detector", id, "incidents"], query: window(options) }),
      answer: list("Incident"),
      notFound: missing("detector")
    })
  },
  incidents: {
    get: get("incident", "incident", "Incident"),
    /** One page of incidents, the active ones unless `includeResolved`. */
    list: operation({ request: listIncidents, answer: list("Incident") }),
    /** Every incident, page by page, until a page comes back empty. */
    stream: pages({
      options: (options: {
        readonly includeResolved?: boolean | undefined
        readonly pageSize?: number | undefined
      } = {}) => options,
      search: listIncidents,
      items: "Incident",
      counted: false,
      pageSize: DEFAULT_PAGE_SIZE
    }),
    /** Clears (resolves) the incident. */
    clear: operation({
      request: (id: string) => ({ method: "PUT", path: ["incident", id, "clear"] }),
      notFound: missing("incident")
    })
  },
  dataLinks: {
    get: get("crosslink", "dataLink", "DataLink"),
    search: operation({ request: searchDataLinks, answer: page("DataLink") }),
    stream: pages({
      options: (
        options: Omit<DataLinkSearch, "offset" | "limit"> & { readonly pageSize?: number | undefined } = {}
      ) => options,
      search: searchDataLinks,
      items: "DataLink",
      counted: true,
      pageSize: DEFAULT_PAGE_SIZE
    })
  }
} as const

/**
 * What a login sends: the user's email and password (in the body, never as the token), and the
 * organization when the email belongs to several.
 * @internal
 */
export interface Credentials {
  readonly email: string
  readonly password: string
  readonly organizationId?: string | undefined
}

/**
 * `POST /v2/session`: a refusal (400, 401 or 403) is the service's word on the credentials.
 * @internal
 */
export const login = operation({
  request: ({ email, organizationId, password }: Credentials) => ({
    method: "POST",
    path: ["session"],
    body: { email, password, ...(organizationId === undefined ? {} : { organizationId }) }
  }),
  answer: one("Session"),
  rejected: refused("session", [400, 401, 403]),
  withoutToken: true
})

/**
 * Why a login cannot be tried, as the option and the reason of a `ConfigurationError`.
 * @internal
 */
export const credentialsProblem = (
  credentials: Pick<Credentials, "email" | "password">
): { readonly option: "email" | "password"; readonly reason: string } | undefined =>
  credentials.password === ""
    ? { option: "password", reason: "must not be empty" }
    : credentials.email.trim() === ""
    ? { option: "email", reason: "must not be empty" }
    : undefined
