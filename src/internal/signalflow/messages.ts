/**
 * The messages a SignalFlow computation streams, with the service's own field names. JSON
 * messages (WebSocket text frames, JSON binary frames, server-sent events) are decoded with these
 * schemas; binary data frames are built as `DataMessage`s by the frame decoder directly.
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type * as SignalFlow from "../../SignalFlow.js"

const Properties = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** A control message's wall-clock time; the service sends it, the old test servers sometimes not. */
const timestampMs = Schema.optional(Schema.Number)

/**
 * The stream has started (`control-message`, `STREAM_START`).
 *
 * @since 0.2.0
 * @category schemas
 */
export const StreamStartMessage = Schema.Struct({
  type: Schema.Literal("control-message"),
  event: Schema.Literal("STREAM_START"),
  timestampMs
})

/**
 * The computation has started; `handle` names it for `stop`, `keepalive` and `attach`
 * (`control-message`, `JOB_START`).
 *
 * @since 0.2.0
 * @category schemas
 */
export const JobStartMessage = Schema.Struct({
  type: Schema.Literal("control-message"),
  event: Schema.Literal("JOB_START"),
  handle: Schema.String,
  timestampMs
})

/**
 * How far the computation's windows are primed, 0 to 100 (`control-message`, `JOB_PROGRESS`).
 *
 * @since 0.2.0
 * @category schemas
 */
export const JobProgressMessage = Schema.Struct({
  type: Schema.Literal("control-message"),
  event: Schema.Literal("JOB_PROGRESS"),
  progress: Schema.Number,
  timestampMs
})

/**
 * Information about the computation (`message`): its resolution (`JOB_RUNNING_RESOLUTION`,
 * `contents.resolutionMs`), the number of input time series (`FETCH_NUM_TIMESERIES`), a limited
 * result set (`FIND_LIMITED_RESULT_SET`, `contents.matchedSize` and `limitSize`), a query that
 * matched nothing (`FIND_MATCHED_NO_TIMESERIES`), a missing group-by property, lag, max delay.
 *
 * @since 0.2.0
 * @category schemas
 */
export const InfoMessage = Schema.Struct({
  type: Schema.Literal("message"),
  logicalTimestampMs: Schema.Number,
  message: Schema.Struct(
    {
      messageCode: Schema.String,
      messageLevel: Schema.optional(Schema.String),
      numInputTimeSeries: Schema.optional(Schema.Number),
      timestampMs: Schema.optional(Schema.Number),
      contents: Schema.optional(Properties)
    },
    Properties
  )
})

/**
 * The properties of an output time series (`metadata`): `sf_metric`, `sf_originatingMetric`,
 * `sf_resolutionMs`, the dimensions and custom properties. Always sent before its first value.
 *
 * @since 0.2.0
 * @category schemas
 */
export const MetadataMessage = Schema.Struct({
  type: Schema.Literal("metadata"),
  tsId: Schema.String,
  properties: Properties
})

/**
 * One value of a time series in a data batch: `null` when the time series has no value at this
 * timestamp. Integers beyond ±2^53 come as `bigint`, every other value as a `number`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const DataPoint = Schema.Struct({
  tsId: Schema.String,
  value: Schema.Union(Schema.Number, Schema.BigIntFromSelf, Schema.Null)
})

/**
 * A batch of values for one logical timestamp (`data`). A timestamp's values may come in several
 * batches. `maxDelayMs` is the max delay the service used (binary frames of version 2 and 3).
 *
 * @since 0.2.0
 * @category schemas
 */
export const DataMessage = Schema.Struct({
  type: Schema.Literal("data"),
  logicalTimestampMs: Schema.Number,
  maxDelayMs: Schema.optional(Schema.Number),
  data: Schema.Array(DataPoint)
})

/**
 * An event or alert from the computation (`event`), with its time series' metadata and its
 * properties (`was` and `is` for alerts).
 *
 * @since 0.2.0
 * @category schemas
 */
export const EventMessage = Schema.Struct({
  type: Schema.Literal("event"),
  tsId: Schema.String,
  timestampMs: Schema.Number,
  metadata: Schema.optionalWith(Properties, { default: () => ({}) }),
  properties: Schema.optionalWith(Properties, { default: () => ({}) })
})

/**
 * An output time series left the computation (`expired-tsid`): its metadata may be forgotten.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ExpiredTsIdMessage = Schema.Struct({
  type: Schema.Literal("expired-tsid"),
  tsId: Schema.String
})

/**
 * Every message a computation's stream carries. The end of the channel ends the stream; an
 * abort or an error fails it.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Message = Schema.Union(
  StreamStartMessage,
  JobStartMessage,
  JobProgressMessage,
  InfoMessage,
  MetadataMessage,
  DataMessage,
  EventMessage,
  ExpiredTsIdMessage
)

/** @internal */
export type DataMessage = Schema.Schema.Type<typeof DataMessage>
/** @internal */
export type DataPoint = Schema.Schema.Type<typeof DataPoint>

const decodeMessage = Schema.decodeUnknownEither(Message)

/**
 * What a JSON message from the service is: a message for the stream, the end of the channel, an
 * abort, an error, or something to skip (a type this client does not know, or a known type that
 * does not have the expected shape).
 * @internal
 */
export type Classified =
  | { readonly _tag: "Message"; readonly message: SignalFlow.Message }
  | { readonly _tag: "End" }
  | { readonly _tag: "Abort"; readonly state: string; readonly reason: string }
  | { readonly _tag: "Error"; readonly errors: ReadonlyArray<Record<string, unknown>> }
  | { readonly _tag: "Unknown"; readonly what: string }
  | { readonly _tag: "Malformed"; readonly what: string; readonly problem: string }

const known = new Set(["control-message", "message", "metadata", "data", "event", "expired-tsid"])
const knownControl = new Set(["STREAM_START", "JOB_START", "JOB_PROGRESS"])

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const end: Classified = { _tag: "End" }

/**
 * Classifies one JSON message of a channel. The service's error message has two shapes: a list of
 * `errors`, or one error spelled out in the message itself (`error`, `errorType`, `message`).
 * @internal
 */
export const classify = (raw: unknown): Classified => {
  if (!isRecord(raw)) return { _tag: "Malformed", what: typeof raw, problem: "not a JSON object" }
  const type = raw.type
  if (type === "control-message") {
    const event = raw.event
    if (event === "END_OF_CHANNEL") return end
    // The Python client's WebSocket transport spells it ABORT_CHANNEL, its messages CHANNEL_ABORT.
    if (event === "CHANNEL_ABORT" || event === "ABORT_CHANNEL") {
      const info = isRecord(raw.abortInfo) ? raw.abortInfo : {}
      return {
        _tag: "Abort",
        state: typeof info.sf_job_abortState === "string" ? info.sf_job_abortState : "ABORTED",
        reason: typeof info.sf_job_abortReason === "string" ? info.sf_job_abortReason : "no reason given"
      }
    }
    if (typeof event !== "string" || !knownControl.has(event)) {
      return { _tag: "Unknown", what: `control-message ${String(event)}` }
    }
  } else if (type === "error") {
    if (Array.isArray(raw.errors) && raw.errors.length > 0) {
      return { _tag: "Error", errors: raw.errors.map((e) => (isRecord(e) ? e : { message: String(e) })) }
    }
    const { channel: _channel, errors: _errors, error, type: _type, ...rest } = raw
    return { _tag: "Error", errors: [error === undefined ? rest : { code: error, ...rest }] }
  } else if (typeof type !== "string" || !known.has(type)) {
    return { _tag: "Unknown", what: `message type ${String(type)}` }
  }
  const decoded = decodeMessage(raw)
  return Either.isRight(decoded)
    ? { _tag: "Message", message: decoded.right }
    : { _tag: "Malformed", what: String(type), problem: decoded.left.message }
}
