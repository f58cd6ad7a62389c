/**
 * Turns the user's `Ingest.Options` into checked, resolved settings, failing with a
 * `ConfigurationError` that names the option. The core (`../../core/ingest/options.ts`) checks
 * the options that hold no duration and holds the defaults, in milliseconds, made `Duration`s here.
 */
import * as Duration from "effect/Duration"
import type * as Either from "effect/Either"
import type { ResolvedPlainOptions } from "../../core/ingest/options.js"
import { defaults as coreDefaults, ingestHost, resolvePlainOptions } from "../../core/ingest/options.js"
import type * as Ingest from "../../Ingest.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import type { ResolvedConnection } from "../http/options.js"
import { connection, duration, resolving } from "../http/options.js"

/** @internal */
export interface ResolvedOptions extends ResolvedConnection, ResolvedPlainOptions {
  readonly flushIntervalMillis: number
  readonly shutdownTimeout: Duration.Duration
}

/** The core's default durations as `Duration`s. */
const defaults = {
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
export const resolve = (options: Ingest.Options): Either.Either<ResolvedOptions, ConfigurationError> =>
  resolving(() => ({
    ...connection(options, { option: "ingestEndpoint", url: options.ingestEndpoint, host: ingestHost }, defaults),
    ...resolvePlainOptions(options),
    flushIntervalMillis: Duration.toMillis(duration("flushInterval", options.flushInterval, defaults.flushInterval)),
    shutdownTimeout: duration("shutdownTimeout", options.shutdownTimeout, defaults.shutdownTimeout)
  }))
