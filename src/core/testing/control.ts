/**
 * The local server's control endpoints: what `Server` offers in JavaScript (the records, reset,
 * scripted faults), over HTTP, so that a test suite in any language can drive the standalone
 * `effect-signalfx-server` as a JavaScript test drives `FakeSignalFx.start()`.
 *
 * They live under {@link CONTROL_PREFIX}, a path SignalFx never serves (its APIs are versioned,
 * `/v1/…`, `/v2/…`), and they are not SignalFx traffic: they need no token, are never recorded
 * and never meet a scripted fault.
 *
 * | request | answer |
 * |---|---|
 * | `GET /_fake/datapoints` | the recorded datapoints, as `server.datapoints()` |
 * | `GET /_fake/events` | the recorded events, as `server.events()` |
 * | `GET /_fake/requests` | the recorded requests, as `server.requests()` (`undefined` is `null`) |
 * | `POST /_fake/reset` | `server.reset()`; 204 |
 * | `POST /_fake/faults` | `server.fault(route, faults)` from `{"route", "faults": [Fault…]}`; 204 |
 * | `POST /_fake/incidents` | `server.raiseIncident(incident)` from `{"detectorId", "detectLabel"?, "severity"?, "inputs"?}`; `{"id"}`, or 404 for an unknown detector |
 *
 * A `bigint` value is written as an exact JSON integer.
 */
import { parseJson } from "../wire/jsonParse.js"
import type { JsonValue } from "../wire/jsonParse.js"
import type {
  Fault,
  IncidentToRaise,
  RecordedDatapoint,
  RecordedEvent,
  RecordedRequest,
  Server
} from "./localServer.js"
import type { JsonObject } from "./metadataStore.js"
import { isObject } from "./metadataStore.js"
import type { RestResult, Route } from "./router.js"
import { errorResult, ok } from "./router.js"

/** @internal */
export const CONTROL_PREFIX = "/_fake"

/** A control body that is not what the endpoint takes: where (`faults.0._tag`) and what. */
class BadBody extends Error {
  constructor(readonly path: ReadonlyArray<string | number>, problem: string) {
    super(problem)
  }
}

type Path = ReadonlyArray<string | number>

const describe = (value: JsonValue | undefined): string =>
  value === undefined ? "nothing" : Array.isArray(value) ? "an array" : value === null ? "null" : typeof value

const objectAt = (value: JsonValue | undefined, path: Path): JsonObject => {
  if (!isObject(value)) throw new BadBody(path, `expected an object, got ${describe(value)}`)
  return value
}

const stringAt = (value: JsonValue | undefined, path: Path): string => {
  if (typeof value !== "string") throw new BadBody(path, `expected a string, got ${describe(value)}`)
  return value
}

const numberAt = (value: JsonValue | undefined, path: Path, min: number, max = Infinity, integer = false): number => {
  if (typeof value !== "number" || value < min || value > max || (integer && !Number.isInteger(value))) {
    const range = max === Infinity ? `≥ ${min}` : `between ${min} and ${max}`
    throw new BadBody(path, `expected ${integer ? "an integer" : "a number"} ${range}`)
  }
  return value
}

const oneOf = <A extends string | number>(value: JsonValue | undefined, path: Path, choices: ReadonlyArray<A>): A => {
  const found = choices.find((choice) => choice === value)
  if (found === undefined) {
    throw new BadBody(
      path,
      `expected one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`
    )
  }
  return found
}

/** A field that may be absent: `read` is applied only to a present value. */
const optional = <A>(
  object: JsonObject,
  key: string,
  path: Path,
  read: (value: JsonValue, path: Path) => A
): { readonly [K in string]?: A } => {
  const value = object[key]
  return value === undefined ? {} : { [key]: read(value, [...path, key]) }
}

const stringRecordAt = (value: JsonValue, path: Path): Readonly<Record<string, string>> => {
  const record: Record<string, string> = {}
  for (const [key, item] of Object.entries(objectAt(value, path))) {
    Object.defineProperty(record, key, { value: stringAt(item, [...path, key]), enumerable: true })
  }
  return record
}

/** `Retry-After`: seconds, or an HTTP date or ISO string. */
const retryAfterAt = (value: JsonValue, path: Path): number | Date => {
  if (typeof value === "number") return numberAt(value, path, 0, Infinity, true)
  const date = new Date(stringAt(value, path))
  if (Number.isNaN(date.getTime())) throw new BadBody(path, "expected seconds or a date")
  return date
}

/** The {@link Fault} type as JSON. */
const faultAt = (value: JsonValue | undefined, path: Path): Fault => {
  const fault = objectAt(value, path)
  const at = (key: string) => [...path, key]
  const tag = oneOf(fault._tag, at("_tag"), ["Respond", "Delay", "Hang", "Reset", "Redirect", "LoseAnswer"] as const)
  switch (tag) {
    case "Respond":
      return {
        _tag: tag,
        status: numberAt(fault.status, at("status"), 100, 599, true),
        ...optional(fault, "headers", path, stringRecordAt),
        ...optional(fault, "body", path, stringAt),
        ...optional(fault, "retryAfter", path, retryAfterAt)
      }
    case "Delay":
      return { _tag: tag, millis: numberAt(fault.millis, at("millis"), 0) }
    case "Hang":
      return { _tag: tag }
    case "Reset":
      return { _tag: tag, when: oneOf(fault.when, at("when"), ["beforeBody", "afterBody"] as const) }
    case "Redirect":
      return {
        _tag: tag,
        location: stringAt(fault.location, at("location")),
        ...optional(fault, "status", path, (status, where) => oneOf(status, where, [301, 302, 303, 307, 308] as const))
      }
    case "LoseAnswer":
      return {
        _tag: tag,
        how: oneOf(fault.how, at("how"), ["reset", "hang", "late"] as const),
        ...optional(fault, "millis", path, (millis, where) => numberAt(millis, where, 0))
      }
  }
}

const faultRequestAt = (value: JsonValue): { readonly route: string; readonly faults: ReadonlyArray<Fault> } => {
  const request = objectAt(value, [])
  const route = stringAt(request.route, ["route"])
  if (!route.startsWith("/")) throw new BadBody(["route"], "expected a path starting with /")
  const faults = request.faults
  if (!Array.isArray(faults)) throw new BadBody(["faults"], `expected an array, got ${describe(faults)}`)
  return { route, faults: faults.map((fault, index) => faultAt(fault, ["faults", index])) }
}

const incidentRequestAt = (value: JsonValue): IncidentToRaise => {
  const request = objectAt(value, [])
  return {
    detectorId: stringAt(request.detectorId, ["detectorId"]),
    ...optional(request, "detectLabel", [], stringAt),
    ...optional(request, "severity", [], stringAt),
    ...optional(request, "inputs", [], objectAt)
  }
}

/** A control body read by `read`, or the 400 that says what to send and where it went wrong. */
const readBody = <A>(
  text: string,
  expected: string,
  read: (value: JsonValue) => A
): { readonly ok: true; readonly value: A } | { readonly ok: false; readonly answer: RestResult } => {
  const parsed = parseJson(text)
  if (!parsed.ok) return { ok: false, answer: error(400, `expected ${expected}: ${parsed.error.message}`) }
  try {
    return { ok: true, value: read(parsed.value) }
  } catch (bad) {
    if (!(bad instanceof BadBody)) throw bad
    const where = bad.path.length === 0 ? "" : ` at ${bad.path.join(".")}`
    return { ok: false, answer: error(400, `expected ${expected}: ${bad.message}${where}`) }
  }
}

const error = errorResult

const orNull = (value: string | number | undefined): JsonValue => value ?? null

const datapointJson = (point: RecordedDatapoint): JsonValue => ({
  metric: point.metric,
  type: point.type,
  value: point.value,
  valueType: point.valueType,
  ...(point.timestamp === undefined ? {} : { timestamp: point.timestamp }),
  dimensions: point.dimensions
})

const eventJson = (event: RecordedEvent): JsonValue => ({
  eventType: event.eventType,
  category: event.category,
  ...(event.timestamp === undefined ? {} : { timestamp: event.timestamp }),
  dimensions: event.dimensions,
  properties: event.properties,
  propertyTypes: event.propertyTypes
})

const requestJson = (request: RecordedRequest): JsonValue => ({
  method: request.method,
  path: request.path,
  headers: request.headers,
  status: orNull(request.status),
  bodySize: request.bodySize,
  encoding: orNull(request.encoding),
  fault: orNull(request.fault)
})

/** A fault script or an incident is a few hundred bytes; a megabyte is room for thousands. */
const MAX_CONTROL_BODY_BYTES = 1024 * 1024

/** What the control endpoints drive: the parts of `Server` that are not its address. @internal */
export type Controlled = Pick<Server, "datapoints" | "events" | "requests" | "reset" | "fault" | "raiseIncident">

const scriptFaults = (server: Controlled, text: string): RestResult => {
  const request = readBody(
    text,
    `{"route": "/v2/…", "faults": [{"_tag": "Respond", "status": 429}, …]}`,
    faultRequestAt
  )
  if (!request.ok) return request.answer
  server.fault(request.value.route, request.value.faults)
  return { status: 204 }
}

const raiseIncident = (server: Controlled, text: string): RestResult => {
  const incident = readBody(text, `{"detectorId": "…"}`, incidentRequestAt)
  if (!incident.ok) return incident.answer
  try {
    return { status: 200, body: { id: server.raiseIncident(incident.value) } }
  } catch (unknownDetector) {
    return error(404, String(unknownDetector instanceof Error ? unknownDetector.message : unknownDetector))
  }
}

/**
 * The routes under {@link CONTROL_PREFIX}: no token, never faulted nor recorded.
 *
 * @internal
 */
export const controlRoutes = (server: Controlled): ReadonlyArray<Route> =>
  ([
    { method: "GET", path: "/datapoints", handle: () => ok(server.datapoints().map(datapointJson)) },
    { method: "GET", path: "/events", handle: () => ok(server.events().map(eventJson)) },
    { method: "GET", path: "/requests", handle: () => ok(server.requests().map(requestJson)) },
    {
      method: "POST",
      path: "/reset",
      handle: () => {
        server.reset()
        return { status: 204 }
      }
    },
    { method: "POST", path: "/faults", handle: ({ text }) => scriptFaults(server, text()) },
    { method: "POST", path: "/incidents", handle: ({ text }) => raiseIncident(server, text()) },
    {
      method: "*",
      path: "/*",
      handle: () =>
        error(
          404,
          `no such control endpoint; there are GET ${CONTROL_PREFIX}/datapoints, /events, /requests and POST /reset, /faults, /incidents`
        )
    }
  ] satisfies ReadonlyArray<Route>).map((route): Route => ({
    ...route,
    path: `${CONTROL_PREFIX}${route.path}`,
    access: "control",
    maxBodyBytes: MAX_CONTROL_BODY_BYTES
  }))
