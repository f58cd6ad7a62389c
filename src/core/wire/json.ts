/**
 * The JSON codec (docs/protocol.md §2.3). The encoder writes the body as one string without
 * building an intermediate object tree, and writes `bigint`s as exact integer literals, which
 * `JSON.stringify` refuses to do. JSON can't tell an int from a double, so decoded numbers are
 * typed by their value: integral is "int", anything else "double".
 */
import type * as Datapoint from "../datapoint.js"
import type * as Event from "../event.js"
import { setEntry } from "../record.js"
import type { JsonValue } from "./jsonParse.js"
import { parseJson } from "./jsonParse.js"
import type {
  DecodedDatapoint,
  DecodedEvent,
  DecodedProperty,
  EncodeSegment,
  ValueType,
  WireMetricType
} from "./records.js"
import type { Decoded } from "./records.js"
import { eventCategoryNumbers, isInt64Number, WireDecodeError } from "./records.js"

const hasOwn = Object.prototype.hasOwnProperty
const quote = JSON.stringify

/**
 * A number as the protobuf path sends it: an integral number within int64 as its exact integer
 * (`String(2 ** 60)` is 24 off, `BigInt` is exact), any other number as a double, with an
 * exponent when it is integral so that it is not read as an integer outside int64.
 */
const numberJson = (value: number): string =>
  Number.isSafeInteger(value) || !Number.isInteger(value)
    ? String(value)
    : isInt64Number(value)
    ? BigInt(value).toString()
    : value.toExponential()

const scalarJson = (value: number | bigint | string | boolean): string =>
  typeof value === "string" ? quote(value) : typeof value === "number" ? numberJson(value) : String(value)

const dimensionsJson = (own: Datapoint.Dimensions, global: Datapoint.Dimensions | undefined): string => {
  let json = "{"
  let first = true
  if (global !== undefined) {
    for (const key in global) {
      if (hasOwn.call(own, key)) continue
      json += `${first ? "" : ","}${quote(key)}:${quote(global[key])}`
      first = false
    }
  }
  for (const key in own) {
    json += `${first ? "" : ","}${quote(key)}:${quote(own[key])}`
    first = false
  }
  return json + "}"
}

const jsonKeys: Readonly<Record<Datapoint.MetricType, string>> = {
  gauge: "gauge",
  counter: "counter",
  cumulative_counter: "cumulative_counter"
}

const datapointJson = (datapoint: Datapoint.Validated, globals: Datapoint.Dimensions | undefined): string => {
  const timestamp = datapoint.timestamp === undefined ? "" : `,"timestamp":${datapoint.timestamp}`
  return `{"metric":${quote(datapoint.metric)},"value":${scalarJson(datapoint.value)}${timestamp},"dimensions":${
    dimensionsJson(datapoint.dimensions, globals)
  }}`
}

const eventJson = (event: Event.Validated, globals: Datapoint.Dimensions | undefined): string => {
  let properties = "{"
  for (const key in event.properties) {
    properties += `${properties === "{" ? "" : ","}${quote(key)}:${scalarJson(event.properties[key]!)}`
  }
  properties += "}"
  const timestamp = event.timestamp === undefined ? "" : `,"timestamp":${event.timestamp}`
  return `{"eventType":${quote(event.eventType)},"category":${quote(event.category)},"dimensions":${
    dimensionsJson(event.dimensions, globals)
  },"properties":${properties}${timestamp}}`
}

/**
 * Encodes one `{"gauge": [...], "counter": [...], "cumulative_counter": [...]}` body from several
 * segments, each with its global dimensions.
 * @internal
 */
export const encodeDatapointSegments = (segments: ReadonlyArray<EncodeSegment<Datapoint.Validated>>): string => {
  const lists: Record<Datapoint.MetricType, string> = { gauge: "", counter: "", cumulative_counter: "" }
  for (const { globals, items } of segments) {
    for (let i = 0; i < items.length; i++) {
      const datapoint = items[i]!
      const item = datapointJson(datapoint, globals)
      lists[datapoint.type] += lists[datapoint.type] === "" ? item : `,${item}`
    }
  }
  let body = "{"
  for (const type of ["gauge", "counter", "cumulative_counter"] as const) {
    if (lists[type] === "") continue
    body += `${body === "{" ? "" : ","}"${jsonKeys[type]}":[${lists[type]}]`
  }
  return body + "}"
}

/**
 * Encodes the datapoint body, adding `globalDimensions` to every datapoint.
 * @internal
 */
export const encodeDatapoints = (
  datapoints: ReadonlyArray<Datapoint.Validated>,
  globalDimensions?: Datapoint.Dimensions
): string => encodeDatapointSegments([{ items: datapoints, globals: globalDimensions }])

/**
 * Encodes one `[{"eventType": ...}]` body from several segments; the category goes by its enum name.
 * @internal
 */
export const encodeEventSegments = (segments: ReadonlyArray<EncodeSegment<Event.Validated>>): string => {
  let body = "["
  for (const { globals, items } of segments) {
    for (let i = 0; i < items.length; i++) body += `${body === "[" ? "" : ","}${eventJson(items[i]!, globals)}`
  }
  return body + "]"
}

/**
 * Encodes the event body, adding `globalDimensions` to every event.
 * @internal
 */
export const encodeEvents = (
  events: ReadonlyArray<Event.Validated>,
  globalDimensions?: Datapoint.Dimensions
): string => encodeEventSegments([{ items: events, globals: globalDimensions }])

const isObject = (value: JsonValue | undefined): value is { readonly [key: string]: JsonValue } =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const fail = (message: string): never => {
  throw new WireDecodeError(message)
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * A number as parsed with every integer literal a `bigint`: an int only for an integer literal
 * within int64 (a `number` when safe), a double for anything else (`2.0`, `1e21`, `-1.5e300`, an
 * integer literal beyond int64).
 */
const decodeNumber = (value: number | bigint): { readonly valueType: ValueType; readonly value: number | bigint } => {
  if (typeof value === "number") return { valueType: "double", value }
  if (value < INT64_MIN || value > INT64_MAX) return { valueType: "double", value: Number(value) }
  const asNumber = Number(value)
  return { valueType: "int", value: Number.isSafeInteger(asNumber) ? asNumber : value }
}

const decodeStringRecord = (value: JsonValue | undefined, where: string): Record<string, string> => {
  const record: Record<string, string> = {}
  if (value === undefined || value === null) return record
  if (!isObject(value)) return fail(`${where}: dimensions must be an object`)
  for (const key of Object.keys(value)) {
    const item = value[key]
    if (typeof item !== "string") return fail(`${where}: dimension ${quote(key)} is not a string`)
    setEntry(record, key, item)
  }
  return record
}

const decodeTimestamp = (value: JsonValue | undefined, where: string): { timestamp?: number } => {
  if (value === undefined || value === null || value === 0n) return {}
  const timestamp = typeof value === "bigint" ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(timestamp)) return fail(`${where}: the timestamp is not an integer`)
  return { timestamp }
}

const datapointTypes: ReadonlyArray<readonly [string, WireMetricType]> = [
  ["gauge", "gauge"],
  ["counter", "counter"],
  ["cumulative_counter", "cumulative_counter"]
]

const decodeWith = <A>(text: string, decode: (json: JsonValue) => A): Decoded<A> => {
  const parsed = parseJson(text, "bigint")
  if (!parsed.ok) return parsed
  try {
    return { ok: true, value: decode(parsed.value) }
  } catch (error) {
    return { ok: false, error: error instanceof WireDecodeError ? error : new WireDecodeError(String(error)) }
  }
}

/**
 * @internal
 */
export const decodeDatapoints = (text: string): Decoded<Array<DecodedDatapoint>> =>
  decodeWith(text, (json) => {
    if (!isObject(json)) return fail("a datapoint body must be an object of metric types")
    const records: Array<DecodedDatapoint> = []
    // In the body's own key order, so that records come out in wire order.
    for (const key of Object.keys(json)) {
      const type = datapointTypes.find(([name]) => name === key)?.[1]
      if (type === undefined) return fail(`unknown metric type ${quote(key)}`)
      const list = json[key]
      if (list === undefined || list === null) continue
      if (!Array.isArray(list)) return fail(`${key} must be an array`)
      list.forEach((item: JsonValue, index: number) => {
        const where = `${key}[${index}]`
        if (!isObject(item)) return fail(`${where} is not an object`)
        const metric = item.metric
        if (typeof metric !== "string" || metric === "") return fail(`${where}: no metric name`)
        const value = item.value
        if (typeof value !== "number" && typeof value !== "bigint" && typeof value !== "string") {
          return fail(`${where}: the value must be a number or a string`)
        }
        records.push({
          metric,
          type,
          ...(typeof value === "string" ? { value, valueType: "string" as const } : decodeNumber(value)),
          ...decodeTimestamp(item.timestamp, where),
          dimensions: decodeStringRecord(item.dimensions, where)
        })
      })
    }
    return records
  })

/**
 * @internal
 */
export const decodeEvents = (text: string): Decoded<Array<DecodedEvent>> =>
  decodeWith(text, (json) => {
    if (!Array.isArray(json)) return fail("an event body must be an array")
    return json.map((item: JsonValue, index: number): DecodedEvent => {
      const where = `[${index}]`
      if (!isObject(item)) return fail(`${where} is not an object`)
      const eventType = item.eventType
      if (typeof eventType !== "string" || eventType === "") return fail(`${where}: no eventType`)
      const category = item.category ?? "USER_DEFINED"
      if (typeof category !== "string" || !hasOwn.call(eventCategoryNumbers, category)) {
        return fail(`${where}: unknown category ${quote(category)}`)
      }
      const properties: Record<string, DecodedProperty> = {}
      const rawProperties = item.properties ?? {}
      if (!isObject(rawProperties)) return fail(`${where}: properties must be an object`)
      for (const key of Object.keys(rawProperties)) {
        const value = rawProperties[key]
        const property: DecodedProperty = typeof value === "string"
          ? { valueType: "string", value }
          : typeof value === "boolean"
          ? { valueType: "bool", value }
          : typeof value === "number" || typeof value === "bigint"
          ? decodeNumber(value)
          : fail(`${where}: property ${quote(key)} must be a string, number or boolean`)
        setEntry(properties, key, property)
      }
      return {
        eventType,
        category,
        ...decodeTimestamp(item.timestamp, where),
        dimensions: decodeStringRecord(item.dimensions, where),
        properties
      }
    })
  })
