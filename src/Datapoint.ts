/**
 * Datapoints: what a metric reports, and the rules SignalFx holds them to.
 *
 * A datapoint is a `metric` name, a `value` (a number, a `bigint` for exact int64 values, or a
 * string), an optional `timestamp` in milliseconds since the epoch and optional `dimensions`.
 * Datapoints travel in a {@link Datapoints} object that sorts them by metric type.
 *
 * @since 0.1.0
 */
import type * as Either from "effect/Either"
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
 * The result is an `Either`, which is also an `Effect`: `yield*` it in a generator.
 *
 * @example
 * ```ts
 * import { Datapoint } from "effect-signalfx"
 * import { Either } from "effect"
 *
 * const result = Datapoint.validate({
 *   gauges: [{ metric: "cpu", value: 1, dimensions: { "1host": "a" } }]
 * })
 * if (Either.isLeft(result)) {
 *   console.log(result.left.issues.map(String))
 *   // [ `gauges[0].dimensions["1host"]: a dimension key must start with a letter` ]
 * }
 * ```
 *
 * @since 0.1.0
 * @category validation
 */
export const validate: (input: unknown) => Either.Either<ReadonlyArray<Validated>, ValidationError> =
  validation.validateDatapoints

/**
 * A metric name: non-empty, at most 256 characters.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MetricName: Schema.Schema<string> = Schema.String.pipe(Schema.filter(fromRule(rules.metricName)))
  .annotations({ identifier: "MetricName" })

/**
 * A dimension key: at most 128 characters, a letter first, then letters, digits, `_`, `-` or
 * `.`, and none of the reserved prefixes `sf_`, `aws_`, `gcp_`, `azure_` (except the service's
 * own keys such as `sf_hires`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const DimensionKey: Schema.Schema<string> = Schema.String.pipe(Schema.filter(fromRule(rules.dimensionKey)))
  .annotations({ identifier: "DimensionKey" })

/**
 * A dimension value: non-empty, at most 256 characters.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DimensionValue: Schema.Schema<string> = Schema.String.pipe(Schema.filter(fromRule(rules.dimensionValue)))
  .annotations({ identifier: "DimensionValue" })

/**
 * At most 36 dimensions, each key and value valid.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DimensionsSchema: Schema.Schema<Dimensions> = checkedRecord(
  DimensionValue,
  rules.dimensionKey,
  rules.dimensionCount
).annotations({ identifier: "Dimensions" })

/**
 * A timestamp in milliseconds since the epoch: a non-negative safe integer that does not look
 * like seconds or microseconds.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Timestamp: Schema.Schema<number> = Schema.Number.pipe(Schema.filter(fromRule(rules.timestamp)))
  .annotations({ identifier: "Timestamp" })

/**
 * A datapoint value: a finite number, an int64 `bigint`, or a string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ValueSchema: Schema.Schema<Value> = Schema.Union(Schema.Number, Schema.BigIntFromSelf, Schema.String)
  .pipe(Schema.filter(fromRule(rules.value)))
  .annotations({ identifier: "Value" })

/**
 * The Schema of one valid {@link Datapoint}, for decoding datapoints from untyped sources
 * (configuration, JSON) with Effect's Schema tools.
 *
 * @example
 * ```ts
 * import { Datapoint } from "effect-signalfx"
 * import { Schema } from "effect"
 *
 * const point = Schema.decodeUnknownSync(Datapoint.DatapointSchema)({ metric: "cpu", value: 1 })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const DatapointSchema: Schema.Schema<Datapoint> = Schema.Struct({
  metric: MetricName,
  value: ValueSchema,
  timestamp: Schema.optional(Timestamp),
  dimensions: Schema.optional(DimensionsSchema)
}).annotations({ identifier: "Datapoint" })

/**
 * The Schema of a valid {@link Datapoints} object.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DatapointsSchema: Schema.Schema<Datapoints> = Schema.Struct({
  gauges: Schema.optional(Schema.Array(DatapointSchema)),
  counters: Schema.optional(Schema.Array(DatapointSchema)),
  cumulativeCounters: Schema.optional(Schema.Array(DatapointSchema)),
  cumulative_counters: Schema.optional(Schema.Array(DatapointSchema))
}).annotations({ identifier: "Datapoints" })
