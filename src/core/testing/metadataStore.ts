/**
 * The in-memory metadata of the local server (docs/protocol.md §3): metrics, dimensions, metric
 * time series and tags. Ingest creates the first three as the service does; the REST handlers
 * read and write all four. Objects are plain JSON objects so that unknown fields a client PUTs
 * are kept and returned, as the service does.
 */
import { createHash } from "node:crypto"
import { peerText } from "../peerText.js"
import { setEntry } from "../record.js"
import type { JsonValue } from "../wire/jsonParse.js"
import type { DecodedDatapoint, WireMetricType } from "../wire/records.js"
import type { FieldValues } from "./query.js"
import { compile } from "./query.js"
import type { RestResult, Route } from "./router.js"
import { errorResult, ok, param } from "./router.js"

/** @internal */
export type JsonObject = { readonly [key: string]: JsonValue }

/** @internal */
export type Kind = "metric" | "dimension" | "metrictimeseries" | "tag"

const error = errorResult

const metricTypeNames: Readonly<Record<WireMetricType, string>> = {
  gauge: "GAUGE",
  counter: "COUNTER",
  cumulative_counter: "CUMULATIVE_COUNTER",
  enum: "ENUM"
}

// The service caps paging at 10,000 results (inferred, docs/protocol.md §3).
const MAX_WINDOW = 10_000
const DEFAULT_LIMIT = 50

/** @internal */
export const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** @internal */
export const isStringArray = (value: JsonValue | undefined): value is ReadonlyArray<string> =>
  Array.isArray(value) && value.every((item) => typeof item === "string")

const sortedEntries = (record: Readonly<Record<string, string>>): Array<[string, string]> =>
  Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

/**
 * A time series id that depends only on the metric and its dimensions, so a test can compute
 * nothing and still find the same id after a restart. Dimension order does not matter.
 */
const timeSeriesId = (metric: string, dimensions: Readonly<Record<string, string>>): string =>
  createHash("sha256").update(JSON.stringify([metric, sortedEntries(dimensions)])).digest("base64url").slice(0, 11)

const dimensionKey = (key: string, value: string): string => JSON.stringify([key, value])

const scalarString = (value: JsonValue | undefined): Array<string> =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean" || typeof value === "bigint"
    ? [String(value)]
    : []

/**
 * What a query field means on an object: the object's own field (an array field such as `tags`
 * matches any element), then a custom property, then for a time series one of its dimensions,
 * and for a dimension `key:value` itself, which is how users search dimensions (`host:server1`).
 * `sf_metric` names a metric or a time series' metric, as in the service.
 */
const fieldValues = (kind: Kind, object: JsonObject): FieldValues => (field) => {
  const name = field === "sf_metric" ? (kind === "metric" ? "name" : "metric") : field
  const own = object[name]
  if (own !== undefined) return isStringArray(own) ? own : scalarString(own)
  const customProperties = object.customProperties
  if (isObject(customProperties) && customProperties[field] !== undefined) {
    return scalarString(customProperties[field])
  }
  if (kind === "metrictimeseries" && isObject(object.dimensions)) return scalarString(object.dimensions[field])
  if (kind === "dimension" && object.key === field) return scalarString(object.value)
  return []
}

const compareJson = (a: JsonValue | undefined, b: JsonValue | undefined): number => {
  if (a === b) return 0
  if (a === undefined || a === null) return 1
  if (b === undefined || b === null) return -1
  if (typeof a === "number" && typeof b === "number") return a - b
  const left = String(a)
  const right = String(b)
  return left < right ? -1 : left > right ? 1 : 0
}

const parseIntParam = (text: string | null, fallback: number): number | undefined => {
  if (text === null || text === "") return fallback
  if (!/^\d+$/.test(text)) return undefined
  return Number(text)
}

/**
 * Checks `customProperties` (string values, or `null` where `allowNull`) and a tag list; returns
 * the problem, if any.
 */
const checkFields = (body: JsonObject, allowNull: boolean): string | undefined => {
  const customProperties = body.customProperties
  if (customProperties !== undefined && customProperties !== null) {
    if (!isObject(customProperties)) return "customProperties must be an object"
    for (const [key, value] of Object.entries(customProperties)) {
      if (typeof value !== "string" && !(allowNull && value === null)) {
        return `customProperties[${peerText(JSON.stringify(key))}] must be a string`
      }
    }
  }
  for (const field of ["tags", "tagsToRemove"]) {
    const tags = body[field]
    if (tags !== undefined && tags !== null && !isStringArray(tags)) return `${field} must be an array of strings`
  }
  return undefined
}

/** The user-editable fields of a new object; a tag is the one kind without a tag list. */
const defaults = (kind: Kind): JsonObject =>
  kind === "tag" ? { description: "", customProperties: {} } : { description: "", customProperties: {}, tags: [] }

/** @internal */
export class MetadataStore {
  private readonly metrics = new Map<string, JsonObject>()
  private readonly dimensions = new Map<string, JsonObject>()
  private readonly timeSeries = new Map<string, JsonObject>()
  private readonly tags = new Map<string, JsonObject>()

  constructor(private readonly now: () => number = Date.now) {}

  /** The routes, each to its handler; a new metadata operation is one entry here and its handler. */
  readonly routes: ReadonlyArray<Route> = [
    ...(["metric", "dimension", "metrictimeseries", "tag"] as const).map((kind): Route => ({
      method: "GET",
      path: `/v2/${kind}`,
      handle: ({ query }) => this.search(kind, query)
    })),
    { method: "GET", path: "/v2/metric/:name", handle: ({ params }) => this.getMetric(param(params, "name")) },
    {
      method: "PUT",
      path: "/v2/metric/:name",
      handle: (request) => this.putMetric(param(request.params, "name"), request.json())
    },
    {
      method: "GET",
      path: "/v2/dimension/:key/:value",
      handle: ({ params }) => this.getDimension(param(params, "key"), param(params, "value"))
    },
    {
      method: "PUT",
      path: "/v2/dimension/:key/:value",
      handle: ({ json, params }) => this.putDimension(param(params, "key"), param(params, "value"), json())
    },
    {
      method: "PATCH",
      path: "/v2/dimension/:key/:value/_/sfxagent",
      handle: ({ json, params }) => this.patchDimension(param(params, "key"), param(params, "value"), json())
    },
    {
      method: "GET",
      path: "/v2/metrictimeseries/:id",
      handle: ({ params }) => this.getTimeSeries(param(params, "id"))
    },
    { method: "GET", path: "/v2/tag/:name", handle: ({ params }) => this.getTag(param(params, "name")) },
    { method: "PUT", path: "/v2/tag/:name", handle: ({ json, params }) => this.putTag(param(params, "name"), json()) },
    { method: "DELETE", path: "/v2/tag/:name", handle: ({ params }) => this.deleteTag(param(params, "name")) }
  ]

  clear(): void {
    this.metrics.clear()
    this.dimensions.clear()
    this.timeSeries.clear()
    this.tags.clear()
  }

  private systemFields(existing: JsonObject | undefined): JsonObject {
    const now = this.now()
    return {
      created: existing?.created ?? now,
      creator: existing?.creator ?? null,
      lastUpdated: now,
      lastUpdatedBy: existing?.lastUpdatedBy ?? null
    }
  }

  private newObject(kind: Kind, fields: JsonObject): JsonObject {
    return { ...defaults(kind), ...fields, ...this.systemFields(undefined) }
  }

  /** Creates the metric, dimensions and time series of ingested datapoints that are new. */
  ingest(datapoints: ReadonlyArray<DecodedDatapoint>): void {
    for (const datapoint of datapoints) {
      const type = metricTypeNames[datapoint.type]
      if (!this.metrics.has(datapoint.metric)) {
        this.metrics.set(datapoint.metric, this.newObject("metric", { name: datapoint.metric, type }))
      }
      for (const [key, value] of Object.entries(datapoint.dimensions)) {
        const id = dimensionKey(key, value)
        if (!this.dimensions.has(id)) this.dimensions.set(id, this.newObject("dimension", { key, value }))
      }
      const id = timeSeriesId(datapoint.metric, datapoint.dimensions)
      if (!this.timeSeries.has(id)) {
        const dimensions = Object.fromEntries(sortedEntries(datapoint.dimensions))
        this.timeSeries.set(id, this.newObject("metrictimeseries", { id, metric: datapoint.metric, type, dimensions }))
      }
    }
  }

  private table(kind: Kind): Map<string, JsonObject> {
    switch (kind) {
      case "metric":
        return this.metrics
      case "dimension":
        return this.dimensions
      case "metrictimeseries":
        return this.timeSeries
      case "tag":
        return this.tags
    }
  }

  search(kind: Kind, params: URLSearchParams): RestResult {
    const offset = parseIntParam(params.get("offset"), 0)
    const limit = parseIntParam(params.get("limit"), DEFAULT_LIMIT)
    if (offset === undefined || limit === undefined) return error(400, "offset and limit must be non-negative integers")
    if (offset + limit > MAX_WINDOW) return error(400, `offset + limit must not exceed ${MAX_WINDOW}`)
    let predicate
    try {
      predicate = compile(params.get("query") ?? "")
    } catch (cause) {
      return error(400, cause instanceof Error ? cause.message : String(cause))
    }
    const matches = [...this.table(kind).values()].filter((object) => predicate(fieldValues(kind, object)))
    const orderBy = params.get("orderBy")
    if (orderBy !== null && orderBy !== "") {
      const descending = orderBy.startsWith("-")
      const field = descending ? orderBy.slice(1) : orderBy
      matches.sort((a, b) => (descending ? -1 : 1) * compareJson(a[field], b[field]))
    }
    return ok({ count: matches.length, results: matches.slice(offset, offset + limit) })
  }

  private getFrom(kind: Kind, id: string, label: string): RestResult {
    const object = this.table(kind).get(id)
    return object === undefined ? error(404, `${label} not found`) : ok(object)
  }

  getMetric(name: string): RestResult {
    return this.getFrom("metric", name, `metric ${peerText(JSON.stringify(name))}`)
  }

  getDimension(key: string, value: string): RestResult {
    return this.getFrom(
      "dimension",
      dimensionKey(key, value),
      `dimension ${peerText(JSON.stringify(`${key}:${value}`))}`
    )
  }

  getTimeSeries(id: string): RestResult {
    return this.getFrom("metrictimeseries", id, `metric time series ${peerText(JSON.stringify(id))}`)
  }

  getTag(name: string): RestResult {
    return this.getFrom("tag", name, `tag ${peerText(JSON.stringify(name))}`)
  }

  /**
   * A replacing write: the body becomes the object, unknown fields included; the identity
   * fields come from the path, the system fields from the store.
   */
  private put(kind: Kind, id: string, body: JsonValue, identity: JsonObject): RestResult {
    if (!isObject(body)) return error(400, "the body must be a JSON object")
    for (const [field, value] of Object.entries(identity)) {
      if (body[field] !== undefined && body[field] !== value) {
        return error(400, `${field} ${peerText(JSON.stringify(body[field]))} does not match the path`)
      }
    }
    const problem = checkFields(body, false)
    if (problem !== undefined) return error(400, problem)
    const table = this.table(kind)
    const existing = table.get(id)
    const object: JsonObject = {
      ...defaults(kind),
      // A metric keeps its type when a PUT leaves it out: ingest decided it.
      ...(existing?.type === undefined ? {} : { type: existing.type }),
      ...body,
      ...identity,
      ...this.systemFields(existing)
    }
    table.set(id, object)
    return ok(object)
  }

  putMetric(name: string, body: JsonValue): RestResult {
    return this.put("metric", name, body, { name })
  }

  putDimension(key: string, value: string, body: JsonValue): RestResult {
    return this.put("dimension", dimensionKey(key, value), body, { key, value })
  }

  putTag(name: string, body: JsonValue): RestResult {
    return this.put("tag", name, body, { name })
  }

  /**
   * The agent's merge (`PATCH /v2/dimension/{key}/{value}/_/sfxagent`): custom properties are
   * set, or removed where the value is `null`; `tags` are added and `tagsToRemove` removed.
   * Like the service, it creates the dimension when it does not exist yet.
   */
  patchDimension(key: string, value: string, body: JsonValue): RestResult {
    if (!isObject(body)) return error(400, "the body must be a JSON object")
    const problem = checkFields(body, true)
    if (problem !== undefined) return error(400, problem)
    const id = dimensionKey(key, value)
    const existing = this.dimensions.get(id) ?? this.newObject("dimension", { key, value })
    const customProperties: Record<string, JsonValue> = isObject(existing.customProperties)
      ? { ...existing.customProperties }
      : {}
    if (isObject(body.customProperties)) {
      for (const [property, propertyValue] of Object.entries(body.customProperties)) {
        if (propertyValue === null) delete customProperties[property]
        else setEntry(customProperties, property, propertyValue)
      }
    }
    const remove = new Set(isStringArray(body.tagsToRemove) ? body.tagsToRemove : [])
    const tags = [
      ...new Set([
        ...(isStringArray(existing.tags) ? existing.tags : []),
        ...(isStringArray(body.tags) ? body.tags : [])
      ])
    ]
      .filter((tag) => !remove.has(tag))
    const object: JsonObject = { ...existing, customProperties, tags, ...this.systemFields(existing) }
    this.dimensions.set(id, object)
    return ok(object)
  }

  deleteTag(name: string): RestResult {
    return this.tags.delete(name) ? { status: 204 } : error(404, `tag ${peerText(JSON.stringify(name))} not found`)
  }
}
