/**
 * The GCP id, `{project-id}_{instance-id}`, from the Compute Engine metadata server
 * (docs/protocol.md §4). Requests carry `Metadata-Flavor: Google` and the server echoes it in
 * its answers: an answer without the echo comes from something else (a captive portal, a DNS
 * search domain that resolves every name) and is not GCP.
 */
import * as Headers from "@effect/platform/Headers"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { LookupFailure, Request } from "./http.js"
import { asDimensionValue, isSuccess, NotThere, unsuccessful, Unusable } from "./http.js"
import { join } from "./options.js"

const FLAVOR_HEADER = "metadata-flavor"
const FLAVOR = "Google"

const read = (
  request: Request,
  endpoint: URL,
  path: string,
  timeout: Duration.Duration
): Effect.Effect<string, LookupFailure> =>
  request("GET", join(endpoint, path), { [FLAVOR_HEADER]: FLAVOR }, timeout).pipe(
    Effect.flatMap((answer): Effect.Effect<string, LookupFailure> => {
      const flavor = Headers.get(answer.headers, FLAVOR_HEADER)
      if (Option.getOrUndefined(flavor) !== FLAVOR) {
        return Effect.fail(
          new NotThere({
            reason: `GET ${answer.url}: answered ${answer.status} without ${FLAVOR_HEADER}: ${FLAVOR}, ` +
              "so not a GCP metadata server"
          })
        )
      }
      if (!isSuccess(answer)) return Effect.fail(unsuccessful(answer))
      const value = answer.body.trim()
      return value === ""
        ? Effect.fail(new Unusable({ reason: `GET ${answer.url}: answered ${answer.status} with an empty body` }))
        : Effect.succeed(value)
    })
  )

/**
 * Both values asked for at once, both within `timeout`.
 * @internal
 */
export const gcpId = (
  request: Request,
  endpoint: URL,
  timeout: Duration.Duration
): Effect.Effect<string, LookupFailure> =>
  Effect.all([
    read(request, endpoint, "/computeMetadata/v1/project/project-id", timeout),
    read(request, endpoint, "/computeMetadata/v1/instance/id", timeout)
  ], { concurrency: 2 }).pipe(
    Effect.flatMap(([projectId, instanceId]) =>
      asDimensionValue(`${projectId}_${instanceId}`, "the project and instance ids")
    )
  )
