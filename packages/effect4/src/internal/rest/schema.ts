/**
 * The shapes of the REST API beyond metadata (organization, charts, dashboards, dashboard groups,
 * detectors, incidents, data links, sessions) as Schemas that decode answers. These objects are
 * large and change often, so each models only the fields a script reaches for and keeps every
 * other one (a record beside its fields): a read-modify-write sends back all that was read.
 */
import * as Schema from "effect/Schema"
import { millis, nullable, orEmpty, systemFields, text, unknownFields } from "../metadata/schema.js"

const strings = orEmpty(Schema.Array(Schema.String), () => [])

const unknownRecords = orEmpty(Schema.Array(Schema.Record(Schema.String, Schema.Unknown)), () => [])

/** @internal */
export const Organization = Schema.StructWithRest(
  Schema.Struct({
    id: Schema.String,
    organizationName: text,
    ...systemFields
  }),
  unknownFields
)

/** @internal */
export const Chart = Schema.StructWithRest(
  Schema.Struct({
    id: Schema.String,
    name: Schema.String,
    description: text,
    programText: text,
    tags: strings,
    ...systemFields
  }),
  unknownFields
)

/** @internal */
export const Dashboard = Schema.StructWithRest(
  Schema.Struct({
    id: Schema.String,
    name: Schema.String,
    description: text,
    /** The dashboard group it belongs to. */
    groupId: text,
    /** Where each chart sits: `{chartId, row, column, width, height}`. */
    charts: orEmpty(
      Schema.Array(Schema.StructWithRest(Schema.Struct({ chartId: Schema.String }), unknownFields)),
      () => []
    ),
    tags: strings,
    ...systemFields
  }),
  unknownFields
)

/** @internal */
export const DashboardGroup = Schema.StructWithRest(
  Schema.Struct({
    id: Schema.String,
    name: Schema.String,
    description: text,
    /** The ids of its dashboards. */
    dashboards: strings,
    ...systemFields
  }),
  unknownFields
)

/** @internal */
export const DetectorRule = Schema.StructWithRest(
  Schema.Struct({
    /** The label of the `publish` in the program text that this rule alerts on. */
    detectLabel: Schema.String,
    /** `Critical`, `Major`, `Minor`, `Warning` or `Info`. */
    severity: Schema.String,
    description: text,
    disabled: nullable(Schema.Boolean),
    notifications: unknownRecords
  }),
  unknownFields
)

/** @internal */
export const Detector = Schema.StructWithRest(
  Schema.Struct({
    id: Schema.String,
    name: Schema.String,
    description: text,
    programText: Schema.String,
    rules: orEmpty(Schema.Array(DetectorRule), () => []),
    tags: strings,
    teams: strings,
    ...systemFields
  }),
  unknownFields
)

/** @internal */
export const DetectorEvent = Schema.StructWithRest(
  Schema.Struct({
    id: Schema.String,
    /** `ANOMALOUS`, `OK`, `STOPPED`, `MANUALLY_RESOLVED`, … */
    anomalyState: text,
    detectLabel: text,
    detectorId: text,
    incidentId: text,
    severity: text,
    timestamp: millis
  }),
  unknownFields
)

/** @internal */
export const Incident = Schema.StructWithRest(
  Schema.Struct({
    incidentId: Schema.String,
    /** Whether the alert is still on. */
    active: orEmpty(Schema.Boolean, () => false),
    anomalyState: text,
    detectLabel: text,
    detectorId: text,
    detectorName: text,
    severity: text,
    events: orEmpty(Schema.Array(DetectorEvent), () => [])
  }),
  unknownFields
)

/** @internal */
export const DataLink = Schema.StructWithRest(
  Schema.Struct({
    id: Schema.String,
    /** The property (a dimension key, or a trace or log field) whose values link elsewhere. */
    propertyName: text,
    propertyValue: text,
    /** Where the link goes: `{type, name, url, dashboardId, …}` each. */
    targets: unknownRecords,
    ...systemFields
  }),
  unknownFields
)

/** @internal */
export const Session = Schema.StructWithRest(
  Schema.Struct({
    /** The session token, for the REST and SignalFlow APIs (not for ingest). */
    accessToken: Schema.RedactedFromValue(Schema.String),
    /** When the token expires, in milliseconds since the epoch. */
    expiryMs: millis,
    organizationId: text,
    userId: text
  }),
  unknownFields
)
