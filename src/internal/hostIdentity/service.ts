/**
 * Assembles the HostIdentity service: one lookup per cloud, each run at most once per service
 * on first use and shared by every caller, never failing (a lookup that finds no id logs why,
 * at debug level when the host is simply not in that cloud, as a warning when it seems to be
 * but the answer is unusable).
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type { LookupFailure } from "../../core/hostIdentity/lookup.js"
import { CLOUDS, dimensionNames } from "../../core/hostIdentity/options.js"
import type * as Datapoint from "../../Datapoint.js"
import type * as HostIdentity from "../../HostIdentity.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import { disabled, ec2UniqueId, ecsTaskId } from "./aws.js"
import { azureResourceId } from "./azure.js"
import { gcpId } from "./gcp.js"
import { makeRequest } from "./http.js"
import * as options_ from "./options.js"

const logFailure = (failure: LookupFailure, what: string): Effect.Effect<void> =>
  failure._tag === "Unusable"
    ? Effect.logWarning(`No ${what}: ${failure.reason}`)
    : Effect.logDebug(`No ${what}: ${failure.reason}`)

/**
 * Runs `effect` at most once, when first asked, in a fiber of the service's scope, and gives
 * every caller its result. Unlike `Effect.cached`, a first caller that is interrupted (a
 * timeout of its own) stops waiting without cancelling the lookup for everyone; closing the
 * service's scope interrupts a lookup still running.
 */
const once = <A>(scope: Scope.Scope, effect: Effect.Effect<A>): Effect.Effect<A> => {
  let result: Deferred.Deferred<A> | undefined
  return Effect.uninterruptibleMask((restore) =>
    Effect.suspend(() => {
      if (result !== undefined) return restore(Deferred.await(result))
      const deferred = Deferred.unsafeMake<A>(FiberId.none)
      result = deferred
      // Forked from an uninterruptible region, the fiber would inherit it and its timeouts could
      // never interrupt a request.
      return Effect.forkIn(Effect.interruptible(effect), scope).pipe(
        // An observer, not code in the fiber: it runs even for a fiber interrupted before it started.
        Effect.tap((fiber) => fiber.addObserver((exit) => Deferred.unsafeDone(deferred, exit))),
        Effect.zipRight(restore(Deferred.await(deferred)))
      )
    })
  )
}

/** @internal */
export const make = (
  options: HostIdentity.Options
): Effect.Effect<HostIdentity.Service, ConfigurationError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const resolved = yield* options_.resolve(options)
    const request = yield* makeRequest
    const scope = yield* Effect.scope
    const { timeout } = resolved

    const lookup = (
      cloud: HostIdentity.Cloud,
      find: Effect.Effect<string, LookupFailure>
    ): Effect.Effect<Option.Option<string>> => {
      if (!resolved.clouds.has(cloud)) return Effect.succeedNone
      const name = dimensionNames[cloud]
      return once(
        scope,
        find.pipe(
          Effect.retry({ times: resolved.retries, while: (failure) => failure._tag === "Unreachable" }),
          Effect.tap((id) => Effect.logDebug(`${name} is ${id}`)),
          Effect.asSome,
          Effect.catchAll((failure) => Effect.as(logFailure(failure, name), Option.none())),
          Effect.annotateLogs({ package: "effect-signalfx", module: "HostIdentity", cloud })
        )
      )
    }

    const ec2 = resolved.awsEndpoint === undefined ? disabled : ec2UniqueId(request, resolved.awsEndpoint, timeout)
    const aws = resolved.ecsMetadataUri === undefined
      ? ec2
      : ecsTaskId(request, resolved.ecsMetadataUri, timeout).pipe(
        Effect.catchAll((failure) =>
          resolved.awsEndpoint === undefined
            ? Effect.fail(failure)
            : Effect.zipRight(logFailure(failure, "ECS task id, asking EC2"), ec2)
        )
      )

    const ids = {
      aws: lookup("aws", aws),
      gcp: lookup("gcp", gcpId(request, resolved.gcpEndpoint, timeout)),
      azure: lookup("azure", azureResourceId(request, resolved.azureEndpoint, timeout))
    }

    const dimensions: Effect.Effect<Datapoint.Dimensions> = Effect.all(ids, { concurrency: "unbounded" }).pipe(
      Effect.map((found) => {
        const named: Record<string, string> = {}
        for (const cloud of CLOUDS) {
          const id = found[cloud]
          if (Option.isSome(id)) named[dimensionNames[cloud]] = id.value
        }
        return named
      })
    )

    return { awsUniqueId: ids.aws, gcpId: ids.gcp, azureResourceId: ids.azure, dimensions }
  })
