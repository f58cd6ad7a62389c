/**
 * The shapes of the metadata REST API (docs/protocol.md §3) as Schemas that decode responses.
 * Every object keeps the fields it does not know (an index signature), so a read-modify-write
 * never drops what the service added. Fields the service may send as `null` or leave out decode
 * to an absent field, or to an empty record or list where the field is a collection.
 */
import * as Schema from "effect/Schema"

/** The fields an object has beyond those modelled, kept as they came. @internal */
export const unknownFields = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** A string the service may leave out or send as `null`. @internal */
export const text = Schema.optionalWith(Schema.String, { nullable: true })

/** Milliseconds since the epoch, which the service may leave out or send as `null`. @internal */
export const millis = Schema.optionalWith(Schema.Number, { nullable: true })

/** @internal */
export const CustomProperties = Schema.Record({ key: Schema.String, value: Schema.String })

const customProperties = Schema.optionalWith(CustomProperties, { nullable: true, default: () => ({}) })

const tags = Schema.optionalWith(Schema.Array(Schema.String), { nullable: true, default: () => [] })

/** Who made and changed an object, and when: the same on every REST object. @internal */
export const systemFields = {
  /** When the object was created, in milliseconds since the epoch. */
  created: millis,
  /** The id of the user who created it; absent for what the service made itself (metadata from ingest). */
  creator: text,
  /** When the object was last changed, in milliseconds since the epoch. */
  lastUpdated: millis,
  lastUpdatedBy: text
}

/** @internal */
export const Metric = Schema.Struct({
  name: Schema.String,
  /** `GAUGE`, `COUNTER` or `CUMULATIVE_COUNTER`, decided by the datapoints sent. */
  type: text,
  description: text,
  customProperties,
  tags,
  ...systemFields
}, unknownFields)

/** @internal */
export const Dimension = Schema.Struct({
  key: Schema.String,
  value: Schema.String,
  description: text,
  customProperties,
  tags,
  ...systemFields
}, unknownFields)

/** @internal */
export const MetricTimeSeries = Schema.Struct({
  id: Schema.String,
  metric: Schema.String,
  type: text,
  dimensions: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.String }), {
    nullable: true,
    default: () => ({})
  }),
  customProperties,
  tags,
  ...systemFields
}, unknownFields)

/** @internal */
export const Tag = Schema.Struct({
  name: Schema.String,
  description: text,
  customProperties,
  ...systemFields
}, unknownFields)

/** @internal */
export const SearchResult = <A, I, R>(item: Schema.Schema<A, I, R>) =>
  Schema.Struct({
    /** How many objects match the query in all, not only on this page. */
    count: Schema.Number,
    results: Schema.Array(item)
  })
