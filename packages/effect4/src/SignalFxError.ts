/**
 * The errors effect-signalfx fails with. Each is a tagged class: match them with
 * `Effect.catchTag`, or with `instanceof` from the Promise facade.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import * as messages from "./core/errorMessages.js"

/**
 * One problem found in the input, with the path of the offending value, e.g.
 * `gauges[3].dimensions["1host"]`.
 *
 * @since 0.2.0
 * @category models
 */
export class ValidationIssue extends Schema.Class<ValidationIssue>("effect-signalfx/ValidationIssue")({
  path: Schema.String,
  message: Schema.String
}) {
  /**
   * @since 0.2.0
   */
  override toString(): string {
    return messages.issueText(this)
  }
}

/**
 * The input broke one or more of SignalFx's rules. `issues` lists every problem, not just the
 * first, and nothing of the failed call was sent.
 *
 * The service itself answers "OK" to such data and then drops it silently, so this error is the
 * only place a mistake can surface.
 *
 * @example
 * ```ts
 * import { Datapoint } from "@effect-signalfx/effect4"
 * import { Result } from "effect"
 *
 * const result = Datapoint.validate({ gauges: [{ metric: "", value: Number.NaN }] })
 * if (Result.isFailure(result)) {
 *   console.log(result.failure.message)
 *   // 2 problems in the input:
 *   //   gauges[0].metric: the metric name must not be empty
 *   //   gauges[0].value: NaN is not a finite number
 * }
 * ```
 *
 * @since 0.2.0
 * @category errors
 */
export class ValidationError extends Schema.TaggedError<ValidationError>()(
  "ValidationError",
  {
    issues: Schema.Array(ValidationIssue),
    /**
     * Problems found beyond the first `issues`, counted but not listed: validation stops
     * describing them so that a huge bad input costs a bounded amount of work.
     */
    omitted: Schema.optional(Schema.Number)
  }
) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return messages.validationMessage(this.issues, this.omitted)
  }
}

/**
 * The client was stopped (its scope closed, or `stop()` was called): nothing more is accepted.
 * The rejected datapoints or events are counted as `dropped.closed` in the stats; `what` is
 * `"requests"` for a REST call (metadata, `sfx.rest`) made through the Promise facade after
 * `stop()`.
 *
 * @since 0.2.0
 * @category errors
 */
export class ClosedError extends Schema.TaggedError<ClosedError>()(
  "ClosedError",
  { what: Schema.Literals(["datapoints", "events", "requests"]), count: Schema.Number }
) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return messages.closedMessage(this.what, this.count)
  }
}

/**
 * An option given to a layer or to the client is not usable (a bad URL, an insecure endpoint, a
 * size that is not a positive integer). Names the option and the reason, never the token.
 *
 * @since 0.2.0
 * @category errors
 */
export class ConfigurationError extends Schema.TaggedError<ConfigurationError>()("ConfigurationError", {
  option: Schema.String,
  reason: Schema.String
}) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return messages.configurationMessage(this.option, this.reason)
  }
}

/**
 * A REST API call about one object found none (the service answered 404): a metric, a dimension
 * (`id` is `key:value`), a metric time series or a tag of the {@link Metadata} service, or a
 * chart, a dashboard, a dashboard group, a detector, an incident or a data link of the
 * {@link Rest} service. `id` is the name or id asked about.
 *
 * @example
 * ```ts
 * import { Effect, Option } from "effect"
 * import { Rest } from "@effect-signalfx/effect4"
 *
 * const detector = (id: string) =>
 *   Effect.gen(function*() {
 *     const rest = yield* Rest.Rest
 *     return yield* rest.detectors.get(id).pipe(
 *       Effect.map(Option.some),
 *       Effect.catchTag("RestNotFoundError", () => Effect.succeed(Option.none()))
 *     )
 *   })
 * ```
 *
 * @since 0.2.0
 * @category errors
 */
export class RestNotFoundError extends Schema.TaggedError<RestNotFoundError>()(
  "RestNotFoundError",
  {
    kind: Schema.Literals([
      "metric",
      "dimension",
      "metricTimeSeries",
      "tag",
      "chart",
      "dashboard",
      "dashboardGroup",
      "detector",
      "incident",
      "dataLink"
    ]),
    id: Schema.String
  }
) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return messages.notFoundMessage(this.kind, this.id)
  }
}

/**
 * The service refused what was sent (it answered 400): a detector whose program it cannot parse
 * or whose rules name no published label, a chart or dashboard it finds invalid, a login it
 * refuses. `serviceMessage` is the service's own explanation.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Rest } from "@effect-signalfx/effect4"
 *
 * const check = (programText: string) =>
 *   Effect.gen(function*() {
 *     const rest = yield* Rest.Rest
 *     yield* rest.detectors.validate({
 *       name: "cpu",
 *       programText,
 *       rules: [{ detectLabel: "high", severity: "Critical" }]
 *     })
 *   }).pipe(Effect.catchTag("RestRejectedError", (error) => Effect.logWarning(error.serviceMessage)))
 * ```
 *
 * @since 0.2.0
 * @category errors
 */
export class RestRejectedError extends Schema.TaggedError<RestRejectedError>()(
  "RestRejectedError",
  {
    kind: Schema.Literals(["chart", "dashboard", "dashboardGroup", "detector", "incident", "session"]),
    method: Schema.String,
    path: Schema.String,
    status: Schema.Number,
    serviceMessage: Schema.String
  }
) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return messages.rejectedMessage(this)
  }
}

/**
 * A REST API call (metadata, charts, dashboards, detectors, incidents, data links, the
 * organization, a login) failed for a reason other than a missing object or a refusal. `reason`
 * says how:
 *
 * - `"StatusCode"`: the service answered with an error status (`status`), after any retries;
 *   `serviceMessage` is the `message` of its `{code, message}` body when it sent one. 401 and
 *   403 mean the token was refused; a 3xx is a redirect, never followed.
 * - `"Transport"`: the connection failed (refused, reset), after any retries.
 * - `"Timeout"`: no complete answer within `requestTimeout`, after any retries.
 * - `"Decode"`: the answer is not the JSON object expected.
 * - `"InvalidRequest"`: the call could not be sent at all (an empty name or id, or one of `.` or
 *   `..` that no URL can carry; a body that is not JSON; a bad page size).
 * - `"TooLarge"`: the answer was longer than the `maxResponseBytes` option; it was not read
 *   further.
 *
 * `cause` is what lay beneath, when something did: the socket error of a `"Transport"` failure
 * (connection refused, reset, TLS), the parse error of a `"Decode"` one. It never holds the
 * request (whose headers carry the token), and a cause that would show the token is replaced by
 * its scrubbed text.
 *
 * The message names the method and the path, never the token or a password.
 *
 * @since 0.2.0
 * @category errors
 */
export class RestRequestError extends Schema.TaggedError<RestRequestError>()(
  "RestRequestError",
  {
    reason: Schema.Literals(["StatusCode", "Transport", "Timeout", "Decode", "InvalidRequest", "TooLarge"]),
    method: Schema.String,
    /** The path and query string as sent. */
    path: Schema.String,
    status: Schema.optional(Schema.Number),
    serviceMessage: Schema.optional(Schema.String),
    description: Schema.String,
    cause: Schema.optional(Schema.Defect())
  }
) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return messages.requestMessage(this.method, this.path, this.description)
  }
}

/**
 * A request through an HTTP(S) proxy failed because of the proxy: it could not be reached,
 * refused the tunnel (a 407 asks for credentials), or the tunnel's far end showed a certificate
 * that is not trusted (a proxy inspecting TLS with its own certificate authority). It is the
 * cause of the request's transport failure, so that the warning names the proxy rather than the
 * endpoint. `proxy` is the proxy's URL without its credentials.
 *
 * @since 0.2.0
 * @category errors
 */
export class ProxyError extends Schema.TaggedError<ProxyError>()("ProxyError", {
  proxy: Schema.String,
  reason: Schema.String
}) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return messages.proxyMessage(this.proxy, this.reason)
  }
}

/**
 * One error as the service reports it: in an `error` message's `errors` list (`code`, `context`,
 * …), or as the message itself (`error`, `errorType`, `message`). Every field the service sends is
 * kept; the known ones are typed.
 *
 * @since 0.2.0
 * @category models
 */
export const ServiceError = Schema.StructWithRest(
  Schema.Struct({
    code: Schema.optional(Schema.Union([Schema.Number, Schema.String])),
    errorType: Schema.optional(Schema.String),
    message: Schema.optional(Schema.String),
    context: Schema.optional(Schema.Unknown)
  }),
  [Schema.Record(Schema.String, Schema.Unknown)]
)

/**
 * @since 0.2.0
 * @category models
 */
export interface ServiceError extends Schema.Schema.Type<typeof ServiceError> {}

/**
 * The service refused the token (an `error` before `authenticated`, a close with a 4401 / 4403 /
 * 1008 code, or HTTP 401 / 403). Not retried: a new token is needed.
 *
 * @since 0.2.0
 * @category errors
 */
export class SignalFlowAuthenticationError
  extends Schema.TaggedError<SignalFlowAuthenticationError>()("SignalFlowAuthenticationError", {
    endpoint: Schema.String,
    description: Schema.String
  })
{
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return messages.authenticationMessage(this.endpoint, this.description)
  }
}

/**
 * The connection to SignalFlow could not be opened, or was lost and could not be opened again
 * within the reconnect schedule. `reason`: `"Timeout"` (no `authenticated` answer within the
 * authentication timeout), `"Transport"` (refused, reset, TLS), `"Closed"` (the service closed the
 * socket), `"StatusCode"` (the HTTP transport got an error status, in `status`), `"InvalidRequest"`
 * (nothing was sent: an empty handle, or `.` or `..`, which no URL path can carry), `"TooLarge"`
 * (the HTTP transport got an event over its size limit).
 *
 * @since 0.2.0
 * @category errors
 */
export class SignalFlowConnectionError
  extends Schema.TaggedError<SignalFlowConnectionError>()("SignalFlowConnectionError", {
    endpoint: Schema.String,
    reason: Schema.Literals(["Timeout", "Transport", "Closed", "StatusCode", "InvalidRequest", "TooLarge"]),
    status: Schema.optional(Schema.Number),
    description: Schema.String
  })
{
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return messages.connectionMessage(this.endpoint, this.description)
  }
}

/**
 * The computation could not run: the service answered an `error` message (a syntax error in the
 * program, an unknown function, a limit). `errors` holds what the service said.
 *
 * @since 0.2.0
 * @category errors
 */
export class ComputationFailedError extends Schema.TaggedError<ComputationFailedError>()("ComputationFailedError", {
  errors: Schema.Array(ServiceError)
}) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return messages.computationFailedMessage(this.errors)
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
export class ComputationAbortedError extends Schema.TaggedError<ComputationAbortedError>()("ComputationAbortedError", {
  state: Schema.String,
  reason: Schema.String
}) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return messages.computationAbortedMessage(this.state, this.reason)
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
