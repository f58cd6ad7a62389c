/**
 * Turns the user's `HostIdentity.Options` into checked settings, failing with a
 * `ConfigurationError` that names the option. Defaults follow the AWS SDKs (1 second, no
 * retries) and the metadata servers' documented addresses (docs/protocol.md §4).
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as HostIdentity from "../../HostIdentity.js"
import { ConfigurationError } from "../../SignalFxError.js"

/**
 * The dimension each cloud's id is added under.
 * @internal
 */
export const dimensionNames = {
  aws: "AWSUniqueId",
  gcp: "gcp_id",
  azure: "azure_resource_id"
} as const

/** @internal */
export interface ResolvedOptions {
  readonly clouds: ReadonlySet<HostIdentity.Cloud>
  readonly timeout: Duration.Duration
  readonly retries: number
  /** The IMDS base URL, or none when `ec2MetadataDisabled`. */
  readonly awsEndpoint: URL | undefined
  readonly ecsMetadataUri: URL | undefined
  readonly gcpEndpoint: URL
  readonly azureEndpoint: URL
}

/** @internal */
export const defaults = {
  clouds: ["aws", "gcp", "azure"],
  timeout: Duration.seconds(1),
  retries: 0,
  awsEndpoint: "http://169.254.169.254",
  awsEndpointIPv6: "http://[fd00:ec2::254]",
  gcpEndpoint: "http://metadata.google.internal",
  azureEndpoint: "http://169.254.169.254"
} as const

const CLOUDS: ReadonlyArray<HostIdentity.Cloud> = defaults.clouds

class Invalid {
  constructor(readonly error: ConfigurationError) {}
}

const invalid = (option: string, reason: string): never => {
  throw new Invalid(new ConfigurationError({ option, reason }))
}

const url = (option: string, value: string): URL => {
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    return invalid(option, `is not a URL: ${value}`)
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    invalid(option, `must be an http(s) URL, got ${parsed.protocol}`)
  }
  return parsed
}

const timeout = (value: Duration.DurationInput | undefined): Duration.Duration => {
  if (value === undefined) return defaults.timeout
  // Duration.decode turns a negative number into zero; a negative setting is a mistake to report.
  if (typeof value === "number" && value < 0) return invalid("timeout", `must not be negative, got ${value}`)
  const decoded = Duration.decodeUnknown(value)
  if (decoded._tag === "None") return invalid("timeout", `is not a duration: ${String(value)}`)
  if (!Duration.isFinite(decoded.value)) return invalid("timeout", "must be finite")
  if (Duration.isZero(decoded.value)) return invalid("timeout", "must be longer than zero")
  return decoded.value
}

const retries = (value: number | undefined): number => {
  if (value === undefined) return defaults.retries
  if (!Number.isSafeInteger(value) || value < 0) invalid("retries", `must be a non-negative integer, got ${value}`)
  return value
}

const clouds = (value: ReadonlyArray<HostIdentity.Cloud> | undefined): ReadonlySet<HostIdentity.Cloud> => {
  if (value === undefined) return new Set(CLOUDS)
  for (const cloud of value) {
    if (!CLOUDS.includes(cloud)) invalid("clouds", `must hold only ${CLOUDS.join(", ")}, got ${String(cloud)}`)
  }
  return new Set(value)
}

const awsEndpoint = (options: HostIdentity.Options): URL | undefined => {
  const mode = options.awsEndpointMode ?? "IPv4"
  if (mode !== "IPv4" && mode !== "IPv6") invalid("awsEndpointMode", `must be IPv4 or IPv6, got ${String(mode)}`)
  const endpoint = options.awsEndpoint === undefined
    ? new URL(mode === "IPv6" ? defaults.awsEndpointIPv6 : defaults.awsEndpoint)
    : url("awsEndpoint", options.awsEndpoint)
  return options.ec2MetadataDisabled === true ? undefined : endpoint
}

/**
 * `path` appended to the base URL's own path, so that an endpoint with a path (the ECS metadata
 * URI always has one, a proxy may) keeps it.
 * @internal
 */
export const join = (base: URL, path: string): string => `${base.href.replace(/\/+$/, "")}${path}`

/**
 * The options from the environment, each replaced by the one given in code, if any.
 * @internal
 */
export const overriding = (fromConfig: HostIdentity.Options, given: HostIdentity.Options): HostIdentity.Options => ({
  ...given,
  ec2MetadataDisabled: given.ec2MetadataDisabled ?? fromConfig.ec2MetadataDisabled,
  awsEndpoint: given.awsEndpoint ?? fromConfig.awsEndpoint,
  awsEndpointMode: given.awsEndpointMode ?? fromConfig.awsEndpointMode,
  ecsMetadataUri: given.ecsMetadataUri ?? fromConfig.ecsMetadataUri
})

/** @internal */
export const resolve = (options: HostIdentity.Options): Either.Either<ResolvedOptions, ConfigurationError> => {
  try {
    return Either.right({
      clouds: clouds(options.clouds),
      timeout: timeout(options.timeout),
      retries: retries(options.retries),
      awsEndpoint: awsEndpoint(options),
      ecsMetadataUri: options.ecsMetadataUri === undefined || options.ecsMetadataUri === ""
        ? undefined
        : url("ecsMetadataUri", options.ecsMetadataUri),
      gcpEndpoint: url("gcpEndpoint", options.gcpEndpoint ?? defaults.gcpEndpoint),
      azureEndpoint: url("azureEndpoint", options.azureEndpoint ?? defaults.azureEndpoint)
    })
  } catch (error) {
    if (error instanceof Invalid) return Either.left(error.error)
    throw error
  }
}

const firstOf = <A>(first: Config.Config<A>, ...rest: ReadonlyArray<Config.Config<A>>): Config.Config<A> =>
  rest.reduce((config, fallback) => Config.orElse(config, () => fallback), first)

const endpointMode = Config.string("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").pipe(
  Config.mapOrFail((mode) => {
    switch (mode.toLowerCase()) {
      case "ipv4":
        return Either.right("IPv4" as const)
      case "ipv6":
        return Either.right("IPv6" as const)
      default:
        return Either.left(ConfigError.InvalidData([], `Expected IPv4 or IPv6, got ${mode}`))
    }
  })
)

/**
 * The AWS options of the environment: `HostIdentity.config` (documented there). Here, apart from
 * the service, so that the Promise facade can check them when it is constructed without loading
 * the lookups.
 * @internal
 */
export const config: Config.Config<HostIdentity.Options> = Config.all({
  disabled: Config.option(Config.string("AWS_EC2_METADATA_DISABLED")),
  awsEndpoint: Config.option(Config.string("AWS_EC2_METADATA_SERVICE_ENDPOINT")),
  awsEndpointMode: Config.option(endpointMode),
  ecsMetadataUri: Config.option(
    firstOf(Config.string("ECS_CONTAINER_METADATA_URI_V4"), Config.string("ECS_CONTAINER_METADATA_URI"))
  )
}).pipe(Config.map(({ awsEndpoint, awsEndpointMode, disabled, ecsMetadataUri }) => ({
  ec2MetadataDisabled: Option.exists(disabled, (value) => value.trim().toLowerCase() === "true"),
  awsEndpoint: Option.getOrUndefined(awsEndpoint),
  awsEndpointMode: Option.getOrUndefined(awsEndpointMode),
  ecsMetadataUri: Option.getOrUndefined(ecsMetadataUri)
})))
