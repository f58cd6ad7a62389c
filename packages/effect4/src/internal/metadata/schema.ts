/**
 * The shapes of the metadata REST API (docs/protocol.md §3) as Schemas that decode responses.
 * Every object keeps the fields it does not know (a record beside its fields), so a
 * read-modify-write never drops what the service added. Fields the service may send as `null`
 * or leave out decode to an absent field, or to an empty record or list where the field is a
 * collection.
 */
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"

/** The fields an object has beyond those modelled, kept as they came. @internal */
export const unknownFields = [Schema.Record(Schema.String, Schema.Unknown)] as const

/** A field the service may leave out or send as `null`: both decode to an absent field. @internal */
export const nullable = <S extends Schema.Top>(schema: S) =>
  Schema.optional(Schema.NullOr(schema)).pipe(
    Schema.decodeTo(Schema.optional(Schema.toType(schema)), {
      decode: SchemaGetter.transformOptional(Option.filter(Predicate.isNotNull)),
      encode: SchemaGetter.passthrough({ strict: false })
    })
  )

/**
 * A collection the service may leave out or send as `null`: both decode to `empty`.
 * @internal
 */
export const orEmpty = <S extends Schema.Top>(schema: S, empty: () => S["Type"]) =>
  Schema.optional(Schema.NullOr(schema)).pipe(
    Schema.decodeTo(Schema.toType(schema), {
      decode: SchemaGetter.transformOptional((value) =>
        value.pipe(Option.filter(Predicate.isNotNull), Option.orElseSome(empty))
      ),
      encode: SchemaGetter.passthrough({ strict: false })
    })
  )

/** A string the service may leave out or send as `null`. @internal */
export const text = nullable(Schema.String)

/** Milliseconds since the epoch, which the service may leave out or send as `null`. @internal */
export const millis = nullable(Schema.Number)

/** @internal */
export const CustomProperties = Schema.Record(Schema.String, Schema.String)

const customProperties = orEmpty(CustomProperties, () => ({}))

const tags = orEmpty(Schema.Array(Schema.String), () => [])

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
export const Metric = Schema.StructWithRest(
  Schema.Struct({
    name: Schema.String,
    /** `GAUGE`, `COUNTER` or `CUMULATIVE_COUNTER`, decided by the datapoints sent. */
    type: text,
    description: text,
    customProperties,
    tags,
    ...systemFields
  }),
  unknownFields
)

/** @internal */
export const Dimension = Schema.StructWithRest(
  Schema.Struct({
    key: Schema.String,
    value: Schema.String,
    description: text,
    customProperties,
    tags,
    ...systemFields
  }),
  unknownFields
)

/** @internal */
export const MetricTimeSeries = Schema.StructWithRest(
  Schema.Struct({
    id: Schema.String,
    metric: Schema.String,
    type: text,
    dimensions: orEmpty(Schema.Record(Schema.String, Schema.String), () => ({})),
    customProperties,
    tags,
    ...systemFields
  }),
  unknownFields
)

/** @internal */
export const Tag = Schema.StructWithRest(
  Schema.Struct({
    name: Schema.String,
    description: text,
    customProperties,
    ...systemFields
  }),
  unknownFields
)

/** @internal */
export const SearchResult = <S extends Schema.Top>(item: S) =>
  Schema.Struct({
    /** How many objects match the query in all, not only on this page. */
    count: Schema.Number,
    results: Schema.Array(item)
  })
