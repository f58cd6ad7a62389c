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
import type { ClosedError, ConfigurationError } from "../../SignalFxError.js"
import { ValidationError } from "../../SignalFxError.js"
import type { Offered } from "../ingest/pipeline.js"
import { offeredDone } from "../ingest/pipeline.js"
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

/**
 * The client's Ingest service, its internals and its runtime.
 * @internal
 */
export class StartedIngest {
  readonly runtime: FacadeRuntime<Ingest.Ingest | IngestInternals>
  readonly service: Ingest.Service
  readonly internals: Internals

  /**
   * Builds the service now rather than on first use: every method can then reach it directly,
   * and `stats()` stays synchronous. The unref'd clock keeps the linger and backoff timers from
   * holding the process open. Throws what the build failed with.
   */
  constructor(options: Ingest.Options, network: NetworkOptions, logger: LineLogger | false | undefined) {
    const built = FacadeRuntime.make(
      Effect.flatMap(makeFromEnvironment(network, unrefFetch), (client) =>
        Effect.withClock(
          Effect.map(
            Effect.provideService(makeWithInternals(options), HttpClient.HttpClient, client),
            ({ internals, service }) =>
              Context.make(Ingest.Ingest, service).pipe(Context.add(IngestInternals, internals))
          ),
          unrefClock
        )),
      { logger }
    )
    if (Exit.isFailure(built)) throw Cause.squash(built.cause)
    this.runtime = built.value
    this.service = this.runtime.runSync(Ingest.Ingest)
    this.internals = this.runtime.runSync(IngestInternals)
  }

  /**
   * Validates and queues without running an effect: the service's synchronous core, then what
   * the offer left to do (a warning to log, an event-loop turn to give). Once the client is
   * `stopping`, the effect path of {@link run} keeps its ordering.
   */
  offer(
    fast: (internals: Internals) => ValidationError | Offered,
    slow: (service: Ingest.Service) => Effect.Effect<void, ValidationError | ClosedError>,
    stopping: Promise<void> | undefined
  ): Promise<void> {
    if (stopping !== undefined) return this.run(slow(this.service), stopping)
    let outcome: ValidationError | Offered
    try {
      outcome = fast(this.internals)
    } catch (defect) {
      // A throwing getter or proxy in the input: rejected, as the effect path would.
      return Promise.reject(defect)
    }
    if (outcome instanceof ValidationError) return Promise.reject(outcome)
    if (outcome === offeredDone) return resolved
    if (outcome.closed !== undefined) return Promise.reject(outcome.closed)
    if (outcome.warning !== undefined) this.runtime.runFork(outcome.warning)
    return outcome.yieldTurn ? new Promise((resume) => setImmediate(resume)) : resolved
  }

  /** Runs one of the service's synchronous effects, which need no runtime; throws our own error. */
  sync<A, E>(effect: Effect.Effect<A, E>): A {
    const exit = Effect.runSyncExit(effect)
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  }

  /**
   * Runs one of the service's effects. Once the client is `stopping`, it waits for the stop to
   * finish, so that `send` fails with the `ClosedError` (and counts it) rather than slip in
   * while the service is still draining; the service's effects need nothing from the disposed
   * runtime.
   */
  async run<A, E>(effect: Effect.Effect<A, E>, stopping: Promise<void> | undefined): Promise<A> {
    let exit: Exit.Exit<A, E>
    if (stopping === undefined) {
      exit = await this.runtime.runPromiseExit(effect)
    } else {
      await stopping
      exit = await Effect.runPromiseExit(effect)
    }
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  }
}

const resolved: Promise<void> = Promise.resolve()

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
