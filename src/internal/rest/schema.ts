/**
 * The shapes of the REST API beyond metadata (organization, charts, dashboards, dashboard groups,
 * detectors, incidents, data links, sessions) as Schemas that decode answers. These objects are
 * large and change often, so each models only the fields a script reaches for and keeps every
 * other one (an index signature): a read-modify-write sends back all that was read.
 */
import * as Schema from "effect/Schema"
import { millis, systemFields, text, unknownFields } from "../metadata/schema.js"

const strings = Schema.optionalWith(Schema.Array(Schema.String), { nullable: true, default: () => [] })

/** @internal */
export const Organization = Schema.Struct({
  id: Schema.String,
  organizationName: text,
  ...systemFields
}, unknownFields)

/** @internal */
export const Chart = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  description: text,
  programText: text,
  tags: strings,
  ...systemFields
}, unknownFields)

/** @internal */
export const Dashboard = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  description: text,
  /** The dashboard group it belongs to. */
  groupId: text,
  /** Where each chart sits: `{chartId, row, column, width, height}`. */
  charts: Schema.optionalWith(Schema.Array(Schema.Struct({ chartId: Schema.String }, unknownFields)), {
    nullable: true,
    default: () => []
  }),
  tags: strings,
  ...systemFields
}, unknownFields)

/** @internal */
export const DashboardGroup = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  description: text,
  /** The ids of its dashboards. */
  dashboards: strings,
  ...systemFields
}, unknownFields)

/** @internal */
export const DetectorRule = Schema.Struct({
  /** The label of the `publish` in the program text that this rule alerts on. */
  detectLabel: Schema.String,
  /** `Critical`, `Major`, `Minor`, `Warning` or `Info`. */
  severity: Schema.String,
  description: text,
  disabled: Schema.optionalWith(Schema.Boolean, { nullable: true }),
  notifications: Schema.optionalWith(Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown })), {
    nullable: true,
    default: () => []
  })
}, unknownFields)

/** @internal */
export const Detector = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  description: text,
  programText: Schema.String,
  rules: Schema.optionalWith(Schema.Array(DetectorRule), { nullable: true, default: () => [] }),
  tags: strings,
  teams: strings,
  ...systemFields
}, unknownFields)

/** @internal */
export const DetectorEvent = Schema.Struct({
  id: Schema.String,
  /** `ANOMALOUS`, `OK`, `STOPPED`, `MANUALLY_RESOLVED`, … */
  anomalyState: text,
  detectLabel: text,
  detectorId: text,
  incidentId: text,
  severity: text,
  timestamp: millis
}, unknownFields)

/** @internal */
export const Incident = Schema.Struct({
  incidentId: Schema.String,
  /** Whether the alert is still on. */
  active: Schema.optionalWith(Schema.Boolean, { nullable: true, default: () => false }),
  anomalyState: text,
  detectLabel: text,
  detectorId: text,
  detectorName: text,
  severity: text,
  events: Schema.optionalWith(Schema.Array(DetectorEvent), { nullable: true, default: () => [] })
}, unknownFields)

/** `GET /v2/incident` and `GET /v2/detector/{id}/incidents` answer a plain array. @internal */
export const IncidentList = Schema.Array(Incident)

/** @internal */
export const DetectorEventList = Schema.Array(DetectorEvent)

/** @internal */
export const DataLink = Schema.Struct({
  id: Schema.String,
  /** The property (a dimension key, or a trace or log field) whose values link elsewhere. */
  propertyName: text,
  propertyValue: text,
  /** Where the link goes: `{type, name, url, dashboardId, …}` each. */
  targets: Schema.optionalWith(Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown })), {
    nullable: true,
    default: () => []
  }),
  ...systemFields
}, unknownFields)

/** @internal */
export const Session = Schema.Struct({
  /** The session token, for the REST and SignalFlow APIs (not for ingest). */
  accessToken: Schema.Redacted(Schema.String),
  /** When the token expires, in milliseconds since the epoch. */
  expiryMs: millis,
  organizationId: text,
  userId: text
}, unknownFields)

/** @internal */
export const Page = <A, I, R>(item: Schema.Schema<A, I, R>) =>
  Schema.Struct({
    /** How many objects match in all. */
    count: Schema.Number,
    results: Schema.Array(item)
  })
