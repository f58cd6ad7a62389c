/**
 * The GCP id (see `core/hostIdentity/gcp.ts`): both values asked for at once, both within the
 * timeout.
 */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as gcp from "../../core/hostIdentity/gcp.js"
import type { LookupFailure, MetadataRequest } from "../../core/hostIdentity/lookup.js"
import type { Request } from "./http.js"
import { fromRead } from "./http.js"

/** @internal */
export const gcpId = (
  request: Request,
  endpoint: URL,
  timeout: Duration.Duration
): Effect.Effect<string, LookupFailure> => {
  const [project, instance] = gcp.requests(endpoint)
  const read = (each: MetadataRequest) =>
    Effect.flatMap(request(each, timeout), (answer) => fromRead(gcp.readValue(answer)))
  return Effect.all([read(project), read(instance)], { concurrency: 2 }).pipe(
    Effect.flatMap(([projectId, instanceId]) => fromRead(gcp.idOf(projectId, instanceId)))
  )
}
