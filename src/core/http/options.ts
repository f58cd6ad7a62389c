/**
 * Option checks shared by the services that talk to SignalFx over HTTP, in both packages: counts,
 * choices, the token, the endpoint (realm or explicit URL, plain http only to loopback) and the
 * User-Agent. A bad option throws {@link InvalidOption} from deep inside a resolver; each
 * package's `resolving` turns it into its own `ConfigurationError`, which names the option.
 */
import { describeType, shown } from "../english.js"

/** An option that is not usable: which, and why (never its value when it is a secret). @internal */
export class InvalidOption {
  constructor(readonly option: string, readonly reason: string) {}
}

/** @internal */
export const invalid = (option: string, reason: string): never => {
  throw new InvalidOption(option, reason)
}

/** @internal */
export const DEFAULT_REALM = "us0"

const REALM_PATTERN = /^[a-z]{2}[0-9]+$/

/** @internal */
export const positiveInteger = (option: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value <= 0) invalid(option, `must be a positive integer, got ${shown(value)}`)
  return value
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

/** A usable token: a non-empty string that an HTTP header can carry. @internal */
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

/**
 * The version in a package's manifest (its parsed package.json), `"unknown"` if it has none.
 * @internal
 */
export const versionOf = (manifest: unknown): string =>
  typeof manifest === "object" && manifest !== null && "version" in manifest && typeof manifest.version === "string"
    ? manifest.version
    : "unknown"

/** `effect-signalfx/<version>`, followed by the user's own products if any. @internal */
export const userAgent = (version: string, extra: string | undefined): string => {
  if (extra === undefined || extra === "") return `effect-signalfx/${version}`
  if (typeof extra !== "string") return invalid("userAgent", `must be a string, got ${describeType(extra)}`)
  const problem = headerProblem(extra)
  if (problem !== undefined) invalid("userAgent", problem)
  return `effect-signalfx/${version} ${extra}`
}

/**
 * What the duration checks need of a package's `Duration` module: each Effect major has its own,
 * with its own input type `I` and duration type `D`.
 * @internal
 */
export interface Durations<D, I> {
  /** The duration, or `undefined` when the input is none. */
  readonly decode: (input: I) => D | undefined
  readonly isNegative: (duration: D) => boolean
  readonly isFinite: (duration: D) => boolean
  readonly isZero: (duration: D) => boolean
}

/** A duration option checked: a duration, not negative, finite, and longer than zero if `positive`. @internal */
export const duration = <D, I>(
  durations: Durations<D, I>,
  option: string,
  value: I | undefined,
  fallback: D,
  { positive }: { readonly positive: boolean } = { positive: false }
): D => {
  if (value === undefined) return fallback
  // Checked before decoding: a decoder may turn a negative number into zero, and a negative
  // setting is a mistake to report.
  if (typeof value === "number" && value < 0) return invalid(option, `must not be negative, got ${value}`)
  const decoded = durations.decode(value)
  if (decoded === undefined) return invalid(option, `is not a duration: ${shown(value)}`)
  if (durations.isNegative(decoded)) return invalid(option, `must not be negative, got ${shown(value)}`)
  if (!durations.isFinite(decoded)) return invalid(option, "must be finite")
  if (positive && durations.isZero(decoded)) return invalid(option, "must be longer than zero")
  return decoded
}

/** The retry policy's settings. @internal */
export interface RetrySettings<D> {
  readonly initialDelay: D
  readonly maxDelay: D
  readonly maxElapsed: D
  /** The longest `Retry-After` honoured: a service asking for an hour gets `maxRetryAfter`. */
  readonly maxRetryAfter: D
}

/** The `retry` option of a service, as given. @internal */
export type RetryOption<I> = { readonly [K in keyof RetrySettings<I>]?: I | undefined } | undefined

/**
 * The `retry` option of a service, each delay checked and named (`retry.maxDelay`, …).
 * @internal
 */
export const retrySettings = <D, I>(
  durations: Durations<D, I>,
  retry: RetryOption<I>,
  defaults: RetrySettings<D>
): RetrySettings<D> => ({
  initialDelay: duration(durations, "retry.initialDelay", retry?.initialDelay, defaults.initialDelay, {
    positive: true
  }),
  maxDelay: duration(durations, "retry.maxDelay", retry?.maxDelay, defaults.maxDelay),
  maxElapsed: duration(durations, "retry.maxElapsed", retry?.maxElapsed, defaults.maxElapsed),
  maxRetryAfter: duration(durations, "retry.maxRetryAfter", retry?.maxRetryAfter, defaults.maxRetryAfter)
})

/** What a service that talks to SignalFx over HTTP with a token resolves alike. @internal */
export interface ResolvedConnection<D, T> {
  readonly token: T
  readonly endpoint: URL
  readonly requestTimeout: D
  readonly retry: RetrySettings<D>
  readonly userAgent: string
}

/** The options every such service shares, as given. @internal */
export interface ConnectionOptions<I, T> {
  readonly token: T
  readonly realm?: string | undefined
  readonly allowInsecureHttp?: boolean | undefined
  readonly requestTimeout?: I | undefined
  readonly retry?: RetryOption<I>
  readonly userAgent?: string | undefined
}

/**
 * The options every such service shares, checked: the token (by `checkToken`), the endpoint
 * (`option`, or the realm's `host`), `requestTimeout`, `retry` and the User-Agent (after
 * `effect-signalfx/<version>`). Called inside a package's `resolving`.
 * @internal
 */
export const connection = <D, I, T>(
  package_: {
    readonly durations: Durations<D, I>
    readonly checkToken: (token: T) => void
    readonly version: string
  },
  options: ConnectionOptions<I, T>,
  where: { readonly option: string; readonly url: string | undefined; readonly host: (realm: string) => string },
  defaults: { readonly requestTimeout: D; readonly retry: RetrySettings<D> }
): ResolvedConnection<D, T> => {
  package_.checkToken(options.token)
  return {
    token: options.token,
    endpoint: endpoint({ ...where, realm: options.realm, allowInsecureHttp: options.allowInsecureHttp }),
    requestTimeout: duration(package_.durations, "requestTimeout", options.requestTimeout, defaults.requestTimeout, {
      positive: true
    }),
    retry: retrySettings(package_.durations, options.retry, defaults.retry),
    userAgent: userAgent(package_.version, options.userAgent)
  }
}
