/**
 * Host identity: the ids SignalFx uses to join a host's datapoints with what its cloud
 * integrations know about it. `AWSUniqueId` (`{instanceId}_{region}_{accountId}`, or an ECS
 * task's `{taskId}_{region}_{accountId}`), `gcp_id` (`{project-id}_{instance-id}`) and
 * `azure_resource_id` (`{subscriptionId}/{resourceGroupName}/microsoft.compute/virtualmachines/{name}`,
 * lower-cased), each read from that cloud's metadata server.
 *
 * IMDSv2 works: the EC2 lookup asks for a session token first and falls back to IMDSv1 only
 * where the AWS SDKs do. A host outside a cloud finds out fast (1 second per cloud by default,
 * no retries) and once: each lookup runs at most once per service, on first use, and every
 * later call answers from memory. Lookups never fail: "no id" is `Option.none()`, and why is
 * logged (at debug level when the host is simply not in that cloud, as a warning when the
 * metadata server answered but its answer cannot be used).
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer, Option, Redacted } from "effect"
 * import { HostIdentity, Ingest } from "effect-signalfx"
 *
 * const program = Effect.gen(function*() {
 *   const identity = yield* HostIdentity.HostIdentity
 *   const awsId = yield* identity.awsUniqueId
 *   if (Option.isSome(awsId)) yield* Effect.log(`running on ${awsId.value}`)
 * })
 *
 * // The host's ids become global dimensions before the application sends anything.
 * const IngestWithHostIdentity = Layer.effectDiscard(HostIdentity.addToIngest).pipe(
 *   Layer.provideMerge(Ingest.layer({ token: Redacted.make("MY_TOKEN"), realm: "us1" })),
 *   Layer.provideMerge(HostIdentity.layerConfig()),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 *
 * program.pipe(Effect.provide(IngestWithHostIdentity), Effect.runPromise)
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type * as core from "./core/hostIdentity/options.js"
import { dimensionNames as coreDimensionNames } from "./core/hostIdentity/options.js"
import type * as Datapoint from "./Datapoint.js"
import * as Ingest from "./Ingest.js"
import * as options_ from "./internal/hostIdentity/options.js"
import * as internal from "./internal/hostIdentity/service.js"
import type { ConfigurationError } from "./SignalFxError.js"

export type { Cloud } from "./core/hostIdentity/options.js"
import type { Cloud } from "./core/hostIdentity/options.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * `{taskId}_{region}_{accountId}` inside an ECS task (when `ecsMetadataUri` is set), else
   * `{instanceId}_{region}_{accountId}` on EC2; none elsewhere.
   */
  readonly awsUniqueId: Effect.Effect<Option.Option<string>>
  /** `{project-id}_{instance-id}` on Google Compute Engine; none elsewhere. */
  readonly gcpId: Effect.Effect<Option.Option<string>>
  /** The lower-cased Azure resource id of the VM (or scale-set instance); none elsewhere. */
  readonly azureResourceId: Effect.Effect<Option.Option<string>>
  /**
   * The ids found, under their dimension names ({@link dimensionNames}): `AWSUniqueId`,
   * `gcp_id`, `azure_resource_id`. The clouds are asked concurrently; `{}` outside them.
   */
  readonly dimensions: Effect.Effect<Datapoint.Dimensions>
}

/**
 * Options of the HostIdentity service; all optional. Endpoints are base URLs (tests point them
 * at a local server). Durations accept anything `Duration.decode` does; a number is milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends core.LocationOptions {
  /**
   * How long one cloud's lookup may take, default 1 second. For EC2 the IMDSv2 token request
   * gets half of it, so that a token request never answered leaves time to ask without one.
   */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * The HostIdentity service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class HostIdentity extends Context.Tag("effect-signalfx/HostIdentity")<HostIdentity, Service>() {}

/**
 * The dimension name of each cloud's id.
 *
 * @since 0.1.0
 * @category constants
 */
export const dimensionNames: { readonly [cloud in Cloud]: string } = coreDimensionNames

/**
 * Builds the service. Nothing is asked until an id is first wanted; lookups still running when
 * the scope closes are interrupted. Fails with a `ConfigurationError` for an unusable option
 * (an endpoint that is not an http(s) URL, a timeout that is not positive).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options?: Options) => Effect.Effect<
  Service,
  ConfigurationError,
  HttpClient.HttpClient | Scope.Scope
> = (options = {}) => internal.make(options)

/**
 * The service as a scoped layer, configured by the options alone (see {@link layerConfig} to
 * honour the AWS environment variables). It needs an `HttpClient`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 * import { HostIdentity } from "effect-signalfx"
 *
 * const HostIdentityLive = HostIdentity.layer({ clouds: ["aws"], timeout: "500 millis" }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<HostIdentity, ConfigurationError, HttpClient.HttpClient> =>
  Layer.scoped(HostIdentity, make(options))

/**
 * The options the AWS SDKs and the ECS agent set in the environment:
 * `AWS_EC2_METADATA_DISABLED` (`true`, in any case, disables EC2; any other value does not, as
 * in the SDKs), `AWS_EC2_METADATA_SERVICE_ENDPOINT`, `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`
 * (`IPv4` or `IPv6`), and `ECS_CONTAINER_METADATA_URI_V4` (or the older
 * `ECS_CONTAINER_METADATA_URI`).
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = options_.config

/**
 * The service as a layer that honours the AWS environment variables of {@link config}; options
 * given here win over the environment.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 * import { HostIdentity } from "effect-signalfx"
 *
 * // AWS_EC2_METADATA_DISABLED=true node app.js  -- never asks EC2
 * const HostIdentityLive = HostIdentity.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Options = {}
): Layer.Layer<HostIdentity, ConfigurationError | ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.scoped(HostIdentity, Effect.flatMap(config, (fromConfig) => make(options_.overriding(fromConfig, options))))

/**
 * Looks up the host's ids and adds those found to the Ingest service's global dimensions, so
 * that everything sent from then on carries them. Returns what it added (`{}` outside a cloud).
 * Takes at most the lookups' `timeout` (1 second by default) the first time; run it before
 * sending, e.g. as `Layer.effectDiscard(HostIdentity.addToIngest)`, for every datapoint to
 * carry the ids.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { HostIdentity, Ingest } from "effect-signalfx"
 *
 * const program = Effect.gen(function*() {
 *   const added = yield* HostIdentity.addToIngest // e.g. { AWSUniqueId: "i-0abc_us-east-1_123456789012" }
 *   const ingest = yield* Ingest.Ingest
 *   yield* ingest.send({ gauges: [{ metric: "cpu.utilization", value: 42.5 }] })
 * })
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const addToIngest: Effect.Effect<Datapoint.Dimensions, never, HostIdentity | Ingest.Ingest> = Effect.gen(
  function*() {
    const identity = yield* HostIdentity
    const ingest = yield* Ingest.Ingest
    const dimensions = yield* identity.dimensions
    // The keys are valid dimension keys and every id was checked as a dimension value when it
    // was read, so the validation cannot fail.
    if (Object.keys(dimensions).length > 0) yield* Effect.orDie(ingest.addDimensions(dimensions))
    return dimensions
  }
)
