/**
 * The protobuf encoder of events: rare, so encoded per batch on the plain `FieldWriter`.
 */
import type * as Datapoint from "../datapoint.js"
import type * as Event from "../event.js"
import {
  FieldWriter,
  TAG_DIMENSION_KEY,
  TAG_DIMENSION_VALUE,
  TAG_EVENT_CATEGORY,
  TAG_EVENT_DIMENSION,
  TAG_EVENT_PROPERTY,
  TAG_EVENT_TIMESTAMP,
  TAG_EVENT_TYPE,
  TAG_PROPERTY_BOOL,
  TAG_PROPERTY_KEY,
  TAG_PROPERTY_VALUE,
  TAG_UPLOAD_EVENT,
  writeScalar
} from "./protobufWriter.js"
import type { EncodeSegment } from "./records.js"
import { eventCategoryNumbers } from "./records.js"

const hasOwn = Object.prototype.hasOwnProperty

const writeDimension = (writer: FieldWriter, tag: number, key: string, value: string): void => {
  writer.uint(tag).fork().uint(TAG_DIMENSION_KEY).string(key).uint(TAG_DIMENSION_VALUE).string(value).ldelim()
}

/**
 * Global dimensions first, skipping those the item sets itself: the item's own value wins.
 */
const writeDimensions = (
  writer: FieldWriter,
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

const writeEvent = (
  writer: FieldWriter,
  event: Event.Validated,
  globals: Datapoint.Dimensions | undefined
): void => {
  writer.uint(TAG_UPLOAD_EVENT).fork()
  writer.uint(TAG_EVENT_TYPE).string(event.eventType)
  writeDimensions(writer, TAG_EVENT_DIMENSION, event.dimensions, globals)
  const properties = event.properties
  for (const key in properties) {
    const value = properties[key]!
    writer.uint(TAG_EVENT_PROPERTY).fork().uint(TAG_PROPERTY_KEY).string(key)
    writer.uint(TAG_PROPERTY_VALUE).fork()
    if (typeof value === "boolean") writer.uint(TAG_PROPERTY_BOOL).bool(value)
    else writeScalar(writer, value)
    writer.ldelim().ldelim()
  }
  writer.uint(TAG_EVENT_CATEGORY).uint(eventCategoryNumbers[event.category])
  if (event.timestamp !== undefined) writer.uint(TAG_EVENT_TIMESTAMP).int64(event.timestamp)
  writer.ldelim()
}

/**
 * Encodes one `EventUploadMessage` from several segments, each with its global dimensions.
 * @internal
 */
export const encodeEventSegments = (segments: ReadonlyArray<EncodeSegment<Event.Validated>>): Uint8Array => {
  const writer = new FieldWriter()
  for (let s = 0; s < segments.length; s++) {
    const { globals, items } = segments[s]!
    for (let i = 0; i < items.length; i++) writeEvent(writer, items[i]!, globals)
  }
  return writer.finish()
}

/**
 * Encodes an `EventUploadMessage`, adding `globalDimensions` to every event.
 * @internal
 */
export const encodeEvents = (
  events: ReadonlyArray<Event.Validated>,
  globalDimensions?: Datapoint.Dimensions
): Uint8Array => encodeEventSegments([{ items: events, globals: globalDimensions }])
