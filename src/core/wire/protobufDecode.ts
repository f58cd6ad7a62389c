/**
 * The protobuf decoder: the local server's side, and the tests'. It goes through protobufjs
 * reflection of the `.proto` text, an implementation independent of the hand-written encoder in
 * `protobuf.ts`. It is a module of its own so that a sending process never loads it: the full
 * protobufjs (its `.proto` parser and reflection, some 80 files) and the parse of the schema
 * cost a short script more start-up time than the rest of the send path (`npm run bench:startup`).
 */
import protobuf from "protobufjs"
import { setEntry } from "../record.js"
import type { Decoded, DecodedDatapoint, DecodedEvent, DecodedProperty } from "./records.js"
import {
  eventCategoryByNumber,
  eventCategoryNumbers,
  int64FromDecimal,
  metricTypeByNumber,
  WireDecodeError
} from "./records.js"
import { PROTO_PACKAGE, SIGNALFX_PROTO } from "./signalfx.proto.js"

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
    if (dimension.key === undefined) throw new WireDecodeError(`${where}: a dimension without a key`)
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
  throw new WireDecodeError(`${where}: no value`)
}

const decodeWith = <A>(decode: () => A): Decoded<A> => {
  try {
    return { ok: true, value: decode() }
  } catch (error) {
    if (error instanceof WireDecodeError) return { ok: false, error }
    return { ok: false, error: new WireDecodeError(`undecodable protobuf: ${String(error)}`) }
  }
}

/**
 * @internal
 */
export const decodeDatapoints = (bytes: Uint8Array): Decoded<Array<DecodedDatapoint>> =>
  decodeWith(() => {
    // toObject is typed `any`: this annotation is where the shape of the .proto is stated.
    const datapoints: ReadonlyArray<PlainDatapoint> = DataPointUploadMessage.toObject(
      DataPointUploadMessage.decode(bytes),
      toObjectOptions
    ).datapoints
    return datapoints.map((datapoint, index): DecodedDatapoint => {
      const where = `datapoints[${index}]`
      if (datapoint.metric === undefined || datapoint.metric === "") {
        throw new WireDecodeError(`${where}: no metric name`)
      }
      const type = metricTypeByNumber[datapoint.metricType ?? 0]
      if (type === undefined) {
        throw new WireDecodeError(`${where}: unknown metricType ${datapoint.metricType}`)
      }
      const scalar = decodeScalar(datapoint.value, where)
      if (scalar.valueType === "bool" || typeof scalar.value === "boolean") {
        throw new WireDecodeError(`${where}: a datapoint value can't be a bool`)
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
export const decodeEvents = (bytes: Uint8Array): Decoded<Array<DecodedEvent>> =>
  decodeWith(() => {
    const events: ReadonlyArray<PlainEvent> = EventUploadMessage.toObject(
      EventUploadMessage.decode(bytes),
      toObjectOptions
    ).events
    return events.map((event, index): DecodedEvent => {
      const where = `events[${index}]`
      if (event.eventType === undefined || event.eventType === "") {
        throw new WireDecodeError(`${where}: no eventType`)
      }
      const category = eventCategoryByNumber.get(event.category ?? eventCategoryNumbers.USER_DEFINED)
      if (category === undefined) {
        throw new WireDecodeError(`${where}: unknown category ${event.category}`)
      }
      const properties: Record<string, DecodedProperty> = {}
      for (const property of event.properties ?? []) {
        if (property.key === undefined) throw new WireDecodeError(`${where}: a property without a key`)
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
