/**
 * The local server's REST API beyond metadata, in memory: the organization, charts, dashboards,
 * dashboard groups, detectors (validated: the program must parse and each rule name a published
 * label), incidents (raised by the test through the server, cleared through the API), data links
 * and user sessions. Objects are plain JSON objects, so fields a client sends and the server does
 * not know are kept and returned, as the service does.
 *
 * Searches match `name` as a case-insensitive part of the name, and `tags` (repeatable) as any of
 * the object's tags; results come in creation order, `offset` and `limit` (default 50) page them.
 */
import { randomBytes } from "node:crypto"
import { peerText } from "../peerText.js"
import type { JsonValue } from "../wire/jsonParse.js"
import { checkDetector } from "./detectorProgram.js"
import type { JsonObject } from "./metadataStore.js"
import { isObject, isStringArray } from "./metadataStore.js"
import type { RestResult, Route } from "./router.js"
import { errorResult, ok, param } from "./router.js"

const error = errorResult

const noContent: RestResult = { status: 204 }

/** Some of the service's deletes answer 200 without a body, others 204. */
const emptyOk: RestResult = { status: 200 }

const DEFAULT_LIMIT = 50

/** Ids look like the service's: 11 characters of base64url. */
const newId = (): string => randomBytes(8).toString("base64url")

const parseIntParam = (text: string | null, fallback: number): number | undefined => {
  if (text === null || text === "") return fallback
  if (!/^\d+$/.test(text)) return undefined
  return Number(text)
}

const pageOf = (params: URLSearchParams): { readonly offset: number; readonly limit: number } | RestResult => {
  const offset = parseIntParam(params.get("offset"), 0)
  const limit = parseIntParam(params.get("limit"), DEFAULT_LIMIT)
  if (offset === undefined || limit === undefined) return error(400, "offset and limit must be non-negative integers")
  return { offset, limit }
}

const isResult = (value: object): value is RestResult => "status" in value

const booleanParam = (params: URLSearchParams, ...names: ReadonlyArray<string>): boolean =>
  names.some((name) => params.get(name)?.toLowerCase() === "true")

/**
 * A user the server logs in with `POST /v2/session`.
 * @internal
 */
export interface User {
  readonly email: string
  readonly password: string
}

/** What an incident raised by a test looks like. @internal */
export interface RaiseIncident {
  readonly detectorId: string
  readonly detectLabel?: string | undefined
  readonly severity?: string | undefined
  readonly inputs?: Readonly<Record<string, unknown>> | undefined
}

type Collection = "chart" | "dashboard" | "dashboardgroup" | "detector" | "crosslink"

const COLLECTIONS: ReadonlyArray<Collection> = ["chart", "dashboard", "dashboardgroup", "detector", "crosslink"]

const labels: Readonly<Record<Collection, string>> = {
  chart: "chart",
  dashboard: "dashboard",
  dashboardgroup: "dashboard group",
  detector: "detector",
  crosslink: "data link"
}

/** @internal */
export class RestStore {
  private readonly tables: Record<Collection, Map<string, JsonObject>> = {
    chart: new Map(),
    dashboard: new Map(),
    dashboardgroup: new Map(),
    detector: new Map(),
    crosslink: new Map()
  }
  private readonly incidents = new Map<string, JsonObject>()
  private readonly sessions = new Set<string>()
  private readonly organization: JsonObject

  constructor(private readonly users: ReadonlyArray<User> = [], private readonly now: () => number = Date.now) {
    this.organization = { id: newId(), organizationName: "FakeSignalFx", created: now() }
  }

  clear(): void {
    for (const table of Object.values(this.tables)) table.clear()
    this.incidents.clear()
    this.sessions.clear()
  }

  /** Whether `token` is a session token this server handed out. */
  hasSession(token: string): boolean {
    return this.sessions.has(token)
  }

  /** `POST /v2/session`, which needs no token. */
  private login(body: JsonValue): RestResult {
    if (!isObject(body) || typeof body.email !== "string" || typeof body.password !== "string") {
      return error(400, "email and password are required")
    }
    const { email, password } = body
    if (!this.users.some((user) => user.email === email && user.password === password)) {
      return error(401, "invalid email or password")
    }
    const accessToken = randomBytes(16).toString("base64url")
    this.sessions.add(accessToken)
    const now = this.now()
    return ok({
      accessToken,
      authMethod: "password",
      createdMs: now,
      expiryMs: now + 24 * 60 * 60 * 1000,
      disabled: false,
      email,
      id: newId(),
      organizationId: typeof this.organization.id === "string" ? this.organization.id : "",
      sessionType: "ORG_USER",
      userId: newId()
    })
  }

  /**
   * The routes, each to its handler. A new REST operation is one entry here (and its handler
   * below): the dispatcher (`router.ts`) takes care of the token, faults, the body and recording.
   */
  readonly routes: ReadonlyArray<Route> = [
    { method: "GET", path: "/v2/organization", handle: () => ok(this.organization) },
    { method: "POST", path: "/v2/session", access: "login", handle: (request) => this.login(request.json()) },
    { method: "DELETE", path: "/v2/session", handle: (request) => this.logout(request.token) },
    { method: "GET", path: "/v2/incident", handle: ({ query }) => this.listIncidents(query, () => true) },
    { method: "GET", path: "/v2/incident/:id", handle: ({ params }) => this.getIncident(param(params, "id")) },
    { method: "PUT", path: "/v2/incident/:id/clear", handle: ({ params }) => this.clearIncident(param(params, "id")) },
    {
      method: "POST",
      path: "/v2/detector/validate",
      handle: (request) => checkDetector(request.json(), "validate") ?? noContent
    },
    {
      method: "PUT",
      path: "/v2/detector/:id/disable",
      handle: (request) => this.setRulesDisabled(param(request.params, "id"), request.json(), true)
    },
    {
      method: "PUT",
      path: "/v2/detector/:id/enable",
      handle: (request) => this.setRulesDisabled(param(request.params, "id"), request.json(), false)
    },
    {
      method: "GET",
      path: "/v2/detector/:id/events",
      handle: ({ params, query }) => this.detectorEvents(param(params, "id"), query)
    },
    {
      method: "GET",
      path: "/v2/detector/:id/incidents",
      handle: ({ params, query }) => this.detectorIncidents(param(params, "id"), query)
    },
    ...[...COLLECTIONS].flatMap((collection): Array<Route> => [
      { method: "GET", path: `/v2/${collection}`, handle: ({ query }) => this.search(collection, query) },
      {
        method: "POST",
        path: `/v2/${collection}`,
        handle: (request) => this.create(collection, request.json(), request.query)
      },
      {
        method: "GET",
        path: `/v2/${collection}/:id`,
        handle: ({ params }) => this.read(collection, param(params, "id"))
      },
      {
        method: "PUT",
        path: `/v2/${collection}/:id`,
        handle: (request) => this.update(collection, param(request.params, "id"), request.json())
      },
      {
        method: "DELETE",
        path: `/v2/${collection}/:id`,
        handle: ({ params }) => this.delete(collection, param(params, "id"))
      }
    ])
  ]

  /** Raises an incident on a detector, as its program would; answers the incident's id. */
  raiseIncident(options: RaiseIncident): string {
    const detector = this.tables.detector.get(options.detectorId)
    if (detector === undefined) {
      throw new TypeError(`no detector with id ${peerText(JSON.stringify(options.detectorId))}`)
    }
    const rules = Array.isArray(detector.rules) ? detector.rules.filter(isObject) : []
    const label = options.detectLabel ?? (typeof rules[0]?.detectLabel === "string" ? rules[0].detectLabel : "")
    const rule = rules.find((candidate) => candidate.detectLabel === label)
    const severity = options.severity ?? (typeof rule?.severity === "string" ? rule.severity : "Critical")
    const incidentId = newId()
    const fields = {
      detectorId: options.detectorId,
      detectorName: typeof detector.name === "string" ? detector.name : "",
      detectLabel: label,
      severity
    }
    const inputs = toJson(options.inputs ?? {})
    this.incidents.set(incidentId, {
      incidentId,
      ...fields,
      active: true,
      anomalyState: "ANOMALOUS",
      inputs,
      events: [this.event(incidentId, fields, "ANOMALOUS", inputs)]
    })
    return incidentId
  }

  private event(incidentId: string, fields: JsonObject, anomalyState: string, inputs: JsonValue): JsonObject {
    return {
      id: newId(),
      incidentId,
      ...fields,
      anomalyState,
      inputs,
      event_annotations: {},
      timestamp: this.now()
    }
  }

  private logout(token: string | undefined): RestResult {
    return token !== undefined && this.sessions.delete(token) ? noContent : error(401, "not a session token")
  }

  private read(collection: Collection, id: string): RestResult {
    return this.tables[collection].has(id) ? ok(this.get(collection, id)) : this.missing(collection, id)
  }

  private detectorIncidents(id: string, params: URLSearchParams): RestResult {
    if (!this.tables.detector.has(id)) return this.missing("detector", id)
    return this.listIncidents(params, (incident) => incident.detectorId === id, true)
  }

  /** Disables (or enables) the detector's rules of the labels in `body`, as the service does. */
  private setRulesDisabled(id: string, body: JsonValue, disabled: boolean): RestResult {
    const detector = this.tables.detector.get(id)
    if (detector === undefined) return this.missing("detector", id)
    if (!isStringArray(body) || body.length === 0) {
      return error(400, "the body must be a non-empty array of detect labels")
    }
    const rules = Array.isArray(detector.rules) ? detector.rules.filter(isObject) : []
    const unknown = body.find((label) => !rules.some((rule) => rule.detectLabel === label))
    if (unknown !== undefined) {
      return error(400, `the detector has no rule with the detectLabel ${peerText(JSON.stringify(unknown))}`)
    }
    this.tables.detector.set(id, {
      ...detector,
      rules: rules.map((rule) =>
        typeof rule.detectLabel === "string" && body.includes(rule.detectLabel) ? { ...rule, disabled } : rule
      ),
      lastUpdated: this.now()
    })
    return noContent
  }

  private missing(collection: Collection, id: string): RestResult {
    return error(404, `${labels[collection]} ${peerText(JSON.stringify(id))} not found`)
  }

  private get(collection: Collection, id: string): JsonObject {
    const object = this.tables[collection].get(id)
    if (object === undefined) return {}
    if (collection !== "dashboardgroup") return object
    // A group lists its dashboards as they are now.
    const dashboards = [...this.tables.dashboard.values()].filter((dashboard) => dashboard.groupId === id)
      .map((dashboard) => dashboard.id ?? null)
    return { ...object, dashboards }
  }

  private search(collection: Collection, params: URLSearchParams): RestResult {
    const page = pageOf(params)
    if (isResult(page)) return page
    const name = params.get("name")?.toLowerCase()
    const tags = params.getAll("tags").flatMap((tag) => tag.split(",")).filter((tag) => tag !== "")
    const matches = [...this.tables[collection].keys()].map((id) => this.get(collection, id)).filter((object) =>
      (name === undefined || name === "" ||
        (typeof object.name === "string" && object.name.toLowerCase().includes(name))) &&
      (tags.length === 0 || (isStringArray(object.tags) && object.tags.some((tag) => tags.includes(tag)))) &&
      (collection !== "crosslink" || this.matchesDataLink(object, params))
    )
    return ok({ count: matches.length, results: matches.slice(page.offset, page.offset + page.limit) })
  }

  private matchesDataLink(object: JsonObject, params: URLSearchParams): boolean {
    const context = params.get("context")
    const propertyName = params.get("propertyName")
    const propertyValue = params.get("propertyValue")
    return (context === null || context === "" || object.contextId === context) &&
      (propertyName === null || propertyName === "" || object.propertyName === propertyName) &&
      (propertyValue === null || propertyValue === "" || object.propertyValue === propertyValue)
  }

  /** The problem with a body for `collection`, if any. */
  private check(collection: Collection, body: JsonObject): RestResult | undefined {
    if (collection === "detector") return checkDetector(body, "save")
    if (collection === "crosslink") {
      return typeof body.propertyName === "string" && body.propertyName !== ""
        ? undefined
        : error(400, "propertyName is required")
    }
    if (typeof body.name !== "string" || body.name.trim() === "") return error(400, "name is required")
    if (body.tags !== undefined && body.tags !== null && !isStringArray(body.tags)) {
      return error(400, "tags must be an array of strings")
    }
    if (collection === "dashboard") {
      if (body.groupId !== undefined && body.groupId !== null) {
        if (typeof body.groupId !== "string" || !this.tables.dashboardgroup.has(body.groupId)) {
          return error(400, `dashboard group ${peerText(JSON.stringify(body.groupId))} does not exist`)
        }
      }
      const charts = body.charts ?? []
      if (!Array.isArray(charts)) return error(400, "charts must be an array")
      for (const chart of charts) {
        if (!isObject(chart) || typeof chart.chartId !== "string" || !this.tables.chart.has(chart.chartId)) {
          return error(
            400,
            `chart ${peerText(JSON.stringify(isObject(chart) ? chart.chartId ?? null : chart))} does not exist`
          )
        }
      }
    }
    return undefined
  }

  private defaults(collection: Collection): JsonObject {
    switch (collection) {
      case "detector":
        return { description: "", tags: [], teams: [], customProperties: {}, labelResolutions: {} }
      case "crosslink":
        return { targets: [] }
      case "dashboardgroup":
        return { description: "", dashboards: [], teams: [] }
      default:
        return { description: "", tags: [] }
    }
  }

  private save(collection: Collection, id: string, body: JsonObject, existing: JsonObject | undefined): JsonObject {
    const now = this.now()
    const object: JsonObject = {
      ...this.defaults(collection),
      ...body,
      id,
      created: existing?.created ?? now,
      creator: existing?.creator ?? null,
      lastUpdated: now,
      lastUpdatedBy: existing?.lastUpdatedBy ?? null
    }
    this.tables[collection].set(id, object)
    return object
  }

  private create(collection: Collection, body: JsonValue, params: URLSearchParams): RestResult {
    if (!isObject(body)) return error(400, "the body must be a JSON object")
    const problem = this.check(collection, body)
    if (problem !== undefined) return problem
    const id = newId()
    if (collection === "dashboard" && (body.groupId === undefined || body.groupId === null)) {
      // Like the service: a dashboard without a group gets a group of its own.
      const group = this.save("dashboardgroup", newId(), { name: body.name ?? "" }, undefined)
      this.save(collection, id, { ...body, groupId: group.id ?? null }, undefined)
    } else {
      this.save(collection, id, body, undefined)
    }
    if (collection === "dashboardgroup" && !booleanParam(params, "empty")) {
      this.save("dashboard", newId(), { name: body.name ?? "", groupId: id, charts: [] }, undefined)
    }
    return ok(this.get(collection, id))
  }

  private update(collection: Collection, id: string, body: JsonValue): RestResult {
    const existing = this.tables[collection].get(id)
    if (existing === undefined) return this.missing(collection, id)
    if (!isObject(body)) return error(400, "the body must be a JSON object")
    if (body.id !== undefined && body.id !== id) {
      return error(400, `id ${peerText(JSON.stringify(body.id))} does not match the path`)
    }
    const problem = this.check(collection, body)
    if (problem !== undefined) return problem
    // A dashboard sent without its group stays where it is.
    const keepGroup = collection === "dashboard" && (body.groupId === undefined || body.groupId === null)
    this.save(collection, id, keepGroup ? { ...body, groupId: existing.groupId ?? null } : body, existing)
    return ok(this.get(collection, id))
  }

  private delete(collection: Collection, id: string): RestResult {
    const table = this.tables[collection]
    if (!table.delete(id)) return this.missing(collection, id)
    switch (collection) {
      case "dashboardgroup":
        // Its dashboards go with it.
        for (const [dashboardId, dashboard] of this.tables.dashboard) {
          if (dashboard.groupId === id) this.tables.dashboard.delete(dashboardId)
        }
        return noContent
      case "detector":
      case "crosslink":
        return noContent
      default:
        return emptyOk
    }
  }

  private listIncidents(
    params: URLSearchParams,
    belongs: (incident: JsonObject) => boolean,
    activeOnly = false
  ): RestResult {
    const page = pageOf(params)
    if (isResult(page)) return page
    // The Python client spells it `include_resolved`, the API `includeResolved`: both work.
    const includeResolved = !activeOnly && booleanParam(params, "includeResolved", "include_resolved")
    const matches = [...this.incidents.values()].filter((incident) =>
      belongs(incident) && (includeResolved || incident.active === true)
    )
    return ok(matches.slice(page.offset, page.offset + page.limit))
  }

  private getIncident(id: string): RestResult {
    const incident = this.incidents.get(id)
    return incident === undefined ? error(404, `incident ${peerText(JSON.stringify(id))} not found`) : ok(incident)
  }

  private clearIncident(id: string): RestResult {
    const incident = this.incidents.get(id)
    if (incident === undefined) return error(404, `incident ${peerText(JSON.stringify(id))} not found`)
    if (incident.active === true) {
      const { detectLabel = null, detectorId = null, detectorName = null, severity = null } = incident
      const events = Array.isArray(incident.events) ? incident.events : []
      const resolved = this.event(
        id,
        { detectorId, detectorName, detectLabel, severity },
        "MANUALLY_RESOLVED",
        incident.inputs ?? {}
      )
      this.incidents.set(id, {
        ...incident,
        active: false,
        anomalyState: "MANUALLY_RESOLVED",
        events: [...events, resolved]
      })
    }
    return noContent
  }

  private detectorEvents(id: string, params: URLSearchParams): RestResult {
    if (!this.tables.detector.has(id)) return this.missing("detector", id)
    const page = pageOf(params)
    if (isResult(page)) return page
    const from = parseIntParam(params.get("from"), 0) ?? 0
    const to = parseIntParam(params.get("to"), Number.MAX_SAFE_INTEGER) ?? Number.MAX_SAFE_INTEGER
    const events = [...this.incidents.values()].filter((incident) => incident.detectorId === id).flatMap((
      incident
    ) => (Array.isArray(incident.events) ? incident.events.filter(isObject) : [])).filter((event) =>
      typeof event.timestamp === "number" && event.timestamp >= from && event.timestamp < to
    )
    return ok(events.slice(page.offset, page.offset + page.limit))
  }
}

/** A test's `inputs` as JSON: what JSON cannot carry is dropped, as `JSON.stringify` would. */
const toJson = (value: unknown): JsonValue => {
  const json: unknown = JSON.parse(JSON.stringify(value) ?? "null")
  return isJsonValue(json) ? json : null
}

const isJsonValue = (value: unknown): value is JsonValue =>
  value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean" ||
  (Array.isArray(value) && value.every(isJsonValue)) ||
  (typeof value === "object" && Object.values(value).every(isJsonValue))
