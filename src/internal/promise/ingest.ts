/**
 * The Ingest service as a `SignalFx` client runs it: built at once on the facade's runtime,
 * beside its internals (the synchronous core of `send`), and the host identity lookup that adds
 * the host's cloud ids to its global dimensions.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import type * as Datapoint from "../../Datapoint.js"
import type * as HostIdentity from "../../HostIdentity.js"
import * as Ingest from "../../Ingest.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import type { Internals } from "../ingest/service.js"
import { makeWithInternals } from "../ingest/service.js"
import { makeFromEnvironment } from "../proxy/client.js"
import type { Given as NetworkOptions } from "../proxy/options.js"
import { unrefClock } from "./clock.js"
import { unrefFetch } from "./fetch.js"
import type { LineLogger } from "./logger.js"
import { FacadeRuntime } from "./runtime.js"

/**
 * The Ingest service's internals, beside it in the client's runtime.
 * @internal
 */
export class IngestInternals
  extends Context.Tag("effect-signalfx/promise/IngestInternals")<IngestInternals, Internals>()
{}

/** @internal */
export interface StartedIngest {
  readonly runtime: FacadeRuntime<Ingest.Ingest | IngestInternals>
  readonly service: Ingest.Service
  readonly internals: Internals
}

/**
 * The service, built now rather than on first use: every method can then reach it directly, and
 * `stats()` stays synchronous. The unref'd clock keeps the linger and backoff timers from holding
 * the process open. Throws what the build failed with.
 * @internal
 */
export const startIngest = (
  options: Ingest.Options,
  network: NetworkOptions,
  logger: LineLogger | false | undefined
): StartedIngest => {
  const built = FacadeRuntime.make(
    Effect.flatMap(makeFromEnvironment(network, unrefFetch), (client) =>
      Effect.withClock(
        Effect.map(
          Effect.provideService(makeWithInternals(options), HttpClient.HttpClient, client),
          ({ internals, service }) => Context.make(Ingest.Ingest, service).pipe(Context.add(IngestInternals, internals))
        ),
        unrefClock
      )),
    { logger }
  )
  if (Exit.isFailure(built)) throw Cause.squash(built.cause)
  const runtime = built.value
  return { runtime, ...runtime.runSync(Effect.all({ internals: IngestInternals, service: Ingest.Ingest })) }
}

/**
 * The host's cloud ids, added to the global dimensions; HostIdentity is loaded for it. In the
 * background, on the unref'd clock: the lookup neither delays `send` nor holds the process beyond
 * its own timeout; `signal` interrupts it. Never rejects: `{}` when nothing was added.
 * @internal
 */
export const lookUpHost = async (
  runtime: FacadeRuntime<Ingest.Ingest | IngestInternals>,
  options: HostIdentity.Options,
  httpClient: Layer.Layer<HttpClient.HttpClient, ConfigurationError>,
  signal: AbortSignal
): Promise<Datapoint.Dimensions> => {
  const { HostIdentity: { addToIngest, layer } } = await import("./onFirstUse.js")
  if (signal.aborted) return {}
  const lookup = addToIngest.pipe(
    Effect.provide(Layer.provide(layer(options), httpClient)),
    Effect.withClock(unrefClock)
  )
  const exit = await runtime.runPromiseExit(lookup, { signal })
  return Exit.getOrElse(exit, () => ({}))
}
