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
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { JsonValue } from "../wire/jsonParse.js"
import type { Fault, RecordedDatapoint, RecordedEvent, RecordedRequest, Server } from "./localServer.js"
import type { RestResult, Route } from "./router.js"
import { errorResult, ok } from "./router.js"

/** @internal */
export const CONTROL_PREFIX = "/_fake"

const Headers = Schema.Record({ key: Schema.String, value: Schema.String })

/** The {@link Fault} type as JSON: a `Date` is an HTTP date or ISO string. */
const FaultJson = Schema.Union(
  Schema.Struct({
    _tag: Schema.Literal("Respond"),
    status: Schema.Int.pipe(Schema.between(100, 599)),
    headers: Schema.optional(Headers),
    body: Schema.optional(Schema.String),
    retryAfter: Schema.optional(Schema.Union(Schema.NonNegativeInt, Schema.Date))
  }),
  Schema.Struct({ _tag: Schema.Literal("Delay"), millis: Schema.NonNegative }),
  Schema.Struct({ _tag: Schema.Literal("Hang") }),
  Schema.Struct({ _tag: Schema.Literal("Reset"), when: Schema.Literal("beforeBody", "afterBody") }),
  Schema.Struct({
    _tag: Schema.Literal("Redirect"),
    location: Schema.String,
    status: Schema.optional(Schema.Literal(301, 302, 303, 307, 308))
  }),
  Schema.Struct({
    _tag: Schema.Literal("LoseAnswer"),
    how: Schema.Literal("reset", "hang", "late"),
    millis: Schema.optional(Schema.NonNegative)
  })
)

const FaultRequest = Schema.Struct({
  route: Schema.String.pipe(Schema.startsWith("/")),
  faults: Schema.Array(FaultJson)
})

const decodeFaultRequest = Schema.decodeUnknownEither(Schema.parseJson(FaultRequest))

const IncidentRequest = Schema.Struct({
  detectorId: Schema.String,
  detectLabel: Schema.optional(Schema.String),
  severity: Schema.optional(Schema.String),
  inputs: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})

const decodeIncidentRequest = Schema.decodeUnknownEither(Schema.parseJson(IncidentRequest))

/** The first problem of a decoding, for a 400 that says what to send. */
const badBody = (expected: string, parseError: ParseResult.ParseError): RestResult => {
  const [issue] = ParseResult.ArrayFormatter.formatErrorSync(parseError)
  const where = issue === undefined || issue.path.length === 0 ? "" : ` at ${issue.path.join(".")}`
  return error(400, `expected ${expected}: ${issue?.message ?? "invalid body"}${where}`)
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
  const decoded = decodeFaultRequest(text)
  if (Either.isLeft(decoded)) {
    return badBody(`{"route": "/v2/…", "faults": [{"_tag": "Respond", "status": 429}, …]}`, decoded.left)
  }
  const faults: ReadonlyArray<Fault> = decoded.right.faults
  server.fault(decoded.right.route, faults)
  return { status: 204 }
}

const raiseIncident = (server: Controlled, text: string): RestResult => {
  const decoded = decodeIncidentRequest(text)
  if (Either.isLeft(decoded)) return badBody(`{"detectorId": "…"}`, decoded.left)
  try {
    return { status: 200, body: { id: server.raiseIncident(decoded.right) } }
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
