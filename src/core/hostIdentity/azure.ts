/**
 * The Azure id, `azure_resource_id`, from the Azure Instance Metadata Service
 * (docs/protocol.md §4): `{subscriptionId}/{resourceGroupName}/microsoft.compute/virtualmachines/{name}`,
 * or for a scale set's instance
 * `{subscriptionId}/{resourceGroupName}/microsoft.compute/virtualmachinescalesets/{vmScaleSetName}/virtualmachines/{instance}`,
 * lower-cased, as the SignalFx agent builds it. A scale set's VM is named
 * `{vmScaleSetName}_{instance}`.
 */
import type { Answer, MetadataRequest, Read } from "./lookup.js"
import { asDimensionValue, failed, isSuccess, join, JsonFields, quoted, unsuccessful, unusable } from "./lookup.js"

/** @internal */
export const request = (endpoint: URL): MetadataRequest => ({
  method: "GET",
  url: join(endpoint, "/metadata/instance?api-version=2018-10-01"),
  headers: { metadata: "true" }
})

/** @internal */
export const readInstance = (answer: Answer): Read<string> => {
  if (!isSuccess(answer)) return failed(unsuccessful(answer))
  const compute = new JsonFields(answer.body, ["compute"])
  const subscriptionId = compute.required("subscriptionId")
  const resourceGroupName = compute.required("resourceGroupName")
  const name = compute.required("name")
  const vmScaleSetName = compute.optional("vmScaleSetName") ?? ""
  if (compute.problem !== undefined) {
    return failed(unusable(`GET ${answer.url}: not Azure instance metadata: ${compute.problem}`))
  }
  const group = `${subscriptionId}/${resourceGroupName}/microsoft.compute`
  if (vmScaleSetName === "") return asDimensionValue(`${group}/virtualmachines/${name}`.toLowerCase(), "compute")
  const instance = name.startsWith(`${vmScaleSetName}_`) ? name.slice(vmScaleSetName.length + 1) : name
  if (instance === "") {
    return failed(unusable(`GET ${answer.url}: the scale set's VM ${quoted(name)} names no instance`))
  }
  return asDimensionValue(
    `${group}/virtualmachinescalesets/${vmScaleSetName}/virtualmachines/${instance}`.toLowerCase(),
    "compute"
  )
}
