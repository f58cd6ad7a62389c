/**
 * The host's cloud ids from plain code, without a client: each function runs the
 * {@link HostIdentity} service for one cloud and resolves the id, or `undefined` outside that
 * cloud. The same lookups as the `hostIdentity` option of `SignalFx`: IMDSv2, ECS tasks, the
 * AWS environment variables, one try within `timeout` (1 second by default).
 *
 * @example
 * ```ts
 * import { AWS_ID_DIMENSION, getAwsUniqueId, SignalFx } from "effect-signalfx/promise"
 *
 * const sfx = new SignalFx("MY_TOKEN")
 * // Outside AWS the id is undefined, and addDimensions skips it.
 * sfx.addDimensions({ [AWS_ID_DIMENSION]: await getAwsUniqueId() })
 * await sfx.send({ gauges: [{ metric: "myfunc.time", value: 532, dimensions: { host: "server1" } }] })
 * ```
 *
 * @since 0.2.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as HostIdentity from "../HostIdentity.js"
import * as hostIdentityOptions from "../internal/hostIdentity/options.js"
import { dimensionNames } from "../internal/hostIdentity/options.js"
import { ConfigurationError } from "../SignalFxError.js"

/**
 * The dimension SignalFx's AWS integration joins on: `AWSUniqueId`.
 *
 * @since 0.2.0
 * @category constants
 */
export const AWS_ID_DIMENSION: "AWSUniqueId" = dimensionNames.aws

/**
 * The dimension SignalFx's GCP integration joins on: `gcp_id`.
 *
 * @since 0.2.0
 * @category constants
 */
export const GCP_ID_DIMENSION: "gcp_id" = dimensionNames.gcp

/**
 * The dimension SignalFx's Azure integration joins on: `azure_resource_id`.
 *
 * @since 0.2.0
 * @category constants
 */
export const AZURE_ID_DIMENSION: "azure_resource_id" = dimensionNames.azure

/**
 * Options of {@link getAwsUniqueId}: those of `HostIdentity.Options` that concern AWS.
 *
 * @since 0.2.0
 * @category models
 */
export type AwsIdOptions = Pick<
  HostIdentity.Options,
  "timeout" | "retries" | "awsEndpoint" | "awsEndpointMode" | "ec2MetadataDisabled" | "ecsMetadataUri"
>

/**
 * Options of {@link getGcpId}.
 *
 * @since 0.2.0
 * @category models
 */
export type GcpIdOptions = Pick<HostIdentity.Options, "timeout" | "retries" | "gcpEndpoint">

/**
 * Options of {@link getAzureResourceId}.
 *
 * @since 0.2.0
 * @category models
 */
export type AzureIdOptions = Pick<HostIdentity.Options, "timeout" | "retries" | "azureEndpoint">

/**
 * One cloud's id, asked of a HostIdentity service made for this call and released after it (the
 * service is loaded on the first call). The environment's options (the AWS variables) apply
 * unless given in code. The lookup never fails; an unusable option does, with a
 * `ConfigurationError` naming it.
 */
const lookUp = async (
  cloud: HostIdentity.Cloud,
  options: HostIdentity.Options,
  id: (service: HostIdentity.Service) => Effect.Effect<Option.Option<string>>
): Promise<string | undefined> => {
  const { HostIdentity: { make } } = await import("../internal/promise/onFirstUse.js")
  const exit = await Effect.runPromiseExit(
    hostIdentityOptions.config.pipe(
      Effect.mapError((error) => new ConfigurationError({ option: "environment", reason: String(error) })),
      Effect.flatMap((fromEnv) => make(hostIdentityOptions.overriding(fromEnv, { ...options, clouds: [cloud] }))),
      Effect.flatMap(id),
      Effect.map(Option.getOrUndefined),
      Effect.scoped,
      Effect.provide(FetchHttpClient.layer)
    )
  )
  if (Exit.isSuccess(exit)) return exit.value
  throw Cause.squash(exit.cause)
}

/**
 * The AWS unique id, `{instanceId}_{region}_{accountId}` on EC2 (IMDSv2 or v1) or
 * `{taskId}_{region}_{accountId}` in an ECS task, or `undefined` elsewhere. Resolves within the
 * timeout (1 second by default) and never rejects for anything about the host or the network;
 * an unusable option (given here, or in `AWS_EC2_METADATA_SERVICE_ENDPOINT` and the other AWS
 * variables) rejects with a `ConfigurationError` that names it.
 *
 * @example
 * ```ts
 * import { AWS_ID_DIMENSION, getAwsUniqueId, SignalFx } from "effect-signalfx/promise"
 *
 * const sfx = new SignalFx("MY_TOKEN")
 * sfx.addDimensions({ [AWS_ID_DIMENSION]: await getAwsUniqueId({ timeout: 500 }) })
 * ```
 *
 * @since 0.2.0
 * @category host identity
 */
export const getAwsUniqueId = (options: AwsIdOptions = {}): Promise<string | undefined> =>
  lookUp("aws", options, (service) => service.awsUniqueId)

/**
 * The GCP id, `{project-id}_{instance-id}` on Google Compute Engine, or `undefined` elsewhere.
 * Resolves within the timeout and never rejects but for an unusable option, as
 * {@link getAwsUniqueId}.
 *
 * @example
 * ```ts
 * import { GCP_ID_DIMENSION, getGcpId, SignalFx } from "effect-signalfx/promise"
 *
 * const sfx = new SignalFx("MY_TOKEN")
 * sfx.addDimensions({ [GCP_ID_DIMENSION]: await getGcpId() })
 * ```
 *
 * @since 0.2.0
 * @category host identity
 */
export const getGcpId = (options: GcpIdOptions = {}): Promise<string | undefined> =>
  lookUp("gcp", options, (service) => service.gcpId)

/**
 * The lower-cased Azure resource id of the VM (or scale-set instance), or `undefined` elsewhere.
 * Resolves within the timeout and never rejects but for an unusable option, as
 * {@link getAwsUniqueId}.
 *
 * @example
 * ```ts
 * import { AZURE_ID_DIMENSION, getAzureResourceId, SignalFx } from "effect-signalfx/promise"
 *
 * const sfx = new SignalFx("MY_TOKEN")
 * sfx.addDimensions({ [AZURE_ID_DIMENSION]: await getAzureResourceId() })
 * ```
 *
 * @since 0.2.0
 * @category host identity
 */
export const getAzureResourceId = (options: AzureIdOptions = {}): Promise<string | undefined> =>
  lookUp("azure", options, (service) => service.azureResourceId)
