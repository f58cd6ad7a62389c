/**
 * The schemas of the messages a SignalFlow computation streams, each typed as the core's message
 * type (src/core/signalflow/messages.ts). JSON messages (WebSocket text frames, JSON binary
 * frames, server-sent events) are decoded with them; binary data frames are built as
 * `DataMessage`s by the frame decoder directly.
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as core from "../../core/signalflow/messages.js"

/**
 * The schema, unchanged, once the compiler has checked that it decodes to exactly the core's
 * type `A`.
 */
const decodesTo = <A>() =>
<S extends Schema.Top>(
  schema: S & ([A] extends [S["Type"]] ? [S["Type"]] extends [A] ? unknown : never : never)
): S => schema

/**
 * Properties as the service sent them: any object, checked and kept as it is. A copy made by
 * assignment would take a key named `__proto__`, which JSON allows, for the copy's prototype;
 * `JSON.parse` made it an own property, and so it stays.
 */
const Properties = Schema.declare((input: unknown): input is core.Properties => core.isRecord(input), {
  identifier: "Properties"
})

const TsId = Schema.String.check(Schema.isMaxLength(core.MAX_TSID_LENGTH))

/** A control message's wall-clock time; the service sends it, the old test servers sometimes not. */
const timestampMs = Schema.optional(Schema.Number)

/**
 * The stream has started (`control-message`, `STREAM_START`).
 *
 * @since 0.2.0
 * @category schemas
 */
export const StreamStartMessage = decodesTo<core.StreamStartMessage>()(Schema.Struct({
  type: Schema.Literal("control-message"),
  event: Schema.Literal("STREAM_START"),
  timestampMs
}))

/**
 * The computation has started; `handle` names it for `stop`, `keepalive` and `attach`
 * (`control-message`, `JOB_START`).
 *
 * @since 0.2.0
 * @category schemas
 */
export const JobStartMessage = decodesTo<core.JobStartMessage>()(Schema.Struct({
  type: Schema.Literal("control-message"),
  event: Schema.Literal("JOB_START"),
  handle: Schema.String,
  timestampMs
}))

/**
 * How far the computation's windows are primed, 0 to 100 (`control-message`, `JOB_PROGRESS`).
 *
 * @since 0.2.0
 * @category schemas
 */
export const JobProgressMessage = decodesTo<core.JobProgressMessage>()(Schema.Struct({
  type: Schema.Literal("control-message"),
  event: Schema.Literal("JOB_PROGRESS"),
  progress: Schema.Number,
  timestampMs
}))

const InfoFields = Schema.Struct({
  messageCode: Schema.String,
  messageLevel: Schema.optional(Schema.String),
  numInputTimeSeries: Schema.optional(Schema.Number),
  timestampMs: Schema.optional(Schema.Number),
  contents: Schema.optional(Properties)
})

const hasInfoFields = Schema.is(InfoFields)

/**
 * The body of an information message: its named fields checked, the others kept, the object
 * itself not copied (see `Properties`).
 */
const InfoBody = Schema.declare(
  (input: unknown): input is core.InfoBody => core.isRecord(input) && hasInfoFields(input),
  { identifier: "InfoBody" }
)

/**
 * Information about the computation (`message`): its resolution (`JOB_RUNNING_RESOLUTION`,
 * `contents.resolutionMs`), the number of input time series (`FETCH_NUM_TIMESERIES`), a limited
 * result set (`FIND_LIMITED_RESULT_SET`, `contents.matchedSize` and `limitSize`), a query that
 * matched nothing (`FIND_MATCHED_NO_TIMESERIES`), a missing group-by property, lag, max delay.
 *
 * @since 0.2.0
 * @category schemas
 */
export const InfoMessage = decodesTo<core.InfoMessage>()(Schema.Struct({
  type: Schema.Literal("message"),
  logicalTimestampMs: Schema.Number,
  message: InfoBody
}))

/**
 * The properties of an output time series (`metadata`): `sf_metric`, `sf_originatingMetric`,
 * `sf_resolutionMs`, the dimensions and custom properties. Always sent before its first value.
 *
 * @since 0.2.0
 * @category schemas
 */
export const MetadataMessage = decodesTo<core.MetadataMessage>()(Schema.Struct({
  type: Schema.Literal("metadata"),
  tsId: TsId,
  properties: Properties
}))

/**
 * One value of a time series in a data batch: `null` when the time series has no value at this
 * timestamp. Integers beyond ±2^53 come as `bigint`, every other value as a `number`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const DataPoint = decodesTo<core.DataPoint>()(Schema.Struct({
  tsId: TsId,
  value: Schema.Union([Schema.Number, Schema.BigInt, Schema.Null])
}))

/**
 * A batch of values for one logical timestamp (`data`). A timestamp's values may come in several
 * batches. `maxDelayMs` is the max delay the service used (binary frames of version 2 and 3).
 *
 * @since 0.2.0
 * @category schemas
 */
export const DataMessage = decodesTo<core.DataMessage>()(Schema.Struct({
  type: Schema.Literal("data"),
  logicalTimestampMs: Schema.Number,
  maxDelayMs: Schema.optional(Schema.Number),
  data: Schema.Array(DataPoint)
}))

const emptyProperties = Properties.pipe(Schema.withDecodingDefaultType(Effect.sync(() => ({}))))

/**
 * An event or alert from the computation (`event`), with its time series' metadata and its
 * properties (`was` and `is` for alerts).
 *
 * @since 0.2.0
 * @category schemas
 */
export const EventMessage = decodesTo<core.EventMessage>()(Schema.Struct({
  type: Schema.Literal("event"),
  tsId: TsId,
  timestampMs: Schema.Number,
  metadata: emptyProperties,
  properties: emptyProperties
}))

/**
 * An output time series left the computation (`expired-tsid`): its metadata may be forgotten.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ExpiredTsIdMessage = decodesTo<core.ExpiredTsIdMessage>()(Schema.Struct({
  type: Schema.Literal("expired-tsid"),
  tsId: TsId
}))

/**
 * Every message a computation's stream carries. The end of the channel ends the stream; an
 * abort or an error fails it.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Message = decodesTo<core.Message>()(Schema.Union([
  StreamStartMessage,
  JobStartMessage,
  JobProgressMessage,
  InfoMessage,
  MetadataMessage,
  DataMessage,
  EventMessage,
  ExpiredTsIdMessage
]))

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** What is wrong, on one line: the first issue and where it is. */
const describeIssue = (issue: SchemaIssue.Issue): string => {
  const [first] = formatter(issue).issues
  if (first === undefined) return String(issue)
  const path = (first.path ?? []).map((segment) => typeof segment === "object" ? String(segment.key) : String(segment))
  return path.length === 0 ? first.message : `${path.join(".")}: ${first.message}`
}

const decoder = <S extends Schema.Decoder<core.Message>>(schema: S): (raw: unknown) => core.Decoded => {
  const decode = Schema.decodeUnknownResult(schema)
  return (raw) => {
    const decoded = decode(raw)
    return Result.isSuccess(decoded)
      ? { ok: true, message: decoded.success }
      : { ok: false, problem: describeIssue(decoded.failure.issue) }
  }
}

/**
 * Classifies one JSON message of a channel (see the core's `classifier`).
 * @internal
 */
export const classify: (raw: unknown) => core.Classified = core.classifier({
  control: {
    STREAM_START: decoder(StreamStartMessage),
    JOB_START: decoder(JobStartMessage),
    JOB_PROGRESS: decoder(JobProgressMessage)
  },
  messages: {
    message: decoder(InfoMessage),
    metadata: decoder(MetadataMessage),
    data: decoder(DataMessage),
    event: decoder(EventMessage),
    "expired-tsid": decoder(ExpiredTsIdMessage)
  }
})
