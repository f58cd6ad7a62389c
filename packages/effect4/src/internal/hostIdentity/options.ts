/**
 * Turns the user's `HostIdentity.Options` into checked settings, failing with a
 * `ConfigurationError` that names the option: the core checks the locations
 * (`core/hostIdentity/options.ts`), the timeout is checked here as every service checks a
 * duration. The AWS environment variables are read with `Config`.
 */
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Result from "effect/Result"
import type { ResolvedLocations } from "../../core/hostIdentity/options.js"
import * as core from "../../core/hostIdentity/options.js"
import type * as HostIdentity from "../../HostIdentity.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import { firstSet } from "../config.js"
import { duration, resolving } from "../http/options.js"

/** @internal */
export interface ResolvedOptions extends ResolvedLocations {
  readonly timeout: Duration.Duration
}

/** @internal */
export const resolve = (options: HostIdentity.Options): Result.Result<ResolvedOptions, ConfigurationError> =>
  resolving(() => ({
    ...core.resolveLocations(options),
    timeout: duration("timeout", options.timeout, Duration.millis(core.defaults.timeoutMillis), { positive: true })
  }))

const endpointMode = Config.String(core.ENVIRONMENT.awsEndpointMode).pipe(
  Config.mapEffect((mode) => {
    const parsed = core.endpointMode(mode)
    return parsed === undefined
      ? Effect.fail(
        new Config.ConfigError(
          new ConfigProvider.SourceError({
            message: `${core.ENVIRONMENT.awsEndpointMode}: expected IPv4 or IPv6, got ${JSON.stringify(mode)}`
          })
        )
      )
      : Effect.succeed(parsed)
  })
)

/**
 * The AWS options of the environment: `HostIdentity.config` (documented there).
 * @internal
 */
export const config: Config.Config<HostIdentity.Options> = Config.all({
  disabled: Config.option(Config.String(core.ENVIRONMENT.ec2MetadataDisabled)),
  awsEndpoint: Config.option(Config.String(core.ENVIRONMENT.awsEndpoint)),
  awsEndpointMode: Config.option(endpointMode),
  ecsMetadataUri: Config.option(firstSet(core.ENVIRONMENT.ecsMetadataUri, Config.String))
}).pipe(Config.map(({ awsEndpoint, awsEndpointMode, disabled, ecsMetadataUri }) => ({
  ec2MetadataDisabled: Option.exists(disabled, core.isDisabled),
  awsEndpoint: Option.getOrUndefined(awsEndpoint),
  awsEndpointMode: Option.getOrUndefined(awsEndpointMode),
  ecsMetadataUri: Option.getOrUndefined(ecsMetadataUri)
})))
