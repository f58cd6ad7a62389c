/**
 * The GCP id, `{project-id}_{instance-id}`, from the Compute Engine metadata server
 * (docs/protocol.md §4). Requests carry `Metadata-Flavor: Google` and the server echoes it in
 * its answers: an answer without the echo comes from something else (a captive portal, a DNS
 * search domain that resolves every name) and is not GCP.
 */
import type { Answer, MetadataRequest, Read } from "./lookup.js"
import { asDimensionValue, failed, found, isSuccess, join, notThere, unsuccessful, unusable } from "./lookup.js"

const FLAVOR_HEADER = "metadata-flavor"
const FLAVOR = "Google"

/** The two values the id is made of, asked for at once. @internal */
export const requests = (endpoint: URL): readonly [project: MetadataRequest, instance: MetadataRequest] => {
  const request = (path: string): MetadataRequest => ({
    method: "GET",
    url: join(endpoint, path),
    headers: { [FLAVOR_HEADER]: FLAVOR }
  })
  return [request("/computeMetadata/v1/project/project-id"), request("/computeMetadata/v1/instance/id")]
}

/** @internal */
export const readValue = (answer: Answer): Read<string> => {
  if (answer.headers[FLAVOR_HEADER] !== FLAVOR) {
    return failed(notThere(
      `GET ${answer.url}: answered ${answer.status} without ${FLAVOR_HEADER}: ${FLAVOR}, so not a GCP metadata server`
    ))
  }
  if (!isSuccess(answer)) return failed(unsuccessful(answer))
  const value = answer.body.trim()
  return value === ""
    ? failed(unusable(`GET ${answer.url}: answered ${answer.status} with an empty body`))
    : found(value)
}

/** @internal */
export const idOf = (projectId: string, instanceId: string): Read<string> =>
  asDimensionValue(`${projectId}_${instanceId}`, "the project and instance ids")
