/**
 * Option checks shared by the services that talk to SignalFx over HTTP: the core's
 * (`core/http/options.ts`: counts, the token, the endpoint, the User-Agent) and those made of
 * Effect's types (durations, the `Redacted` token, the retry settings). A bad option throws from
 * deep inside a resolver; {@link resolving} turns it into a `ConfigurationError` that names the
 * option.
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { createRequire } from "node:module"
import { describeType } from "../../core/english.js"
import * as core from "../../core/http/options.js"
import { invalid, token } from "../../core/http/options.js"
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
 * The package's version, from its package.json (the one place it is written), three levels
 * above this file in dist/ and in the sources alike.
 * @internal
 */
export const VERSION = core.versionOf(createRequire(import.meta.url)("../../../package.json"))

/**
 * Runs a resolver whose checks call {@link invalid}, so that it reads as straight-line code.
 * @internal
 */
export const resolving = <A>(resolve: () => A): Result.Result<A, ConfigurationError> => {
  try {
    return Result.succeed(resolve())
  } catch (error) {
    if (error instanceof core.InvalidOption) {
      return Result.fail(new ConfigurationError({ option: error.option, reason: error.reason }))
    }
    throw error
  }
}

/** Effect 4's durations for the core's checks. */
const durations: core.Durations<Duration.Duration, Duration.Input> = {
  decode: (input) => Option.getOrUndefined(Duration.fromInput(input)),
  isNegative: Duration.isNegative,
  isFinite: Duration.isFinite,
  isZero: Duration.isZero
}

/** A duration option checked: not negative, finite, and longer than zero if `positive`. @internal */
export const duration = (
  option: string,
  value: Duration.Input | undefined,
  fallback: Duration.Duration,
  options?: { readonly positive: boolean }
): Duration.Duration => core.duration(durations, option, value, fallback, options)

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

/** What a service that talks to SignalFx over HTTP with a token resolves alike. @internal */
export type ResolvedConnection = core.ResolvedConnection<Duration.Duration, Redacted.Redacted<string>>

/**
 * The options every such service shares, checked: the token, the endpoint (`option`, or the
 * realm's `host`), `requestTimeout`, `retry` and `userAgent`. Called inside {@link resolving}.
 * @internal
 */
export const connection = (
  options: core.ConnectionOptions<Duration.Input, Redacted.Redacted<string>>,
  where: { readonly option: string; readonly url: string | undefined; readonly host: (realm: string) => string },
  defaults: { readonly requestTimeout: Duration.Duration; readonly retry: RetrySettings }
): ResolvedConnection =>
  core.connection({ durations, checkToken: redactedToken, version: VERSION }, options, where, defaults)
