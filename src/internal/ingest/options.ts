/**
 * Turns the user's `Ingest.Options` into checked, resolved settings, failing with a
 * `ConfigurationError` that names the option. Defaults follow the trusted senders
 * (the OpenTelemetry Collector's SignalFx exporter and the Go client): see SIGNALFX-API.md §6.
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import type * as Datapoint from "../../Datapoint.js"
import type * as Ingest from "../../Ingest.js"
import { ConfigurationError } from "../../SignalFxError.js"
import { validateDimensionsRecord } from "../validation.js"

/** @internal */
export interface ResolvedOptions {
  readonly token: Redacted.Redacted<string>
  readonly endpoint: URL
  readonly format: "protobuf" | "json"
  readonly compression: "auto" | "gzip" | "none"
  readonly maxBatchSize: number
  readonly flushIntervalMillis: number
  readonly queueCapacity: number
  readonly eventQueueCapacity: number
  readonly overflow: "dropNewest" | "dropOldest"
  readonly maxConcurrentRequests: number
  readonly requestTimeout: Duration.Duration
  readonly retry: {
    readonly initialDelay: Duration.Duration
    readonly maxDelay: Duration.Duration
    readonly maxElapsed: Duration.Duration
    readonly maxRetryAfter: Duration.Duration
  }
  readonly shutdownTimeout: Duration.Duration
  readonly dimensions: Datapoint.Dimensions
  readonly userAgent: string
}

/** @internal */
export const VERSION = "0.1.0"

/** @internal */
export const defaults = {
  realm: "us0",
  format: "protobuf",
  compression: "auto",
  maxBatchSize: 1000,
  flushInterval: Duration.seconds(1),
  queueCapacity: 10_000,
  eventQueueCapacity: 1_000,
  overflow: "dropNewest",
  maxConcurrentRequests: 4,
  requestTimeout: Duration.seconds(10),
  retry: {
    initialDelay: Duration.seconds(1),
    maxDelay: Duration.seconds(30),
    maxElapsed: Duration.minutes(5),
    maxRetryAfter: Duration.minutes(1)
  },
  shutdownTimeout: Duration.seconds(10)
} as const

/** Bodies above this size are gzipped in `"auto"` mode, as the Go client and the collector do. */
/** @internal */
export const AUTO_GZIP_THRESHOLD = 1500

const REALM_PATTERN = /^[a-z]{2}[0-9]+$/

const isLoopbackHost = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname)

class Invalid {
  constructor(readonly error: ConfigurationError) {}
}

const invalid = (option: string, reason: string): never => {
  throw new Invalid(new ConfigurationError({ option, reason }))
}

const positiveInteger = (option: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value <= 0) invalid(option, `must be a positive integer, got ${value}`)
  return value
}

const duration = (
  option: string,
  value: Duration.DurationInput | undefined,
  fallback: Duration.Duration,
  { positive }: { readonly positive: boolean } = { positive: false }
): Duration.Duration => {
  if (value === undefined) return fallback
  // Duration.decode turns a negative number into zero; a negative setting is a mistake to report.
  if (typeof value === "number" && value < 0) return invalid(option, `must not be negative, got ${value}`)
  const decoded = Duration.decodeUnknown(value)
  if (decoded._tag === "None") return invalid(option, `is not a duration: ${String(value)}`)
  if (!Duration.isFinite(decoded.value)) return invalid(option, "must be finite")
  if (positive && Duration.isZero(decoded.value)) return invalid(option, "must be longer than zero")
  return decoded.value
}

const oneOf = <const A extends string>(
  option: string,
  value: A | undefined,
  allowed: ReadonlyArray<A>,
  fallback: A
): A => {
  if (value === undefined) return fallback
  if (!allowed.includes(value)) invalid(option, `must be one of ${allowed.join(", ")}, got ${String(value)}`)
  return value
}

const resolveEndpoint = (options: Ingest.Options): URL => {
  if (options.ingestEndpoint !== undefined) {
    let url: URL
    try {
      url = new URL(options.ingestEndpoint)
    } catch {
      return invalid("ingestEndpoint", `is not a URL: ${options.ingestEndpoint}`)
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      invalid("ingestEndpoint", `must be an http(s) URL, got ${url.protocol}`)
    }
    if (url.protocol === "http:" && !isLoopbackHost(url.hostname) && options.allowInsecureHttp !== true) {
      invalid(
        "ingestEndpoint",
        `plain http:// to ${url.host} would send the token unencrypted; use https://, or set allowInsecureHttp`
      )
    }
    if (url.username !== "" || url.password !== "") invalid("ingestEndpoint", "must not contain credentials")
    return url
  }
  const realm = options.realm ?? defaults.realm
  if (!REALM_PATTERN.test(realm)) invalid("realm", `is not a realm name like us0 or eu0: ${realm}`)
  return new URL(`https://ingest.${realm}.signalfx.com`)
}

/** @internal */
export const resolve = (options: Ingest.Options): Either.Either<ResolvedOptions, ConfigurationError> => {
  try {
    const token = Redacted.value(options.token)
    if (typeof token !== "string" || token.trim() === "") invalid("token", "must be a non-empty string")
    const dimensions = validateDimensionsRecord(options.dimensions ?? {})
    if (Either.isLeft(dimensions)) invalid("dimensions", dimensions.left.message)
    const retry = options.retry ?? {}
    return Either.right({
      token: options.token,
      endpoint: resolveEndpoint(options),
      format: oneOf("format", options.format, ["protobuf", "json"], defaults.format),
      compression: oneOf("compression", options.compression, ["auto", "gzip", "none"], defaults.compression),
      maxBatchSize: positiveInteger("maxBatchSize", options.maxBatchSize, defaults.maxBatchSize),
      flushIntervalMillis: Duration.toMillis(duration("flushInterval", options.flushInterval, defaults.flushInterval)),
      queueCapacity: positiveInteger("queueCapacity", options.queueCapacity, defaults.queueCapacity),
      eventQueueCapacity: positiveInteger(
        "eventQueueCapacity",
        options.eventQueueCapacity,
        defaults.eventQueueCapacity
      ),
      overflow: oneOf("overflow", options.overflow, ["dropNewest", "dropOldest"], defaults.overflow),
      maxConcurrentRequests: positiveInteger(
        "maxConcurrentRequests",
        options.maxConcurrentRequests,
        defaults.maxConcurrentRequests
      ),
      requestTimeout: duration("requestTimeout", options.requestTimeout, defaults.requestTimeout, { positive: true }),
      retry: {
        initialDelay: duration("retry.initialDelay", retry.initialDelay, defaults.retry.initialDelay, {
          positive: true
        }),
        maxDelay: duration("retry.maxDelay", retry.maxDelay, defaults.retry.maxDelay),
        maxElapsed: duration("retry.maxElapsed", retry.maxElapsed, defaults.retry.maxElapsed),
        maxRetryAfter: duration("retry.maxRetryAfter", retry.maxRetryAfter, defaults.retry.maxRetryAfter)
      },
      shutdownTimeout: duration("shutdownTimeout", options.shutdownTimeout, defaults.shutdownTimeout),
      dimensions: Either.isRight(dimensions) ? dimensions.right : {},
      userAgent: options.userAgent === undefined || options.userAgent === ""
        ? `effect-signalfx/${VERSION}`
        : `effect-signalfx/${VERSION} ${options.userAgent}`
    })
  } catch (error) {
    if (error instanceof Invalid) return Either.left(error.error)
    throw error
  }
}
