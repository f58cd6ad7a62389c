/**
 * The messages a SignalFlow computation streams, as plain types with the service's own field
 * names, and the classification of a JSON message (the end of a channel, an abort, an error, a
 * message for the stream, something to skip). Each package checks a message's shape with its own
 * Schemas (which it exports, typed as these) and hands them to {@link classifier}.
 */
import { peerText } from "../peerText.js"

/**
 * The longest time series id taken: the service's are 11 characters (8 bytes in URL-safe
 * base64). The bound keeps what a computation remembers of each id (to resume without
 * repeating) small whatever a peer sends.
 * @internal
 */
export const MAX_TSID_LENGTH = 64

/**
 * Properties as the service sent them: any JSON object, kept as it is.
 *
 * @since 0.2.0
 * @category models
 */
export interface Properties {
  readonly [key: string]: unknown
}

/** The stream has started (`control-message`, `STREAM_START`). */
export interface StreamStartMessage {
  readonly type: "control-message"
  readonly event: "STREAM_START"
  readonly timestampMs?: number | undefined
}

/** The computation has started; `handle` names it (`control-message`, `JOB_START`). */
export interface JobStartMessage {
  readonly type: "control-message"
  readonly event: "JOB_START"
  readonly handle: string
  readonly timestampMs?: number | undefined
}

/** How far the computation's windows are primed, 0 to 100 (`control-message`, `JOB_PROGRESS`). */
export interface JobProgressMessage {
  readonly type: "control-message"
  readonly event: "JOB_PROGRESS"
  readonly progress: number
  readonly timestampMs?: number | undefined
}

/** The body of an information message: its named fields, and whatever else the service sent. */
export interface InfoBody {
  readonly messageCode: string
  readonly messageLevel?: string | undefined
  readonly numInputTimeSeries?: number | undefined
  readonly timestampMs?: number | undefined
  readonly contents?: Properties | undefined
  readonly [key: string]: unknown
}

/** Information about the computation (`message`). */
export interface InfoMessage {
  readonly type: "message"
  readonly logicalTimestampMs: number
  readonly message: InfoBody
}

/** The properties of an output time series (`metadata`), sent before its first value. */
export interface MetadataMessage {
  readonly type: "metadata"
  readonly tsId: string
  readonly properties: Properties
}

/** One value of a time series in a data batch; integers beyond ±2^53 as `bigint`. */
export interface DataPoint {
  readonly tsId: string
  readonly value: number | bigint | null
}

/** A batch of values for one logical timestamp (`data`). */
export interface DataMessage {
  readonly type: "data"
  readonly logicalTimestampMs: number
  readonly maxDelayMs?: number | undefined
  readonly data: ReadonlyArray<DataPoint>
}

/** An event or alert from the computation (`event`). */
export interface EventMessage {
  readonly type: "event"
  readonly tsId: string
  readonly timestampMs: number
  readonly metadata: Properties
  readonly properties: Properties
}

/** An output time series left the computation (`expired-tsid`). */
export interface ExpiredTsIdMessage {
  readonly type: "expired-tsid"
  readonly tsId: string
}

/** Every message a computation's stream carries. */
export type Message =
  | StreamStartMessage
  | JobStartMessage
  | JobProgressMessage
  | InfoMessage
  | MetadataMessage
  | DataMessage
  | EventMessage
  | ExpiredTsIdMessage

/**
 * What a JSON message from the service is: a message for the stream, the end of the channel, an
 * abort, an error, or something to skip (a type this client does not know, or a known type that
 * does not have the expected shape).
 * @internal
 */
export type Classified =
  | { readonly _tag: "Message"; readonly message: Message }
  | { readonly _tag: "End" }
  | { readonly _tag: "Abort"; readonly state: string; readonly reason: string }
  | { readonly _tag: "Error"; readonly errors: ReadonlyArray<Record<string, unknown>> }
  | { readonly _tag: "Unknown"; readonly what: string }
  | { readonly _tag: "Malformed"; readonly what: string; readonly problem: string }

/**
 * One message checked against its schema: the message, or what is wrong with it on one line
 * (the first issue and where it is), which the classifier bounds as peer text.
 * @internal
 */
export type Decoded =
  | { readonly ok: true; readonly message: Message }
  | { readonly ok: false; readonly problem: string }

/**
 * The check of each message type (and control event) this client knows, so that a malformed
 * message is told what is wrong with it rather than with every member of `Message`.
 * @internal
 */
export interface Decoders {
  readonly control: {
    readonly [Event in "STREAM_START" | "JOB_START" | "JOB_PROGRESS"]: (raw: unknown) => Decoded
  }
  readonly messages: {
    readonly [Type in "message" | "metadata" | "data" | "event" | "expired-tsid"]: (raw: unknown) => Decoded
  }
}

/** @internal */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const end: Classified = { _tag: "End" }

/**
 * The classification of one JSON message of a channel, over the package's checks. The service's
 * error message has two shapes: a list of `errors`, or one error spelled out in the message
 * itself (`error`, `errorType`, `message`).
 * @internal
 */
export const classifier = (decoders: Decoders): (raw: unknown) => Classified => {
  // Maps, so that a type named `constructor` or `__proto__` finds nothing.
  const control = new Map<unknown, (raw: unknown) => Decoded>(Object.entries(decoders.control))
  const messages = new Map<unknown, (raw: unknown) => Decoded>(Object.entries(decoders.messages))
  return (raw) => {
    if (!isRecord(raw)) return { _tag: "Malformed", what: typeof raw, problem: "not a JSON object" }
    const type = raw.type
    let decode: ((raw: unknown) => Decoded) | undefined
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
      decode = control.get(event)
      if (decode === undefined) return { _tag: "Unknown", what: `control-message ${peerText(String(event))}` }
    } else if (type === "error") {
      if (Array.isArray(raw.errors) && raw.errors.length > 0) {
        return { _tag: "Error", errors: raw.errors.map((e) => (isRecord(e) ? e : { message: String(e) })) }
      }
      const { channel: _channel, errors: _errors, error, type: _type, ...rest } = raw
      return { _tag: "Error", errors: [error === undefined ? rest : { code: error, ...rest }] }
    } else {
      decode = messages.get(type)
      if (decode === undefined) return { _tag: "Unknown", what: `message type ${peerText(String(type))}` }
    }
    const decoded = decode(raw)
    return decoded.ok
      ? { _tag: "Message", message: decoded.message }
      : { _tag: "Malformed", what: String(type), problem: peerText(decoded.problem) }
  }
}
