/**
 * HostIdentity's options that need no Effect, for both packages: the clouds and their
 * dimension names, the metadata servers' documented addresses (docs/protocol.md §4), the
 * checks of the endpoints, `clouds` and `retries`, and the AWS environment variables' meaning.
 * The timeout, a `Duration`, is each package's to check. A bad option throws the core's
 * `InvalidOption` (`core/http/options.ts`), which each package's `resolving` turns into its
 * `ConfigurationError`.
 */
import type { Variables } from "../environment.js"
import { invalid } from "../http/options.js"

/**
 * The clouds a host can be identified in.
 *
 * @since 0.1.0
 * @category models
 */
export type Cloud = "aws" | "gcp" | "azure"

/** @internal */
export const CLOUDS: ReadonlyArray<Cloud> = ["aws", "gcp", "azure"]

/**
 * The dimension each cloud's id is added under.
 * @internal
 */
export const dimensionNames = {
  aws: "AWSUniqueId",
  gcp: "gcp_id",
  azure: "azure_resource_id"
} as const satisfies { readonly [cloud in Cloud]: string }

/** Defaults of the AWS SDKs (1 second, no retries) and the servers' documented addresses. @internal */
export const defaults = {
  timeoutMillis: 1_000,
  retries: 0,
  awsEndpoint: "http://169.254.169.254",
  awsEndpointIPv6: "http://[fd00:ec2::254]",
  gcpEndpoint: "http://metadata.google.internal",
  azureEndpoint: "http://169.254.169.254"
} as const

/**
 * The options of `HostIdentity.Options` that both packages share: all but the timeout, whose
 * type is each Effect major's `Duration` input. All optional. Endpoints are base URLs (tests
 * point them at a local server).
 *
 * @since 0.2.0
 * @category models
 */
export interface LocationOptions {
  /** The clouds to ask; default all three. A cloud left out is never asked: its id is none. */
  readonly clouds?: ReadonlyArray<Cloud> | undefined
  /** How many times a lookup that got no answer at all is tried again; default 0. */
  readonly retries?: number | undefined
  /** The EC2 instance metadata service; default `http://169.254.169.254`. */
  readonly awsEndpoint?: string | undefined
  /** `"IPv6"` makes the default EC2 endpoint `http://[fd00:ec2::254]`; default `"IPv4"`. */
  readonly awsEndpointMode?: "IPv4" | "IPv6" | undefined
  /** Never ask the EC2 instance metadata service (`AWS_EC2_METADATA_DISABLED=true`). */
  readonly ec2MetadataDisabled?: boolean | undefined
  /**
   * The ECS task metadata URI (`ECS_CONTAINER_METADATA_URI_V4`). When set, the AWS id is the
   * task's, as the SignalFx Python client makes it, and EC2 is asked only if the task metadata
   * gives no id. Unset (the default outside ECS), ECS is not asked.
   */
  readonly ecsMetadataUri?: string | undefined
  /** The GCP metadata server; default `http://metadata.google.internal`. */
  readonly gcpEndpoint?: string | undefined
  /** The Azure Instance Metadata Service; default `http://169.254.169.254`. */
  readonly azureEndpoint?: string | undefined
}

/** @internal */
export interface ResolvedLocations {
  readonly clouds: ReadonlySet<Cloud>
  readonly retries: number
  /** The IMDS base URL, or none when `ec2MetadataDisabled`. */
  readonly awsEndpoint: URL | undefined
  readonly ecsMetadataUri: URL | undefined
  readonly gcpEndpoint: URL
  readonly azureEndpoint: URL
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

const retries = (value: number | undefined): number => {
  if (value === undefined) return defaults.retries
  if (!Number.isSafeInteger(value) || value < 0) invalid("retries", `must be a non-negative integer, got ${value}`)
  return value
}

const clouds = (value: ReadonlyArray<Cloud> | undefined): ReadonlySet<Cloud> => {
  if (value === undefined) return new Set(CLOUDS)
  for (const cloud of value) {
    if (!CLOUDS.includes(cloud)) invalid("clouds", `must hold only ${CLOUDS.join(", ")}, got ${String(cloud)}`)
  }
  return new Set(value)
}

const awsEndpoint = (options: LocationOptions): URL | undefined => {
  const mode = options.awsEndpointMode ?? "IPv4"
  if (mode !== "IPv4" && mode !== "IPv6") invalid("awsEndpointMode", `must be IPv4 or IPv6, got ${String(mode)}`)
  const endpoint = options.awsEndpoint === undefined
    ? new URL(mode === "IPv6" ? defaults.awsEndpointIPv6 : defaults.awsEndpoint)
    : url("awsEndpoint", options.awsEndpoint)
  return options.ec2MetadataDisabled === true ? undefined : endpoint
}

/**
 * Everything but the timeout, checked.
 * @internal
 */
export const resolveLocations = (options: LocationOptions): ResolvedLocations => ({
  clouds: clouds(options.clouds),
  retries: retries(options.retries),
  awsEndpoint: awsEndpoint(options),
  ecsMetadataUri: options.ecsMetadataUri === undefined || options.ecsMetadataUri === ""
    ? undefined
    : url("ecsMetadataUri", options.ecsMetadataUri),
  gcpEndpoint: url("gcpEndpoint", options.gcpEndpoint ?? defaults.gcpEndpoint),
  azureEndpoint: url("azureEndpoint", options.azureEndpoint ?? defaults.azureEndpoint)
})

/** The options the AWS environment variables set. @internal */
export interface EnvironmentOptions {
  readonly ec2MetadataDisabled?: boolean | undefined
  readonly awsEndpoint?: string | undefined
  readonly awsEndpointMode?: "IPv4" | "IPv6" | undefined
  readonly ecsMetadataUri?: string | undefined
}

/** The AWS environment variables, by the option they set. @internal */
export const ENVIRONMENT = {
  ec2MetadataDisabled: "AWS_EC2_METADATA_DISABLED",
  awsEndpoint: "AWS_EC2_METADATA_SERVICE_ENDPOINT",
  awsEndpointMode: "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
  /** The first set wins: task metadata v4's, then v3's. */
  ecsMetadataUri: ["ECS_CONTAINER_METADATA_URI_V4", "ECS_CONTAINER_METADATA_URI"] satisfies Variables
} as const

/**
 * `AWS_EC2_METADATA_DISABLED`: `true`, in any case, disables EC2; any other value does not, as
 * in the AWS SDKs.
 * @internal
 */
export const isDisabled = (value: string): boolean => value.trim().toLowerCase() === "true"

/**
 * `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`, in any case; `undefined` for anything else.
 * @internal
 */
export const endpointMode = (value: string): "IPv4" | "IPv6" | undefined => {
  switch (value.toLowerCase()) {
    case "ipv4":
      return "IPv4"
    case "ipv6":
      return "IPv6"
    default:
      return undefined
  }
}

/**
 * The options from the environment, each replaced by the one given in code, if any.
 * @internal
 */
export const overriding = <O extends EnvironmentOptions>(fromEnvironment: EnvironmentOptions, given: O): O => ({
  ...given,
  ec2MetadataDisabled: given.ec2MetadataDisabled ?? fromEnvironment.ec2MetadataDisabled,
  awsEndpoint: given.awsEndpoint ?? fromEnvironment.awsEndpoint,
  awsEndpointMode: given.awsEndpointMode ?? fromEnvironment.awsEndpointMode,
  ecsMetadataUri: given.ecsMetadataUri ?? fromEnvironment.ecsMetadataUri
})
