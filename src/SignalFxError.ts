/**
 * The errors effect-signalfx fails with. Each is a tagged class: match them with
 * `Effect.catchTag`, or with `instanceof` from the Promise facade.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * One problem found in the input, with the path of the offending value, e.g.
 * `gauges[3].dimensions["1host"]`.
 *
 * @since 0.1.0
 * @category models
 */
export class ValidationIssue extends Schema.Class<ValidationIssue>("effect-signalfx/ValidationIssue")({
  path: Schema.String,
  message: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  override toString(): string {
    return this.path === "" ? this.message : `${this.path}: ${this.message}`
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
 * import { Datapoint } from "effect-signalfx"
 * import { Either } from "effect"
 *
 * const result = Datapoint.validate({ gauges: [{ metric: "", value: Number.NaN }] })
 * if (Either.isLeft(result)) {
 *   console.log(result.left.message)
 *   // 2 problems in the input:
 *   //   gauges[0].metric: the metric name must not be empty
 *   //   gauges[0].value: NaN is not a finite number
 * }
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ValidationError extends Schema.TaggedError<ValidationError>("effect-signalfx/ValidationError")(
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
   * @since 0.1.0
   */
  override get message(): string {
    const omitted = this.omitted ?? 0
    const count = this.issues.length + omitted
    const heading = count === 1 ? "1 problem in the input" : `${count.toLocaleString("en-US")} problems in the input`
    const more = omitted === 0 ? "" : `\n  … and ${omitted.toLocaleString("en-US")} more`
    return `${heading}:\n${this.issues.map((issue) => `  ${issue.toString()}`).join("\n")}${more}`
  }
}

/**
 * The client was stopped (its scope closed, or `stop()` was called): nothing more is accepted.
 * The rejected datapoints or events are counted as `dropped.closed` in the stats.
 *
 * @since 0.1.0
 * @category errors
 */
export class ClosedError extends Schema.TaggedError<ClosedError>("effect-signalfx/ClosedError")(
  "ClosedError",
  { what: Schema.Literal("datapoints", "events"), count: Schema.Number }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    // A count of 0 is a refusal that carried no data (a reporter started after `stop()`).
    return this.count === 0
      ? `the SignalFx client is stopped: no more ${this.what} are accepted`
      : `the SignalFx client is stopped: ${this.count} ${this.what} were not accepted`
  }
}

/**
 * An option given to a layer or to the client is not usable (a bad URL, an insecure endpoint, a
 * size that is not a positive integer). Names the option and the reason, never the token.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConfigurationError extends Schema.TaggedError<ConfigurationError>(
  "effect-signalfx/ConfigurationError"
)("ConfigurationError", { option: Schema.String, reason: Schema.String }) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `invalid option ${this.option}: ${this.reason}`
  }
}

/**
 * The metadata REST API has no such object (it answered 404): a metric, a dimension
 * (`name` is `key:value`), a metric time series (`name` is its id) or a tag.
 *
 * @example
 * ```ts
 * import { Effect, Option } from "effect"
 * import { Metadata } from "effect-signalfx"
 *
 * const description = Effect.gen(function*() {
 *   const metadata = yield* Metadata.Metadata
 *   return yield* metadata.getMetric("cpu.utilization").pipe(
 *     Effect.map((metric) => Option.fromNullable(metric.description)),
 *     Effect.catchTag("MetadataNotFoundError", () => Effect.succeed(Option.none()))
 *   )
 * })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class MetadataNotFoundError extends Schema.TaggedError<MetadataNotFoundError>(
  "effect-signalfx/MetadataNotFoundError"
)("MetadataNotFoundError", {
  kind: Schema.Literal("metric", "dimension", "metricTimeSeries", "tag"),
  name: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const what = this.kind === "metricTimeSeries" ? "metric time series" : this.kind
    return `no ${what} ${JSON.stringify(this.name)}`
  }
}

/**
 * A metadata REST call failed for a reason other than a missing object. `reason` says how:
 *
 * - `"StatusCode"`: the service answered with an error status (`status`), after any retries;
 *   `serviceMessage` is the `message` of its `{code, message}` body when it sent one. 401 and
 *   403 mean the token was refused; a 3xx is a redirect, never followed.
 * - `"Transport"`: the connection failed (refused, reset), after any retries.
 * - `"Timeout"`: no complete answer within `requestTimeout`, after any retries.
 * - `"Decode"`: the answer is not the JSON object expected.
 * - `"InvalidRequest"`: the call could not be sent at all (an empty name, or a name of `.` or
 *   `..` that no URL can carry; a body that is not JSON).
 * - `"TooLarge"`: the answer was longer than the `maxResponseBytes` option; it was not read
 *   further.
 *
 * The message names the method and the path, never the token.
 *
 * @since 0.1.0
 * @category errors
 */
export class MetadataRequestError extends Schema.TaggedError<MetadataRequestError>(
  "effect-signalfx/MetadataRequestError"
)("MetadataRequestError", {
  reason: Schema.Literal("StatusCode", "Transport", "Timeout", "Decode", "InvalidRequest", "TooLarge"),
  method: Schema.String,
  /** The path and query string as sent. */
  path: Schema.String,
  status: Schema.optional(Schema.Number),
  serviceMessage: Schema.optional(Schema.String),
  description: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.method} ${this.path}: ${this.description}`
  }
}
