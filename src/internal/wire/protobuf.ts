/**
 * The protobuf codec. Encoding is hand-written on protobufjs' `Writer` because it is the hot path:
 * it walks the validated datapoints once and writes fields straight into the buffer, with no
 * intermediate message objects. Decoding (the local server's side, and the tests') goes through
 * protobufjs reflection of the `.proto` text, an implementation independent of the encoder.
 */
import * as Either from "effect/Either"
import protobuf from "protobufjs"
import type * as Datapoint from "../../Datapoint.js"
import type * as Event from "../../Event.js"
import { setEntry } from "../record.js"
import type { DecodedDatapoint, DecodedEvent, DecodedProperty } from "./records.js"
import {
  eventCategoryByNumber,
  eventCategoryNumbers,
  int64FromDecimal,
  isInt64Number,
  metricTypeByNumber,
  metricTypeNumbers,
  WireDecodeError
} from "./records.js"
import { PROTO_PACKAGE, SIGNALFX_PROTO } from "./signalfx.proto.js"

// Field tags: (field number << 3) | wire type, where 0 is varint, 1 is 64-bit, 2 is length-delimited.
const TAG_UPLOAD_DATAPOINT = (1 << 3) | 2
const TAG_DATAPOINT_METRIC = (2 << 3) | 2
const TAG_DATAPOINT_TIMESTAMP = (3 << 3) | 0
const TAG_DATAPOINT_VALUE = (4 << 3) | 2
const TAG_DATAPOINT_METRIC_TYPE = (5 << 3) | 0
const TAG_DATAPOINT_DIMENSION = (6 << 3) | 2
const TAG_DATUM_STRING = (1 << 3) | 2
const TAG_DATUM_DOUBLE = (2 << 3) | 1
const TAG_DATUM_INT = (3 << 3) | 0
const TAG_PROPERTY_BOOL = (4 << 3) | 0
const TAG_DIMENSION_KEY = (1 << 3) | 2
const TAG_DIMENSION_VALUE = (2 << 3) | 2
const TAG_UPLOAD_EVENT = (1 << 3) | 2
const TAG_EVENT_TYPE = (1 << 3) | 2
const TAG_EVENT_DIMENSION = (2 << 3) | 2
const TAG_EVENT_PROPERTY = (3 << 3) | 2
const TAG_EVENT_CATEGORY = (4 << 3) | 0
const TAG_EVENT_TIMESTAMP = (5 << 3) | 0
const TAG_PROPERTY_KEY = (1 << 3) | 2
const TAG_PROPERTY_VALUE = (2 << 3) | 2

const hasOwn = Object.prototype.hasOwnProperty

const writeDimension = (writer: protobuf.Writer, tag: number, key: string, value: string): void => {
  writer.uint32(tag).fork().uint32(TAG_DIMENSION_KEY).string(key).uint32(TAG_DIMENSION_VALUE).string(value).ldelim()
}

/**
 * Global dimensions first, skipping those the item sets itself: the item's own value wins.
 */
const writeDimensions = (
  writer: protobuf.Writer,
  tag: number,
  own: Datapoint.Dimensions,
  global: Datapoint.Dimensions | undefined
): void => {
  if (global !== undefined) {
    for (const key in global) {
      if (!hasOwn.call(own, key)) writeDimension(writer, tag, key, global[key]!)
    }
  }
  for (const key in own) writeDimension(writer, tag, key, own[key]!)
}

/** The shared Datum / PropertyValue encoding of a number, bigint or string. */
const writeScalar = (writer: protobuf.Writer, value: number | bigint | string): void => {
  switch (typeof value) {
    case "number":
      if (isInt64Number(value)) writer.uint32(TAG_DATUM_INT).int64(value)
      else writer.uint32(TAG_DATUM_DOUBLE).double(value)
      return
    case "bigint":
      writer.uint32(TAG_DATUM_INT).int64(value.toString())
      return
    case "string":
      writer.uint32(TAG_DATUM_STRING).string(value)
      return
  }
}

/**
 * Items sharing one set of global dimensions: the unit the batcher queues.
 * @internal
 */
export interface EncodeSegment<A> {
  readonly items: ReadonlyArray<A>
  readonly globals?: Datapoint.Dimensions | undefined
}

const writeDatapoint = (
  writer: protobuf.Writer,
  datapoint: Datapoint.Validated,
  globals: Datapoint.Dimensions | undefined
): void => {
  writer.uint32(TAG_UPLOAD_DATAPOINT).fork()
  writer.uint32(TAG_DATAPOINT_METRIC).string(datapoint.metric)
  if (datapoint.timestamp !== undefined) writer.uint32(TAG_DATAPOINT_TIMESTAMP).int64(datapoint.timestamp)
  writer.uint32(TAG_DATAPOINT_VALUE).fork()
  writeScalar(writer, datapoint.value)
  writer.ldelim()
  writer.uint32(TAG_DATAPOINT_METRIC_TYPE).int32(metricTypeNumbers[datapoint.type])
  writeDimensions(writer, TAG_DATAPOINT_DIMENSION, datapoint.dimensions, globals)
  writer.ldelim()
}

const writeEvent = (
  writer: protobuf.Writer,
  event: Event.Validated,
  globals: Datapoint.Dimensions | undefined
): void => {
  writer.uint32(TAG_UPLOAD_EVENT).fork()
  writer.uint32(TAG_EVENT_TYPE).string(event.eventType)
  writeDimensions(writer, TAG_EVENT_DIMENSION, event.dimensions, globals)
  const properties = event.properties
  for (const key in properties) {
    const value = properties[key]!
    writer.uint32(TAG_EVENT_PROPERTY).fork().uint32(TAG_PROPERTY_KEY).string(key)
    writer.uint32(TAG_PROPERTY_VALUE).fork()
    if (typeof value === "boolean") writer.uint32(TAG_PROPERTY_BOOL).bool(value)
    else writeScalar(writer, value)
    writer.ldelim().ldelim()
  }
  writer.uint32(TAG_EVENT_CATEGORY).int32(eventCategoryNumbers[event.category])
  if (event.timestamp !== undefined) writer.uint32(TAG_EVENT_TIMESTAMP).int64(event.timestamp)
  writer.ldelim()
}

const encodeSegments = <A>(
  segments: ReadonlyArray<EncodeSegment<A>>,
  write: (writer: protobuf.Writer, item: A, globals: Datapoint.Dimensions | undefined) => void
): Uint8Array => {
  const writer = protobuf.Writer.create()
  for (let s = 0; s < segments.length; s++) {
    const { globals, items } = segments[s]!
    for (let i = 0; i < items.length; i++) write(writer, items[i]!, globals)
  }
  return writer.finish()
}

/**
 * Encodes one `DataPointUploadMessage` from several segments, each with its global dimensions.
 * @internal
 */
export const encodeDatapointSegments = (segments: ReadonlyArray<EncodeSegment<Datapoint.Validated>>): Uint8Array =>
  encodeSegments(segments, writeDatapoint)

/**
 * Encodes a `DataPointUploadMessage`, adding `globalDimensions` to every datapoint.
 * @internal
 */
export const encodeDatapoints = (
  datapoints: ReadonlyArray<Datapoint.Validated>,
  globalDimensions?: Datapoint.Dimensions
): Uint8Array => encodeSegments([{ items: datapoints, globals: globalDimensions }], writeDatapoint)

/**
 * Encodes one `EventUploadMessage` from several segments, each with its global dimensions.
 * @internal
 */
export const encodeEventSegments = (segments: ReadonlyArray<EncodeSegment<Event.Validated>>): Uint8Array =>
  encodeSegments(segments, writeEvent)

/**
 * Encodes an `EventUploadMessage`, adding `globalDimensions` to every event.
 * @internal
 */
export const encodeEvents = (
  events: ReadonlyArray<Event.Validated>,
  globalDimensions?: Datapoint.Dimensions
): Uint8Array => encodeSegments([{ items: events, globals: globalDimensions }], writeEvent)

const root = protobuf.parse(SIGNALFX_PROTO, { keepCase: true }).root
const DataPointUploadMessage = root.lookupType(`${PROTO_PACKAGE}.DataPointUploadMessage`)
const EventUploadMessage = root.lookupType(`${PROTO_PACKAGE}.EventUploadMessage`)

// `longs: String` keeps int64 exact; enums stay numbers so that unknown values can be named in errors.
const toObjectOptions: protobuf.IConversionOptions = { longs: String, defaults: false, arrays: true }

interface PlainDimension {
  readonly key?: string
  readonly value?: string
}
interface PlainScalar {
  readonly strValue?: string
  readonly doubleValue?: number
  readonly intValue?: string
  readonly boolValue?: boolean
}
interface PlainDatapoint {
  readonly metric?: string
  readonly timestamp?: string
  readonly value?: PlainScalar
  readonly metricType?: number
  readonly dimensions?: ReadonlyArray<PlainDimension>
}
interface PlainProperty {
  readonly key?: string
  readonly value?: PlainScalar
}
interface PlainEvent {
  // Required in the schema, yet protobufjs' reflection decoder does not enforce it.
  readonly eventType?: string
  readonly dimensions?: ReadonlyArray<PlainDimension>
  readonly properties?: ReadonlyArray<PlainProperty>
  readonly category?: number
  readonly timestamp?: string
}

const decodeDimensions = (dimensions: ReadonlyArray<PlainDimension> | undefined, where: string) => {
  const record: Record<string, string> = {}
  for (const dimension of dimensions ?? []) {
    if (dimension.key === undefined) throw new WireDecodeError({ message: `${where}: a dimension without a key` })
    setEntry(record, dimension.key, dimension.value ?? "")
  }
  return record
}

/** A timestamp of 0 is how the Go client says "none". */
const decodeTimestamp = (timestamp: string | undefined): { timestamp?: number } => {
  if (timestamp === undefined) return {}
  const value = Number(timestamp)
  return value === 0 ? {} : { timestamp: value }
}

const decodeScalar = (scalar: PlainScalar | undefined, where: string): DecodedProperty => {
  if (scalar?.intValue !== undefined) return { valueType: "int", value: int64FromDecimal(scalar.intValue) }
  if (scalar?.doubleValue !== undefined) return { valueType: "double", value: scalar.doubleValue }
  if (scalar?.strValue !== undefined) return { valueType: "string", value: scalar.strValue }
  if (scalar?.boolValue !== undefined) return { valueType: "bool", value: scalar.boolValue }
  throw new WireDecodeError({ message: `${where}: no value` })
}

const decodeWith = <A>(decode: () => A): Either.Either<A, WireDecodeError> => {
  try {
    return Either.right(decode())
  } catch (error) {
    if (error instanceof WireDecodeError) return Either.left(error)
    return Either.left(new WireDecodeError({ message: `undecodable protobuf: ${String(error)}` }))
  }
}

/**
 * @internal
 */
export const decodeDatapoints = (bytes: Uint8Array): Either.Either<Array<DecodedDatapoint>, WireDecodeError> =>
  decodeWith(() => {
    // toObject is typed `any`: this annotation is where the shape of the .proto is stated.
    const datapoints: ReadonlyArray<PlainDatapoint> = DataPointUploadMessage.toObject(
      DataPointUploadMessage.decode(bytes),
      toObjectOptions
    ).datapoints
    return datapoints.map((datapoint, index): DecodedDatapoint => {
      const where = `datapoints[${index}]`
      if (datapoint.metric === undefined || datapoint.metric === "") {
        throw new WireDecodeError({ message: `${where}: no metric name` })
      }
      const type = metricTypeByNumber[datapoint.metricType ?? 0]
      if (type === undefined) {
        throw new WireDecodeError({ message: `${where}: unknown metricType ${datapoint.metricType}` })
      }
      const scalar = decodeScalar(datapoint.value, where)
      if (scalar.valueType === "bool" || typeof scalar.value === "boolean") {
        throw new WireDecodeError({ message: `${where}: a datapoint value can't be a bool` })
      }
      return {
        metric: datapoint.metric,
        type,
        value: scalar.value,
        valueType: scalar.valueType,
        ...decodeTimestamp(datapoint.timestamp),
        dimensions: decodeDimensions(datapoint.dimensions, where)
      }
    })
  })

/**
 * @internal
 */
export const decodeEvents = (bytes: Uint8Array): Either.Either<Array<DecodedEvent>, WireDecodeError> =>
  decodeWith(() => {
    const events: ReadonlyArray<PlainEvent> = EventUploadMessage.toObject(
      EventUploadMessage.decode(bytes),
      toObjectOptions
    ).events
    return events.map((event, index): DecodedEvent => {
      const where = `events[${index}]`
      if (event.eventType === undefined || event.eventType === "") {
        throw new WireDecodeError({ message: `${where}: no eventType` })
      }
      const category = eventCategoryByNumber.get(event.category ?? eventCategoryNumbers.USER_DEFINED)
      if (category === undefined) {
        throw new WireDecodeError({ message: `${where}: unknown category ${event.category}` })
      }
      const properties: Record<string, DecodedProperty> = {}
      for (const property of event.properties ?? []) {
        if (property.key === undefined) throw new WireDecodeError({ message: `${where}: a property without a key` })
        setEntry(properties, property.key, decodeScalar(property.value, `${where}.properties["${property.key}"]`))
      }
      return {
        eventType: event.eventType,
        category,
        ...decodeTimestamp(event.timestamp),
        dimensions: decodeDimensions(event.dimensions, where),
        properties
      }
    })
  })
