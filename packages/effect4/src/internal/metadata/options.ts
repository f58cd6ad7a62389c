/**
 * Turns the user's `Metadata.Options` into checked, resolved settings, failing with a
 * `ConfigurationError` that names the option.
 */
import * as Duration from "effect/Duration"
import type * as Result from "effect/Result"
import { apiEndpoint, restDefaults } from "../../core/rest/options.js"
import type * as Metadata from "../../Metadata.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import type { ResolvedConnection } from "../http/options.js"
import { connection, positiveInteger, resolving } from "../http/options.js"

/** @internal */
export interface ResolvedOptions extends ResolvedConnection {
  readonly maxResponseBytes: number
}

/**
 * The REST API's defaults (`core/rest/options.ts`) as durations.
 * @internal
 */
export const defaults = {
  requestTimeout: Duration.millis(restDefaults.requestTimeoutMillis),
  maxResponseBytes: restDefaults.maxResponseBytes,
  retry: {
    initialDelay: Duration.millis(restDefaults.retry.initialDelayMillis),
    maxDelay: Duration.millis(restDefaults.retry.maxDelayMillis),
    maxElapsed: Duration.millis(restDefaults.retry.maxElapsedMillis),
    maxRetryAfter: Duration.millis(restDefaults.retry.maxRetryAfterMillis)
  }
} as const

/** @internal */
export const resolve = (options: Metadata.Options): Result.Result<ResolvedOptions, ConfigurationError> =>
  resolving(() => ({
    ...connection(options, apiEndpoint(options.apiEndpoint), defaults),
    maxResponseBytes: positiveInteger("maxResponseBytes", options.maxResponseBytes, defaults.maxResponseBytes)
  }))
