/**
 * Option checks shared by the services that talk to SignalFx over HTTP: durations, counts, the
 * endpoint (realm or explicit URL, plain http only to loopback) and the User-Agent. A bad option
 * throws `Invalid` from deep inside a resolver; {@link resolving} turns it into a
 * `ConfigurationError` that names the option.
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { createRequire } from "node:module"
import { describeType, shown } from "../../core/english.js"
import { ConfigurationError } from "../../SignalFxError.js"
import type { RetrySettings } from "./retry.js"

/**
 * Set to package.json's version by esbuild's `define` in the bundled facade (scripts/bundle.mjs),
 * where no package.json lies at a known path; absent in dist/ and the sources.
 */
declare const EFFECT_SIGNALFX_VERSION: string | undefined

/**
 * The package's version, from package.json (the one place it is written): compiled into the
 * bundle, read once at load from dist/ and the sources, both three levels below it.
 */
const packageVersion = (): string => {
  if (typeof EFFECT_SIGNALFX_VERSION === "string") return EFFECT_SIGNALFX_VERSION
  const manifest: unknown = createRequire(import.meta.url)("../../../package.json")
  return typeof manifest === "object" && manifest !== null && "version" in manifest &&
      typeof manifest.version === "string"
    ? manifest.version
    : "unknown"
}

/** @internal */
export const VERSION = packageVersion()

/** @internal */
export const DEFAULT_REALM = "us0"

const REALM_PATTERN = /^[a-z]{2}[0-9]+$/

class Invalid {
  constructor(readonly error: ConfigurationError) {}
}

/** @internal */
export const invalid = (option: string, reason: string): never => {
  throw new Invalid(new ConfigurationError({ option, reason }))
}

/**
 * Runs a resolver whose checks call {@link invalid}, so that it reads as straight-line code.
 * @internal
 */
export const resolving = <A>(resolve: () => A): Either.Either<A, ConfigurationError> => {
  try {
    return Either.right(resolve())
  } catch (error) {
    if (error instanceof Invalid) return Either.left(error.error)
    throw error
  }
}

/** @internal */
export const positiveInteger = (option: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value <= 0) invalid(option, `must be a positive integer, got ${shown(value)}`)
  return value
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

/** @internal */
export const oneOf = <const A extends string>(
  option: string,
  value: A | undefined,
  allowed: ReadonlyArray<A>,
  fallback: A
): A => {
  if (value === undefined) return fallback
  if (!allowed.includes(value)) invalid(option, `must be one of ${allowed.join(", ")}, got ${shown(value)}`)
  return value
}

/**
 * Why the text cannot be an HTTP header value, or `undefined` when it can: a control character
 * other than tab (a line break would end the header, or inject another), or anything beyond
 * Latin-1.
 */
const headerProblem = (value: string): string | undefined => {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    const control = (code < 0x20 && code !== 0x09) || code === 0x7f
    if (!control && code <= 0xff) continue
    const character = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`
    return control
      ? `cannot be sent in an HTTP header: it contains the control character ${character}`
      : `cannot be sent in an HTTP header: it contains ${character}, beyond Latin-1`
  }
  return undefined
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

/** @internal */
export const token = (value: unknown): void => {
  if (typeof value !== "string" || value.trim() === "") return invalid("token", "must be a non-empty string")
  // The problem is named, never the token itself.
  const problem = headerProblem(value)
  if (problem !== undefined) invalid("token", problem)
}

/** @internal */
export const isLoopbackHost = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname)

/**
 * The base URL: the explicit one if given (http(s), no credentials, plain http only to
 * loopback unless `allowInsecureHttp`), else the realm's host (`host(realm)`).
 * @internal
 */
export const endpoint = (options: {
  readonly option: string
  readonly url: string | undefined
  readonly realm: string | undefined
  readonly allowInsecureHttp: boolean | undefined
  readonly host: (realm: string) => string
}): URL => {
  const { option } = options
  if (options.url !== undefined) {
    if (typeof options.url !== "string") return invalid(option, `must be a URL string, got ${shown(options.url)}`)
    let url: URL
    try {
      url = new URL(options.url)
    } catch {
      return invalid(option, `is not a URL: ${options.url}`)
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      invalid(option, `must be an http(s) URL, got ${url.protocol}`)
    }
    if (url.protocol === "http:" && !isLoopbackHost(url.hostname) && options.allowInsecureHttp !== true) {
      invalid(
        option,
        `plain http:// to ${url.host} would send the token unencrypted; use https://, or set allowInsecureHttp`
      )
    }
    if (url.username !== "" || url.password !== "") invalid(option, "must not contain credentials")
    return url
  }
  const realm = options.realm ?? DEFAULT_REALM
  if (typeof realm !== "string") return invalid("realm", `must be a string such as us0 or eu0, got ${shown(realm)}`)
  if (!REALM_PATTERN.test(realm)) invalid("realm", `is not a realm name like us0 or eu0: ${realm}`)
  return new URL(`https://${options.host(realm)}`)
}

/** `effect-signalfx/<version>`, followed by the user's own products if any. @internal */
export const userAgent = (extra: string | undefined): string => {
  if (extra === undefined || extra === "") return `effect-signalfx/${VERSION}`
  if (typeof extra !== "string") return invalid("userAgent", `must be a string, got ${describeType(extra)}`)
  const problem = headerProblem(extra)
  if (problem !== undefined) invalid("userAgent", problem)
  return `effect-signalfx/${VERSION} ${extra}`
}

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
