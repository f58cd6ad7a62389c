/**
 * The facade's arguments as JavaScript passes them: anything at all. Every bad one becomes the
 * library's own typed error naming what is wrong, never a `TypeError` from deep inside, and an
 * option the client does not know is refused rather than silently ignored.
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { describeType } from "../../core/english.js"
import type * as Datapoint from "../../Datapoint.js"
import type * as HostIdentity from "../../HostIdentity.js"
import * as Ingest from "../../Ingest.js"
import type { SignalFxOptions } from "../../promise/options.js"
import { ConfigurationError, ValidationError, ValidationIssue } from "../../SignalFxError.js"
import { apiUrl } from "../config.js"
import * as hostIdentityOptions from "../hostIdentity/options.js"
import { isPlainObject as hasPlainPrototype } from "../ingest/globalDimensions.js"

/**
 * Every option of `SignalFxOptions`, in one place: the compiler insists that an option added to
 * the interface is added here too, and a name missing from here is refused as unknown.
 */
const knownOptions = {
  realm: true,
  ingestEndpoint: true,
  format: true,
  compression: true,
  maxBatchSize: true,
  flushInterval: true,
  queueCapacity: true,
  eventQueueCapacity: true,
  overflow: true,
  maxConcurrentRequests: true,
  requestTimeout: true,
  retry: true,
  shutdownTimeout: true,
  dimensions: true,
  userAgent: true,
  allowInsecureHttp: true,
  hostIdentity: true,
  logger: true,
  apiEndpoint: true,
  apiToken: true,
  proxy: true,
  ca: true,
  signalflow: true
} as const satisfies { readonly [name in keyof Required<SignalFxOptions>]: true }

const knownNames: ReadonlyArray<string> = Object.keys(knownOptions)

/** The official clients' names, and other likely slips, with what to write instead. */
const replacements: Readonly<Record<string, string>> = {
  enableAmazonUniqueId: "hostIdentity: { clouds: [\"aws\"] } (or hostIdentity: true for every cloud)",
  timeout: "requestTimeout",
  batchSize: "maxBatchSize",
  userAgents: "userAgent",
  endpoint: "ingestEndpoint",
  ingest_endpoint: "ingestEndpoint",
  ingestUrl: "ingestEndpoint",
  apiUrl: "apiEndpoint",
  signalflowEndpoint: "signalflow: { streamEndpoint }",
  streamEndpoint: "signalflow: { streamEndpoint }",
  api_endpoint: "apiEndpoint",
  httpsProxy: "proxy",
  https_proxy: "proxy",
  token: "the constructor's first argument",
  accessToken: "the constructor's first argument"
}

/** The number of single-character edits between two names, for "did you mean". */
const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution))
    }
    previous = current
  }
  return previous[b.length]!
}

/** The known option closest to `name`, when it is close enough to be what was meant. */
const closest = (name: string): string | undefined => {
  const lower = name.toLowerCase()
  let best: string | undefined
  let bestDistance = Infinity
  for (const known of knownNames) {
    const distance = known.toLowerCase() === lower ? 0 : editDistance(lower, known.toLowerCase())
    if (distance < bestDistance) {
      best = known
      bestDistance = distance
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined
}

const unknownOption = (name: string): ConfigurationError => {
  const suggestion = replacements[name] ?? closest(name)
  return new ConfigurationError({
    option: name,
    reason: suggestion === undefined
      ? `is not an option of SignalFx; the options are ${knownNames.join(", ")}`
      : `is not an option of SignalFx; did you mean ${suggestion}?`
  })
}

const isPlainObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Option values that are objects of their own, whose fields are checked for symbols too. */
const nestedOptions: ReadonlySet<string> = new Set(["retry", "hostIdentity"])

/**
 * A symbol anywhere in the options would throw "Cannot convert a Symbol value to a string" from
 * whatever tried to describe it; it is named here instead.
 */
const checkNoSymbol = (path: string, value: unknown): void => {
  if (typeof value === "symbol") throw new ConfigurationError({ option: path, reason: "must not be a symbol" })
}

/**
 * The constructor's arguments: a token that is a string or a `Redacted`, options that are an
 * object of known names with no symbol values. Throws a `ConfigurationError`.
 * @internal
 */
export const checkConstructorArguments = (token: unknown, options: unknown): SignalFxOptions => {
  if (typeof token !== "string" && !Redacted.isRedacted(token)) {
    throw new ConfigurationError({
      option: "token",
      reason: `must be a string or a Redacted, got ${describeType(token)}`
    })
  }
  return checkOptions(options)
}

/**
 * Options given to `new SignalFx` or `SignalFx.fromEnv`: `undefined`, or an object of known
 * names. Throws a `ConfigurationError`.
 * @internal
 */
export const checkOptions = (
  options: unknown,
  refused: ReadonlyArray<readonly [string, string]> = []
): SignalFxOptions => {
  if (options === undefined) return {}
  if (!isPlainObject(options)) {
    throw new ConfigurationError({ option: "options", reason: `must be an object, got ${describeType(options)}` })
  }
  for (const name of Reflect.ownKeys(options)) {
    if (typeof name === "symbol") {
      throw new ConfigurationError({ option: "options", reason: "must not have symbol keys" })
    }
    const value = options[name]
    if (value === undefined) continue
    const refusal = refused.find(([option]) => option === name)
    if (refusal !== undefined) throw new ConfigurationError({ option: name, reason: refusal[1] })
    if (!Object.hasOwn(knownOptions, name)) throw unknownOption(name)
    checkNoSymbol(name, value)
    if (nestedOptions.has(name) && isPlainObject(value)) {
      for (const [field, fieldValue] of Object.entries(value)) checkNoSymbol(`${name}.${field}`, fieldValue)
    }
  }
  return options
}

/**
 * A method's options argument: `undefined`, or an object; otherwise the `ValidationError` to
 * reject with.
 * @internal
 */
export const methodOptions = (name: string, options: unknown): Readonly<Record<string, unknown>> | ValidationError => {
  if (options === undefined) return {}
  if (isPlainObject(options)) return options
  return invalidArgument(name, `must be an object, got ${describeType(options)}`)
}

const invalidArgument = (path: string, message: string): ValidationError =>
  new ValidationError({ issues: [new ValidationIssue({ path, message })] })

/**
 * `reportMeasured`'s arguments: a registry object, and options whose `interval` is a finite
 * duration of 1 ms or more (zero would report in a busy loop), `prefix` a string and `include` a
 * function. Throws a `ValidationError`.
 * @internal
 */
export const checkReporterArguments = (registry: unknown, options: unknown): void => {
  if (typeof registry !== "object" || registry === null || Array.isArray(registry)) {
    throw invalidArgument(
      "registry",
      `must be a measured-core Collection or an object of metrics, got ${describeType(registry)}`
    )
  }
  const checked = methodOptions("options", options)
  if (checked instanceof ValidationError) throw checked
  const { include, interval, prefix } = checked
  if (interval !== undefined) {
    const decoded = typeof interval === "number" && !(interval > 0) ? Option.none() : Duration.decodeUnknown(interval)
    if (
      Option.isNone(decoded) || !Duration.isFinite(decoded.value) ||
      Duration.lessThan(decoded.value, Duration.millis(1))
    ) {
      throw invalidArgument(
        "options.interval",
        "must be a finite duration of 1 ms or more, such as 10000 or \"10 seconds\""
      )
    }
  }
  if (prefix !== undefined && typeof prefix !== "string") {
    throw invalidArgument("options.prefix", `must be a string, got ${describeType(prefix)}`)
  }
  if (include !== undefined && typeof include !== "function") {
    throw invalidArgument("options.include", `must be a function of the metric name, got ${describeType(include)}`)
  }
}

/**
 * The HostIdentity options of the `hostIdentity` option, over the environment's, checked now so
 * that a bad one throws from the constructor. Without the option (`undefined`) no cloud is asked.
 * @internal
 */
export const hostIdentityFrom = (option: SignalFxOptions["hostIdentity"]): HostIdentity.Options | undefined => {
  if (option === undefined || option === false) return undefined
  if (option !== true && (typeof option !== "object" || option === null)) {
    throw new ConfigurationError({
      option: "hostIdentity",
      reason: `must be true, false or HostIdentity options such as { clouds: ["aws"] }, got ${
        option === null ? "null" : typeof option
      }`
    })
  }
  const fromEnv = Effect.runSyncExit(hostIdentityOptions.config)
  if (Exit.isFailure(fromEnv)) {
    throw new ConfigurationError({ option: "hostIdentity", reason: Cause.pretty(fromEnv.cause) })
  }
  const options = hostIdentityOptions.overriding(fromEnv.value, option === true ? {} : option)
  const resolved = hostIdentityOptions.resolve(options)
  if (Either.isLeft(resolved)) {
    throw new ConfigurationError({ option: `hostIdentity.${resolved.left.option}`, reason: resolved.left.reason })
  }
  return options
}

/**
 * What `fromEnv` reads from the environment, and so refuses as an option.
 * @internal
 */
export const fromEnvRefuses: ReadonlyArray<readonly [string, string]> = [
  [
    "realm",
    "fromEnv reads the realm from SPLUNK_REALM (or SIGNALFX_REALM); to set it in code, use new SignalFx(token, { realm })"
  ],
  [
    "ingestEndpoint",
    "fromEnv reads the endpoint from SPLUNK_INGEST_URL (or SIGNALFX_INGEST_URL); to set it in code, use new SignalFx(token, { ingestEndpoint })"
  ],
  [
    "apiEndpoint",
    "fromEnv reads the API endpoint from SPLUNK_API_URL (or SIGNALFX_API_URL); to set it in code, use new SignalFx(token, { apiEndpoint })"
  ]
]

/**
 * The `timeout` of `flush`: a finite duration, zero or more.
 * @internal
 */
export const flushTimeout = (timeout: unknown): Duration.Duration | ValidationError => {
  const decoded = typeof timeout === "number" && !(timeout >= 0) ? Option.none() : Duration.decodeUnknown(timeout)
  if (Option.isSome(decoded) && Duration.isFinite(decoded.value)) return decoded.value
  return new ValidationError({
    issues: [
      new ValidationIssue({ path: "timeout", message: "must be a finite duration such as 2000 or \"2 seconds\"" })
    ]
  })
}

/**
 * The dimensions of `addDimensions` whose value is defined: an id that was not found adds no
 * dimension.
 * @internal
 */
export const withoutUndefined = (dimensions: { readonly [key: string]: string | undefined }): Datapoint.Dimensions => {
  // Not a plain object (a Map, an array, not an object at all): the service names what it is.
  if (!hasPlainPrototype(dimensions)) return dimensions
  let entries: Array<[string, string | undefined]>
  try {
    entries = Object.entries(dimensions)
  } catch (error) {
    throw new ValidationError({
      issues: [new ValidationIssue({ path: "dimensions", message: `could not be read: ${String(error)}` })]
    })
  }
  // fromEntries defines each key as its own property, "__proto__" included.
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => entry[1] !== undefined))
}

/**
 * `SignalFx.fromEnv`'s token and options: the token, realm and endpoints from the environment,
 * over the options given in code (which may not set them). Throws a `ConfigurationError` when
 * no token is set.
 * @internal
 */
export const environmentOptions = (
  options: Omit<SignalFxOptions, "realm" | "ingestEndpoint" | "apiEndpoint">
): SignalFxOptions & { readonly token: Redacted.Redacted<string> } => {
  checkOptions(options, fromEnvRefuses)
  const config = Effect.runSyncExit(Ingest.config)
  if (Exit.isFailure(config)) {
    throw new ConfigurationError({
      option: "token",
      reason: "set SPLUNK_ACCESS_TOKEN (or SIGNALFX_ACCESS_TOKEN) in the environment"
    })
  }
  const apiEndpoint = Option.getOrUndefined(Effect.runSync(apiUrl))
  return { ...options, ...config.value, apiEndpoint }
}
