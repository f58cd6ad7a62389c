/**
 * Turns the user's `HostIdentity.Options` into checked settings, failing with a
 * `ConfigurationError` that names the option: the core checks the locations
 * (`core/hostIdentity/options.ts`), the timeout is checked here as every service checks a
 * duration. The AWS environment variables are read with `Config`.
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { ResolvedLocations } from "../../core/hostIdentity/options.js"
import * as core from "../../core/hostIdentity/options.js"
import type * as HostIdentity from "../../HostIdentity.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import { firstSet } from "../config.js"
import { duration, resolving } from "../http/options.js"

/** @internal */
export const dimensionNames = core.dimensionNames

/** @internal */
export const overriding = core.overriding

/** @internal */
export interface ResolvedOptions extends ResolvedLocations {
  readonly timeout: Duration.Duration
}

/** @internal */
export const resolve = (options: HostIdentity.Options): Either.Either<ResolvedOptions, ConfigurationError> =>
  resolving(() => ({
    ...core.resolveLocations(options),
    timeout: duration("timeout", options.timeout, Duration.millis(core.defaults.timeoutMillis), { positive: true })
  }))

const endpointMode = Config.string(core.ENVIRONMENT.awsEndpointMode).pipe(
  Config.mapOrFail((mode) => {
    const parsed = core.endpointMode(mode)
    return parsed === undefined
      ? Either.left(ConfigError.InvalidData([], `Expected IPv4 or IPv6, got ${mode}`))
      : Either.right(parsed)
  })
)

/**
 * The AWS options of the environment: `HostIdentity.config` (documented there). Here, apart from
 * the service, so that the Promise facade can check them when it is constructed without loading
 * the lookups.
 * @internal
 */
export const config: Config.Config<HostIdentity.Options> = Config.all({
  disabled: Config.option(Config.string(core.ENVIRONMENT.ec2MetadataDisabled)),
  awsEndpoint: Config.option(Config.string(core.ENVIRONMENT.awsEndpoint)),
  awsEndpointMode: Config.option(endpointMode),
  ecsMetadataUri: Config.option(firstSet(core.ENVIRONMENT.ecsMetadataUri, Config.string))
}).pipe(Config.map(({ awsEndpoint, awsEndpointMode, disabled, ecsMetadataUri }) => ({
  ec2MetadataDisabled: Option.exists(disabled, core.isDisabled),
  awsEndpoint: Option.getOrUndefined(awsEndpoint),
  awsEndpointMode: Option.getOrUndefined(awsEndpointMode),
  ecsMetadataUri: Option.getOrUndefined(ecsMetadataUri)
})))
