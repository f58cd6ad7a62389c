/**
 * Turns the user's `Ingest.Options` into checked, resolved settings, failing with a
 * `ConfigurationError` that names the option. The defaults are the core's
 * (`../../core/ingest/options.ts`), in milliseconds, made `Duration`s here.
 */
import * as Duration from "effect/Duration"
import * as Result from "effect/Result"
import { choices, defaults as coreDefaults, ingestHost } from "../../core/ingest/options.js"
import type * as Datapoint from "../../Datapoint.js"
import type * as Ingest from "../../Ingest.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import type { ResolvedConnection } from "../http/options.js"
import { connection, duration, invalid, oneOf, positiveInteger, resolving } from "../http/options.js"
import { validateDimensionsRecord } from "../validated.js"

/** @internal */
export interface ResolvedOptions extends ResolvedConnection {
  readonly format: "protobuf" | "json"
  readonly compression: "auto" | "gzip" | "none"
  readonly maxBatchSize: number
  readonly flushIntervalMillis: number
  readonly queueCapacity: number
  readonly eventQueueCapacity: number
  readonly overflow: "dropNewest" | "dropOldest"
  readonly maxConcurrentRequests: number
  readonly shutdownTimeout: Duration.Duration
  readonly dimensions: Datapoint.Dimensions
}

/** @internal */
export const defaults = {
  ...coreDefaults,
  flushInterval: Duration.millis(coreDefaults.flushIntervalMillis),
  requestTimeout: Duration.millis(coreDefaults.requestTimeoutMillis),
  retry: {
    initialDelay: Duration.millis(coreDefaults.retryMillis.initialDelay),
    maxDelay: Duration.millis(coreDefaults.retryMillis.maxDelay),
    maxElapsed: Duration.millis(coreDefaults.retryMillis.maxElapsed),
    maxRetryAfter: Duration.millis(coreDefaults.retryMillis.maxRetryAfter)
  },
  shutdownTimeout: Duration.millis(coreDefaults.shutdownTimeoutMillis)
} as const

/** @internal */
export const resolve = (options: Ingest.Options): Result.Result<ResolvedOptions, ConfigurationError> =>
  resolving(() => {
    const shared = connection(
      options,
      { option: "ingestEndpoint", url: options.ingestEndpoint, host: ingestHost },
      defaults
    )
    const dimensions = validateDimensionsRecord(options.dimensions ?? {})
    if (Result.isFailure(dimensions)) invalid("dimensions", dimensions.failure.message)
    return {
      ...shared,
      format: oneOf("format", options.format, choices.format, defaults.format),
      compression: oneOf("compression", options.compression, choices.compression, defaults.compression),
      maxBatchSize: positiveInteger("maxBatchSize", options.maxBatchSize, defaults.maxBatchSize),
      flushIntervalMillis: Duration.toMillis(duration("flushInterval", options.flushInterval, defaults.flushInterval)),
      queueCapacity: positiveInteger("queueCapacity", options.queueCapacity, defaults.queueCapacity),
      eventQueueCapacity: positiveInteger(
        "eventQueueCapacity",
        options.eventQueueCapacity,
        defaults.eventQueueCapacity
      ),
      overflow: oneOf("overflow", options.overflow, choices.overflow, defaults.overflow),
      maxConcurrentRequests: positiveInteger(
        "maxConcurrentRequests",
        options.maxConcurrentRequests,
        defaults.maxConcurrentRequests
      ),
      shutdownTimeout: duration("shutdownTimeout", options.shutdownTimeout, defaults.shutdownTimeout),
      dimensions: Result.isSuccess(dimensions) ? dimensions.success : {}
    }
  })
