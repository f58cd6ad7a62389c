/**
 * The messages a SignalFlow computation streams, with the service's own field names. JSON
 * messages (WebSocket text frames, JSON binary frames, server-sent events) are decoded with these
 * schemas; binary data frames are built as `DataMessage`s by the frame decoder directly.
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { peerText } from "../../core/peerText.js"
import type * as SignalFlow from "../../SignalFlow.js"

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Properties as the service sent them: any object, checked and kept as it is. A copy made by
 * assignment (as `Schema.Record` makes) would take a key named `__proto__`, which JSON allows, for
 * the copy's prototype; `JSON.parse` made it an own property, and so it stays.
 */
const Properties: Schema.Schema<{ readonly [key: string]: unknown }> = Schema.declare(isRecord, {
  identifier: "Properties"
})

/**
 * The longest time series id taken: the service's are 11 characters (8 bytes in URL-safe
 * base64). The bound keeps what a computation remembers of each id (to resume without
 * repeating) small whatever a peer sends.
 * @internal
 */
export const MAX_TSID_LENGTH = 64

const TsId = Schema.String.pipe(Schema.maxLength(MAX_TSID_LENGTH))

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

const InfoFields = Schema.Struct({
  messageCode: Schema.String,
  messageLevel: Schema.optional(Schema.String),
  numInputTimeSeries: Schema.optional(Schema.Number),
  timestampMs: Schema.optional(Schema.Number),
  contents: Schema.optional(Properties)
})

const hasInfoFields = Schema.is(InfoFields)
// The type written out, not named: the public `InfoMessage` shows it.
const isInfoBody = (
  input: unknown
): input is Schema.Schema.Type<typeof InfoFields> & { readonly [key: string]: unknown } =>
  isRecord(input) && hasInfoFields(input)
const decodeInfoFields = ParseResult.decodeUnknownEither(InfoFields)

/**
 * The body of an information message: its named fields checked (a failure says which), the
 * others kept, the object itself not copied (see `Properties`).
 */
const InfoBody = Schema.declare([], {
  decode: () => (input, _, ast) => {
    if (isInfoBody(input)) return ParseResult.succeed(input)
    const checked = decodeInfoFields(input)
    return ParseResult.fail(Either.isLeft(checked) ? checked.left : new ParseResult.Type(ast, input))
  },
  encode: () => (input, _, ast) =>
    isInfoBody(input) ? ParseResult.succeed(input) : ParseResult.fail(new ParseResult.Type(ast, input))
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
  message: InfoBody
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
  tsId: TsId,
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
  tsId: TsId,
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
  tsId: TsId,
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
  tsId: TsId
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

type Decode = (raw: unknown) => Either.Either<SignalFlow.Message, ParseResult.ParseError>

/**
 * The schema of each message type (and control event) this client knows, so that a malformed
 * message is told what is wrong with it rather than with every member of `Message`.
 */
const decoders = new Map<string, Decode>([
  ["message", Schema.decodeUnknownEither(InfoMessage)],
  ["metadata", Schema.decodeUnknownEither(MetadataMessage)],
  ["data", Schema.decodeUnknownEither(DataMessage)],
  ["event", Schema.decodeUnknownEither(EventMessage)],
  ["expired-tsid", Schema.decodeUnknownEither(ExpiredTsIdMessage)]
])
const controlDecoders = new Map<string, Decode>([
  ["STREAM_START", Schema.decodeUnknownEither(StreamStartMessage)],
  ["JOB_START", Schema.decodeUnknownEither(JobStartMessage)],
  ["JOB_PROGRESS", Schema.decodeUnknownEither(JobProgressMessage)]
])

/** What is wrong, on one line: the first issue and where it is, the peer's value in it bounded. */
const describeIssue = (error: ParseResult.ParseError): string => {
  const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
  if (issue === undefined) return peerText(error.message)
  return peerText(issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`)
}

const end: Classified = { _tag: "End" }

/**
 * Classifies one JSON message of a channel. The service's error message has two shapes: a list of
 * `errors`, or one error spelled out in the message itself (`error`, `errorType`, `message`).
 * @internal
 */
export const classify = (raw: unknown): Classified => {
  if (!isRecord(raw)) return { _tag: "Malformed", what: typeof raw, problem: "not a JSON object" }
  const type = raw.type
  let decode: Decode | undefined
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
    decode = typeof event === "string" ? controlDecoders.get(event) : undefined
    if (decode === undefined) return { _tag: "Unknown", what: `control-message ${peerText(String(event))}` }
  } else if (type === "error") {
    if (Array.isArray(raw.errors) && raw.errors.length > 0) {
      return { _tag: "Error", errors: raw.errors.map((e) => (isRecord(e) ? e : { message: String(e) })) }
    }
    const { channel: _channel, errors: _errors, error, type: _type, ...rest } = raw
    return { _tag: "Error", errors: [error === undefined ? rest : { code: error, ...rest }] }
  } else {
    decode = typeof type === "string" ? decoders.get(type) : undefined
    if (decode === undefined) return { _tag: "Unknown", what: `message type ${peerText(String(type))}` }
  }
  const decoded = decode(raw)
  return Either.isRight(decoded)
    ? { _tag: "Message", message: decoded.right }
    : { _tag: "Malformed", what: String(type), problem: describeIssue(decoded.left) }
}
