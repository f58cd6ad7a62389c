/**
 * Option checks shared by the services that talk to SignalFx over HTTP: the core's
 * (`core/http/options.ts`: counts, the token, the endpoint, the User-Agent) and those made of
 * Effect's types (durations, the `Redacted` token, the retry settings). A bad option throws from
 * deep inside a resolver; {@link resolving} turns it into a `ConfigurationError` that names the
 * option.
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { createRequire } from "node:module"
import { describeType, shown } from "../../core/english.js"
import * as core from "../../core/http/options.js"
import { endpoint, invalid, token } from "../../core/http/options.js"
import { ConfigurationError } from "../../SignalFxError.js"
import type { RetrySettings } from "./retry.js"

export {
  DEFAULT_REALM,
  endpoint,
  invalid,
  isLoopbackHost,
  oneOf,
  positiveInteger,
  token
} from "../../core/http/options.js"

/**
 * Set to package.json's version by esbuild's `define` in the bundled facade (scripts/bundle.mjs),
 * where no package.json lies at a known path; absent in dist/ and the sources.
 */
declare const EFFECT_SIGNALFX_VERSION: string | undefined

/**
 * The package's version, from package.json (the one place it is written): compiled into the
 * bundle, read once at load from dist/ and the sources, both three levels below it.
 * @internal
 */
export const VERSION = typeof EFFECT_SIGNALFX_VERSION === "string"
  ? EFFECT_SIGNALFX_VERSION
  : core.versionOf(createRequire(import.meta.url)("../../../package.json"))

/**
 * Runs a resolver whose checks call {@link invalid}, so that it reads as straight-line code.
 * @internal
 */
export const resolving = <A>(resolve: () => A): Either.Either<A, ConfigurationError> => {
  try {
    return Either.right(resolve())
  } catch (error) {
    if (error instanceof core.InvalidOption) {
      return Either.left(new ConfigurationError({ option: error.option, reason: error.reason }))
    }
    throw error
  }
}

/** @internal */
export const duration = (
  option: string,
  value: Duration.DurationInput | undefined,
  fallback: Duration.Duration,
  { positive }: { readonly positive: boolean } = { positive: false }
): Duration.Duration => {
  if (value === undefined) return fallback
  // Duration.decode turns a negative number into zero; a negative setting is a mistake to report.
  if (typeof value === "number" && value < 0) return invalid(option, `must not be negative, got ${value}`)
  const decoded = Duration.decodeUnknown(value)
  if (decoded._tag === "None") return invalid(option, `is not a duration: ${shown(value)}`)
  if (!Duration.isFinite(decoded.value)) return invalid(option, "must be finite")
  if (positive && Duration.isZero(decoded.value)) return invalid(option, "must be longer than zero")
  return decoded.value
}

/**
 * The token option of the Effect API: a `Redacted` (a JavaScript caller may pass anything),
 * holding a usable token.
 * @internal
 */
export const redactedToken = (value: unknown): void => {
  if (!Redacted.isRedacted(value)) {
    return invalid("token", `must be a Redacted (Redacted.make("…")), got ${describeType(value)}`)
  }
  token(Redacted.value(value))
}

/** `effect-signalfx/<version>`, followed by the user's own products if any. @internal */
export const userAgent = (extra: string | undefined): string => core.userAgent(VERSION, extra)

/**
 * The `retry` option of a service, each delay checked and named (`retry.maxDelay`, …).
 * @internal
 */
export const retrySettings = (
  retry: {
    readonly initialDelay?: Duration.DurationInput | undefined
    readonly maxDelay?: Duration.DurationInput | undefined
    readonly maxElapsed?: Duration.DurationInput | undefined
    readonly maxRetryAfter?: Duration.DurationInput | undefined
  } | undefined,
  defaults: RetrySettings
): RetrySettings => ({
  initialDelay: duration("retry.initialDelay", retry?.initialDelay, defaults.initialDelay, { positive: true }),
  maxDelay: duration("retry.maxDelay", retry?.maxDelay, defaults.maxDelay),
  maxElapsed: duration("retry.maxElapsed", retry?.maxElapsed, defaults.maxElapsed),
  maxRetryAfter: duration("retry.maxRetryAfter", retry?.maxRetryAfter, defaults.maxRetryAfter)
})

/** What a service that talks to SignalFx over HTTP with a token resolves alike. @internal */
export interface ResolvedConnection {
  readonly token: Redacted.Redacted<string>
  readonly endpoint: URL
  readonly requestTimeout: Duration.Duration
  readonly retry: RetrySettings
  readonly userAgent: string
}

/**
 * The options every such service shares, checked: the token, the endpoint (`option`, or the
 * realm's `host`), `requestTimeout`, `retry` and `userAgent`. Called inside {@link resolving}.
 * @internal
 */
export const connection = (
  options: {
    readonly token: Redacted.Redacted<string>
    readonly realm?: string | undefined
    readonly allowInsecureHttp?: boolean | undefined
    readonly requestTimeout?: Duration.DurationInput | undefined
    readonly retry?: Parameters<typeof retrySettings>[0]
    readonly userAgent?: string | undefined
  },
  where: { readonly option: string; readonly url: string | undefined; readonly host: (realm: string) => string },
  defaults: { readonly requestTimeout: Duration.Duration; readonly retry: RetrySettings }
): ResolvedConnection => {
  redactedToken(options.token)
  return {
    token: options.token,
    endpoint: endpoint({ ...where, realm: options.realm, allowInsecureHttp: options.allowInsecureHttp }),
    requestTimeout: duration("requestTimeout", options.requestTimeout, defaults.requestTimeout, { positive: true }),
    retry: retrySettings(options.retry, defaults.retry),
    userAgent: userAgent(options.userAgent)
  }
}
