/**
 * The Azure id, `azure_resource_id`, from the Azure Instance Metadata Service
 * (docs/protocol.md §4): `{subscriptionId}/{resourceGroupName}/microsoft.compute/virtualmachines/{name}`,
 * or for a scale set's instance
 * `{subscriptionId}/{resourceGroupName}/microsoft.compute/virtualmachinescalesets/{vmScaleSetName}/virtualmachines/{instance}`,
 * lower-cased, as the SignalFx agent builds it. A scale set's VM is named
 * `{vmScaleSetName}_{instance}`.
 */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type { LookupFailure, Request } from "./http.js"
import { asDimensionValue, describeParseError, isSuccess, unsuccessful, Unusable } from "./http.js"
import { join } from "./options.js"

const INSTANCE_PATH = "/metadata/instance?api-version=2018-10-01"

const InstanceMetadata = Schema.parseJson(Schema.Struct({
  compute: Schema.Struct({
    subscriptionId: Schema.NonEmptyTrimmedString,
    resourceGroupName: Schema.NonEmptyTrimmedString,
    name: Schema.NonEmptyTrimmedString,
    vmScaleSetName: Schema.optional(Schema.String)
  })
}))

/** @internal */
export const azureResourceId = (
  request: Request,
  endpoint: URL,
  timeout: Duration.Duration
): Effect.Effect<string, LookupFailure> =>
  request("GET", join(endpoint, INSTANCE_PATH), { metadata: "true" }, timeout).pipe(
    Effect.flatMap((answer): Effect.Effect<string, LookupFailure> => {
      if (!isSuccess(answer)) return Effect.fail(unsuccessful(answer))
      const metadata = Schema.decodeUnknownEither(InstanceMetadata)(answer.body)
      if (Either.isLeft(metadata)) {
        return Effect.fail(
          new Unusable({
            reason: `GET ${answer.url}: not Azure instance metadata: ${describeParseError(metadata.left)}`
          })
        )
      }
      const { name, resourceGroupName, subscriptionId, vmScaleSetName = "" } = metadata.right.compute
      const group = `${subscriptionId}/${resourceGroupName}/microsoft.compute`
      if (vmScaleSetName === "") return asDimensionValue(`${group}/virtualmachines/${name}`.toLowerCase(), "compute")
      const instance = name.startsWith(`${vmScaleSetName}_`) ? name.slice(vmScaleSetName.length + 1) : name
      if (instance === "") {
        return Effect.fail(
          new Unusable({ reason: `GET ${answer.url}: the scale set's VM ${name} names no instance` })
        )
      }
      return asDimensionValue(
        `${group}/virtualmachinescalesets/${vmScaleSetName}/virtualmachines/${instance}`.toLowerCase(),
        "compute"
      )
    })
  )
