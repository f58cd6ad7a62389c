/**
 * Option checks shared by the services that talk to SignalFx over HTTP: the core's
 * (`core/http/options.ts`: counts, the token, the endpoint, the User-Agent) and those made of
 * Effect's types (durations, the `Redacted` token, the retry settings). A bad option throws from
 * deep inside a resolver; {@link resolving} turns it into a `ConfigurationError` that names the
 * option.
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
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

/** Effect 3's durations for the core's checks. */
const durations: core.Durations<Duration.Duration, Duration.DurationInput> = {
  decode: (input) => Option.getOrUndefined(Duration.decodeUnknown(input)),
  // Effect 3 has no negative durations: its decoder makes them zero (a negative number is
  // reported before decoding).
  isNegative: () => false,
  isFinite: Duration.isFinite,
  isZero: Duration.isZero
}

/** A duration option checked: not negative, finite, and longer than zero if `positive`. @internal */
export const duration = (
  option: string,
  value: Duration.DurationInput | undefined,
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
  options: core.ConnectionOptions<Duration.DurationInput, Redacted.Redacted<string>>,
  where: { readonly option: string; readonly url: string | undefined; readonly host: (realm: string) => string },
  defaults: { readonly requestTimeout: Duration.Duration; readonly retry: RetrySettings }
): ResolvedConnection =>
  core.connection({ durations, checkToken: redactedToken, version: VERSION }, options, where, defaults)
