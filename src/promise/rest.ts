/**
 * The REST API on the Promise facade: `sfx.rest`, the {@link Rest} service's operations with
 * promises, and async iterables for the streams. It runs the service; it reimplements nothing.
 *
 * @since 0.2.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import * as Rest from "../Rest.js"
import { ClosedError } from "../SignalFxError.js"

/**
 * The Rest service with promises: each operation answers a `Promise` (rejecting with the same
 * error classes as the Effect API: `RestNotFoundError`, `RestRejectedError`, `RestRequestError`,
 * and `ClosedError` once the client is stopped), and each `stream` an `AsyncIterable`.
 *
 * @example
 * ```ts
 * import { SignalFx } from "effect-signalfx/promise"
 *
 * const sfx = new SignalFx("API_TOKEN", { realm: "us1" })
 * for await (const detector of sfx.rest.detectors.stream({ tags: ["team-payments"] })) {
 *   console.log(detector.name)
 * }
 * const incidents = await sfx.rest.incidents.list()
 * await Promise.all(incidents.map((incident) => sfx.rest.incidents.clear(incident.incidentId)))
 * await sfx.stop()
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type RestClient = Promised<Rest.Service>

/**
 * A service shape with each effect-returning function turned into a promise-returning one, each
 * stream-returning function into an async-iterable-returning one.
 *
 * @since 0.2.0
 * @category models
 */
export type Promised<S> = {
  readonly [
    // Effect first: an Effect is also a Stream (of one element), not the other way round.
    K in keyof S
  ]: S[K] extends (...args: infer P) => Effect.Effect<infer A, infer _E, never> ? (...args: P) => Promise<A>
    : S[K] extends (...args: infer P) => Stream.Stream<infer A, infer _E, never> ? (...args: P) => AsyncIterable<A>
    : Promised<S[K]>
}

/** @internal */
export interface RestHandle {
  readonly client: RestClient
  /** After this, every call rejects with a `ClosedError`; calls under way finish. */
  readonly close: () => void
}

/**
 * Builds the service now, so that a bad option throws from the `SignalFx` constructor. It holds
 * no resources: there is nothing to release, only new calls to refuse.
 * @internal
 */
export const makeRestClient = (options: Rest.Options): RestHandle => {
  const built = Effect.runSyncExit(Rest.make(options).pipe(Effect.provide(FetchHttpClient.layer)))
  if (Exit.isFailure(built)) throw Cause.squash(built.cause)
  const service = built.value
  let closed = false
  const closedError = () => new ClosedError({ what: "requests", count: 0 })

  const promise =
    <P extends ReadonlyArray<unknown>, A, E>(operation: (...args: P) => Effect.Effect<A, E>) =>
    async (...args: P): Promise<A> => {
      if (closed) throw closedError()
      const exit = await Effect.runPromiseExit(Effect.suspend(() => operation(...args)))
      if (Exit.isSuccess(exit)) return exit.value
      throw Cause.squash(exit.cause)
    }

  const iterable =
    <P extends ReadonlyArray<unknown>, A, E>(operation: (...args: P) => Stream.Stream<A, E>) =>
    (...args: P): AsyncIterable<A> =>
      // Checked when the iteration starts, which is when the first request goes.
      Stream.toAsyncIterable(
        Stream.unwrap(Effect.suspend(() => closed ? Effect.fail(closedError()) : Effect.succeed(operation(...args))))
      )

  const family = <A, Input, Search, StreamOptions>(operations: Rest.Family<A, Input, Search, StreamOptions>) => ({
    get: promise(operations.get),
    search: promise(operations.search),
    stream: iterable(operations.stream),
    create: promise(operations.create),
    update: promise(operations.update),
    delete: promise(operations.delete)
  })

  const { charts, dashboardGroups, dashboards, dataLinks, detectors, incidents, organization } = service
  const client: RestClient = {
    organization: { get: promise(organization.get) },
    charts: family(charts),
    dashboards: family(dashboards),
    dashboardGroups: {
      get: promise(dashboardGroups.get),
      search: promise(dashboardGroups.search),
      stream: iterable(dashboardGroups.stream),
      create: promise(dashboardGroups.create),
      update: promise(dashboardGroups.update),
      delete: promise(dashboardGroups.delete)
    },
    detectors: {
      ...family(detectors),
      validate: promise(detectors.validate),
      events: promise(detectors.events),
      incidents: promise(detectors.incidents)
    },
    incidents: {
      get: promise(incidents.get),
      list: promise(incidents.list),
      stream: iterable(incidents.stream),
      clear: promise(incidents.clear)
    },
    dataLinks: {
      get: promise(dataLinks.get),
      search: promise(dataLinks.search),
      stream: iterable(dataLinks.stream)
    }
  }
  return {
    client,
    close: () => {
      closed = true
    }
  }
}
