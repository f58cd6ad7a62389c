/**
 * The Azure id (see `core/hostIdentity/azure.ts`): one request, its answer read by the core.
 */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as azure from "../../core/hostIdentity/azure.js"
import type { LookupFailure } from "../../core/hostIdentity/lookup.js"
import type { Request } from "./http.js"
import { fromRead } from "./http.js"

/** @internal */
export const azureResourceId = (
  request: Request,
  endpoint: URL,
  timeout: Duration.Duration
): Effect.Effect<string, LookupFailure> =>
  Effect.flatMap(request(azure.request(endpoint), timeout), (answer) => fromRead(azure.readInstance(answer)))
