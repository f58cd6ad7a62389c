/**
 * The datapoint as a caller writes it and as validation returns it: plain types that both
 * packages (Effect 3 and Effect 4) share, re-exported by their `Datapoint` modules.
 *
 * @since 0.3.0
 */

/**
 * A datapoint value. On the wire an integral number (and any `bigint`) is an `intValue`, any other
 * number a `doubleValue`, a string a `strValue` — the rule of the official Node.js client.
 * Use a `bigint` for int64 values beyond `Number.MAX_SAFE_INTEGER` to keep them exact.
 *
 * @since 0.1.0
 * @category models
 */
export type Value = number | bigint | string

/**
 * Dimensions of a datapoint or event: string keys to non-empty string values.
 *
 * @since 0.1.0
 * @category models
 */
export type Dimensions = { readonly [key: string]: string }

/**
 * The three metric types a client sends. A `counter` is a delta (the count since the last
 * report); a `cumulative_counter` is a running total whose deltas the service computes, so a
 * lost point is corrected by the next one.
 *
 * @since 0.1.0
 * @category models
 */
export type MetricType = "gauge" | "counter" | "cumulative_counter"

/**
 * One datapoint as a caller writes it.
 *
 * @example
 * ```ts
 * import type { Datapoint } from "effect-signalfx"
 *
 * const point: Datapoint.Datapoint = {
 *   metric: "cpu.utilization",
 *   value: 42.5,
 *   timestamp: Date.now(),
 *   dimensions: { host: "server1" }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Datapoint {
  readonly metric: string
  readonly value: Value
  /** Milliseconds since the epoch; when absent the service stamps the time of arrival. */
  readonly timestamp?: number | undefined
  readonly dimensions?: Dimensions | undefined
}

/**
 * The argument of `send`: datapoints sorted by metric type. The spelling `cumulative_counters`
 * of the official clients is accepted beside `cumulativeCounters`; both lists are sent.
 *
 * @example
 * ```ts
 * import type { Datapoint } from "effect-signalfx"
 *
 * const batch: Datapoint.Datapoints = {
 *   gauges: [{ metric: "queue.depth", value: 12 }],
 *   counters: [{ metric: "requests", value: 3, dimensions: { route: "/home" } }],
 *   cumulativeCounters: [{ metric: "bytes.total", value: 123456789n }]
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Datapoints {
  readonly gauges?: ReadonlyArray<Datapoint> | undefined
  readonly counters?: ReadonlyArray<Datapoint> | undefined
  readonly cumulativeCounters?: ReadonlyArray<Datapoint> | undefined
  readonly cumulative_counters?: ReadonlyArray<Datapoint> | undefined
}

/**
 * A datapoint that passed validation: typed, with its own copy of the dimensions, sharing
 * nothing with the caller's objects.
 *
 * @since 0.1.0
 * @category models
 */
export interface Validated {
  readonly type: MetricType
  readonly metric: string
  readonly value: Value
  readonly timestamp: number | undefined
  readonly dimensions: Dimensions
}
