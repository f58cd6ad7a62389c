/**
 * Turns the user's `Metadata.Options` into checked, resolved settings, failing with a
 * `ConfigurationError` that names the option.
 */
import * as Duration from "effect/Duration"
import type * as Either from "effect/Either"
import type * as Metadata from "../../Metadata.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import type { ResolvedConnection } from "../http/options.js"
import { connection, positiveInteger, resolving } from "../http/options.js"

/** @internal */
export interface ResolvedOptions extends ResolvedConnection {
  readonly maxResponseBytes: number
}

/**
 * Someone waits on each of these calls, so retries give up sooner than the Ingest service's,
 * which has no caller waiting.
 * @internal
 */
export const defaults = {
  requestTimeout: Duration.seconds(10),
  /** Far above any single answer of the API (a search page of 10,000 results included). */
  maxResponseBytes: 16 * 1024 * 1024,
  retry: {
    initialDelay: Duration.millis(500),
    maxDelay: Duration.seconds(10),
    maxElapsed: Duration.minutes(1),
    maxRetryAfter: Duration.minutes(1)
  }
} as const

/** @internal */
export const resolve = (options: Metadata.Options): Either.Either<ResolvedOptions, ConfigurationError> =>
  resolving(() => ({
    ...connection(options, {
      option: "apiEndpoint",
      url: options.apiEndpoint,
      host: (realm) => `api.${realm}.signalfx.com`
    }, defaults),
    maxResponseBytes: positiveInteger("maxResponseBytes", options.maxResponseBytes, defaults.maxResponseBytes)
  }))
