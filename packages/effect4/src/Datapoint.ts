/**
 * Datapoints: what a metric reports, and the rules SignalFx holds them to.
 *
 * A datapoint is a `metric` name, a `value` (a number, a `bigint` for exact int64 values, or a
 * string), an optional `timestamp` in milliseconds since the epoch and optional `dimensions`.
 * Datapoints travel in a {@link Datapoints} object that sorts them by metric type.
 *
 * @since 0.2.0
 */
import type * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as rules from "./core/rules.js"
import { checkedRecord, fromRule } from "./internal/ruleSchemas.js"
import * as validation from "./internal/validated.js"
import type { ValidationError } from "./SignalFxError.js"

export type { Datapoint, Datapoints, Dimensions, MetricType, Validated, Value } from "./core/datapoint.js"
import type { Datapoint, Datapoints, Dimensions, Validated, Value } from "./core/datapoint.js"

/**
 * Checks a {@link Datapoints} object (or anything a plain-JavaScript caller passed) against
 * SignalFx's rules. On success the datapoints come back typed and copied; on failure one
 * {@link ValidationError} lists every problem with its path.
 *
 * The result is a `Result`; `Effect.fromResult` makes it an `Effect` that fails with the error.
 *
 * @example
 * ```ts
 * import { Datapoint } from "@effect-signalfx/effect4"
 * import { Result } from "effect"
 *
 * const result = Datapoint.validate({
 *   gauges: [{ metric: "cpu", value: 1, dimensions: { "1host": "a" } }]
 * })
 * if (Result.isFailure(result)) {
 *   console.log(result.failure.issues.map(String))
 *   // [ `gauges[0].dimensions["1host"]: a dimension key must start with a letter` ]
 * }
 * ```
 *
 * @since 0.2.0
 * @category validation
 */
export const validate: (input: unknown) => Result.Result<ReadonlyArray<Validated>, ValidationError> =
  validation.validateDatapoints

/**
 * A metric name: non-empty, at most 256 characters.
 *
 * @since 0.2.0
 * @category schemas
 */
export const MetricName: Schema.Codec<string> = Schema.String.pipe(Schema.check(fromRule(rules.metricName)))
  .annotate({ identifier: "MetricName" })

/**
 * A dimension key: at most 128 characters, a letter first, then letters, digits, `_`, `-` or
 * `.`, and none of the reserved prefixes `sf_`, `aws_`, `gcp_`, `azure_` (except the service's
 * own keys such as `sf_hires`).
 *
 * @since 0.2.0
 * @category schemas
 */
export const DimensionKey: Schema.Codec<string> = Schema.String.pipe(Schema.check(fromRule(rules.dimensionKey)))
  .annotate({ identifier: "DimensionKey" })

/**
 * A dimension value: non-empty, at most 256 characters.
 *
 * @since 0.2.0
 * @category schemas
 */
export const DimensionValue: Schema.Codec<string> = Schema.String.pipe(Schema.check(fromRule(rules.dimensionValue)))
  .annotate({ identifier: "DimensionValue" })

/**
 * At most 36 dimensions, each key and value valid.
 *
 * @since 0.2.0
 * @category schemas
 */
export const DimensionsSchema: Schema.Codec<Dimensions> = checkedRecord(
  DimensionValue,
  rules.dimensionKey,
  rules.dimensionCount
).annotate({ identifier: "Dimensions" })

/**
 * A timestamp in milliseconds since the epoch: a non-negative safe integer that does not look
 * like seconds or microseconds.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Timestamp: Schema.Codec<number> = Schema.Number.pipe(Schema.check(fromRule(rules.timestamp)))
  .annotate({ identifier: "Timestamp" })

/**
 * A datapoint value: a finite number, an int64 `bigint`, or a string.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ValueSchema: Schema.Codec<Value> = Schema.Union([Schema.Number, Schema.BigInt, Schema.String])
  .pipe(Schema.check(fromRule(rules.value)))
  .annotate({ identifier: "Value" })

/**
 * The Schema of one valid {@link Datapoint}, for decoding datapoints from untyped sources
 * (configuration, JSON) with Effect's Schema tools.
 *
 * @example
 * ```ts
 * import { Datapoint } from "@effect-signalfx/effect4"
 * import { Schema } from "effect"
 *
 * const point = Schema.decodeUnknownSync(Datapoint.DatapointSchema)({ metric: "cpu", value: 1 })
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const DatapointSchema: Schema.Codec<Datapoint> = Schema.Struct({
  metric: MetricName,
  value: ValueSchema,
  timestamp: Schema.optional(Timestamp),
  dimensions: Schema.optional(DimensionsSchema)
}).annotate({ identifier: "Datapoint" })

/**
 * The Schema of a valid {@link Datapoints} object.
 *
 * @since 0.2.0
 * @category schemas
 */
export const DatapointsSchema: Schema.Codec<Datapoints> = Schema.Struct({
  gauges: Schema.optional(Schema.Array(DatapointSchema)),
  counters: Schema.optional(Schema.Array(DatapointSchema)),
  cumulativeCounters: Schema.optional(Schema.Array(DatapointSchema)),
  cumulative_counters: Schema.optional(Schema.Array(DatapointSchema))
}).annotate({ identifier: "Datapoints" })
