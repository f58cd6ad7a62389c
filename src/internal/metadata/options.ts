/**
 * Turns the user's `Metadata.Options` into checked, resolved settings, failing with a
 * `ConfigurationError` that names the option.
 */
import * as Duration from "effect/Duration"
import type * as Either from "effect/Either"
import type * as Redacted from "effect/Redacted"
import type * as Metadata from "../../Metadata.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import {
  duration,
  endpoint,
  positiveInteger,
  redactedToken,
  resolving,
  retrySettings,
  userAgent
} from "../http/options.js"
import type { RetrySettings } from "../http/retry.js"

/** @internal */
export interface ResolvedOptions {
  readonly token: Redacted.Redacted<string>
  readonly endpoint: URL
  readonly requestTimeout: Duration.Duration
  readonly retry: RetrySettings
  readonly userAgent: string
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
  resolving(() => {
    redactedToken(options.token)
    return {
      token: options.token,
      endpoint: endpoint({
        option: "apiEndpoint",
        url: options.apiEndpoint,
        realm: options.realm,
        allowInsecureHttp: options.allowInsecureHttp,
        host: (realm) => `api.${realm}.signalfx.com`
      }),
      requestTimeout: duration("requestTimeout", options.requestTimeout, defaults.requestTimeout, { positive: true }),
      retry: retrySettings(options.retry, defaults.retry),
      userAgent: userAgent(options.userAgent),
      maxResponseBytes: positiveInteger("maxResponseBytes", options.maxResponseBytes, defaults.maxResponseBytes)
    }
  })
