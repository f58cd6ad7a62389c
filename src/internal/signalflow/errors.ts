/**
 * The errors a SignalFlow computation fails with. None of them ever contains the token.
 */
import * as Schema from "effect/Schema"

/**
 * One error as the service reports it: in an `error` message's `errors` list (`code`, `context`,
 * …), or as the message itself (`error`, `errorType`, `message`). Every field the service sends is
 * kept; the known ones are typed.
 *
 * @since 0.2.0
 * @category models
 */
export const ServiceError = Schema.Struct(
  {
    code: Schema.optional(Schema.Union(Schema.Number, Schema.String)),
    errorType: Schema.optional(Schema.String),
    message: Schema.optional(Schema.String),
    context: Schema.optional(Schema.Unknown)
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)

/**
 * @since 0.2.0
 * @category models
 */
export interface ServiceError extends Schema.Schema.Type<typeof ServiceError> {}

const describeServiceError = (error: ServiceError): string => {
  const code = error.code === undefined ? "" : String(error.code)
  const kind = error.errorType === undefined ? code : code === "" ? error.errorType : `${code} ${error.errorType}`
  const context = error.context === undefined ? "" : ` ${JSON.stringify(error.context)}`
  if (error.message !== undefined) return kind === "" ? error.message : `${kind}: ${error.message}`
  return kind === "" ? `unknown error${context}` : `${kind}${context}`
}

/**
 * The service refused the token (an `error` before `authenticated`, a close with a 4401 / 4403 /
 * 1008 code, or HTTP 401 / 403). Not retried: a new token is needed.
 *
 * @since 0.2.0
 * @category errors
 */
export class SignalFlowAuthenticationError extends Schema.TaggedError<SignalFlowAuthenticationError>(
  "effect-signalfx/SignalFlowAuthenticationError"
)("SignalFlowAuthenticationError", {
  endpoint: Schema.String,
  description: Schema.String
}) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return `SignalFlow at ${this.endpoint} refused the token: ${this.description}`
  }
}

/**
 * The connection to SignalFlow could not be opened, or was lost and could not be opened again
 * within the reconnect schedule. `reason`: `"Timeout"` (no `authenticated` answer within the
 * authentication timeout), `"Transport"` (refused, reset, TLS), `"Closed"` (the service closed the
 * socket), `"StatusCode"` (the HTTP transport got an error status, in `status`).
 *
 * @since 0.2.0
 * @category errors
 */
export class SignalFlowConnectionError extends Schema.TaggedError<SignalFlowConnectionError>(
  "effect-signalfx/SignalFlowConnectionError"
)("SignalFlowConnectionError", {
  endpoint: Schema.String,
  reason: Schema.Literal("Timeout", "Transport", "Closed", "StatusCode"),
  status: Schema.optional(Schema.Number),
  description: Schema.String
}) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return `SignalFlow connection to ${this.endpoint} failed: ${this.description}`
  }
}

/**
 * The computation could not run: the service answered an `error` message (a syntax error in the
 * program, an unknown function, a limit). `errors` holds what the service said.
 *
 * @since 0.2.0
 * @category errors
 */
export class ComputationFailedError extends Schema.TaggedError<ComputationFailedError>(
  "effect-signalfx/ComputationFailedError"
)("ComputationFailedError", {
  errors: Schema.Array(ServiceError)
}) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return `the SignalFlow computation failed: ${this.errors.map(describeServiceError).join("; ")}`
  }
}

/**
 * The computation was aborted before its end (`CHANNEL_ABORT`): stopped by a `stop` request, by
 * the service, or over a limit. `state` and `reason` are the service's `sf_job_abortState` and
 * `sf_job_abortReason`.
 *
 * @since 0.2.0
 * @category errors
 */
export class ComputationAbortedError extends Schema.TaggedError<ComputationAbortedError>(
  "effect-signalfx/ComputationAbortedError"
)("ComputationAbortedError", {
  state: Schema.String,
  reason: Schema.String
}) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return `the SignalFlow computation was ${this.state.toLowerCase()}: ${this.reason}`
  }
}

/**
 * Any error of a SignalFlow stream.
 *
 * @since 0.2.0
 * @category errors
 */
export type SignalFlowError =
  | SignalFlowAuthenticationError
  | SignalFlowConnectionError
  | ComputationFailedError
  | ComputationAbortedError

/**
 * One error record of the service as a `ServiceError`: the typed fields are kept when they have
 * the expected type and set aside (as `rawCode`, …) otherwise, so that a surprising answer can
 * never make the error itself fail to build.
 * @internal
 */
export const toServiceError = (record: Readonly<Record<string, unknown>>): ServiceError => {
  const { code, errorType, message, ...rest } = record
  return {
    ...rest,
    ...(typeof code === "number" || typeof code === "string" ? { code } : code === undefined ? {} : { rawCode: code }),
    ...(typeof errorType === "string" ? { errorType } : {}),
    ...(typeof message === "string" ? { message } : message === undefined ? {} : { rawMessage: message })
  }
}
