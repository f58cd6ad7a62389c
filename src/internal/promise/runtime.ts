/**
 * The one runtime the Promise facade runs its services on (Ingest, and Metadata, Rest and
 * SignalFlow once loaded): the service's context, built once in a scope of its own, in a `Runtime`
 * that carries the facade's logger; `dispose` closes the scope (the service releases what it
 * holds: Ingest delivers what is queued within its deadline, SignalFlow closes its socket).
 *
 * Not a `ManagedRuntime` over layers: for one service built at once, their machinery (a memo map,
 * a scope and a fiber per layer) was a tenth of a short script's start-up
 * (`npm run bench:startup`). The method names are ManagedRuntime's.
 */
import type * as Clock from "effect/Clock"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Runtime from "effect/Runtime"
import * as Scope from "effect/Scope"
import type { LineLogger } from "./logger.js"
import { withLogger } from "./logger.js"

/** @internal */
export interface FacadeRuntimeOptions {
  /** The `logger` option: where the service's warnings go, from its build on. */
  readonly logger: LineLogger | false | undefined
  /** The clock of everything the runtime runs (and what that forks), instead of Effect's. */
  readonly clock?: Clock.Clock | undefined
}

/** @internal */
export class FacadeRuntime<R> {
  readonly #runtime: Runtime.Runtime<R>
  readonly #scope: Scope.CloseableScope

  private constructor(runtime: Runtime.Runtime<R>, scope: Scope.CloseableScope) {
    this.#runtime = runtime
    this.#scope = scope
  }

  /**
   * Builds the context under the logger (and the clock); what it adds to its scope lives until
   * {@link dispose}. A failed build has its scope closed, and fails with the build's failure.
   */
  static build<R, E>(
    build: Effect.Effect<Context.Context<R>, E, Scope.Scope>,
    options: FacadeRuntimeOptions
  ): Effect.Effect<FacadeRuntime<R>, E> {
    const { clock, logger } = options
    return Effect.flatMap(Scope.make(), (scope) => {
      const runtime = Effect.flatMap(
        Scope.extend(build, scope),
        (context) =>
          // The fiber refs of the build (the logger and the clock among them) are the runtime's.
          Effect.map(Effect.runtime<never>(), ({ fiberRefs, runtimeFlags }) =>
            new FacadeRuntime(Runtime.make({ context, fiberRefs, runtimeFlags }), scope))
      )
      return withLogger(clock === undefined ? runtime : Effect.withClock(runtime, clock), logger).pipe(
        Effect.onExit((exit) => Exit.isFailure(exit) ? Scope.close(scope, exit) : Effect.void)
      )
    })
  }

  /** {@link build}, run at once: the build must not wait for anything. */
  static make<R, E>(
    build: Effect.Effect<Context.Context<R>, E, Scope.Scope>,
    options: FacadeRuntimeOptions
  ): Exit.Exit<FacadeRuntime<R>, E> {
    return Effect.runSyncExit(FacadeRuntime.build(build, options))
  }

  runSync<A, E>(effect: Effect.Effect<A, E, R>): A {
    return Runtime.runSync(this.#runtime, effect)
  }

  runSyncExit<A, E>(effect: Effect.Effect<A, E, R>): Exit.Exit<A, E> {
    return Runtime.runSyncExit(this.#runtime, effect)
  }

  runFork<A, E>(effect: Effect.Effect<A, E, R>): void {
    Runtime.runFork(this.#runtime)(effect)
  }

  runPromise<A, E>(effect: Effect.Effect<A, E, R>): Promise<A> {
    return Runtime.runPromise(this.#runtime)(effect)
  }

  runPromiseExit<A, E>(
    effect: Effect.Effect<A, E, R>,
    options?: { readonly signal?: AbortSignal }
  ): Promise<Exit.Exit<A, E>> {
    return Runtime.runPromiseExit(this.#runtime)(effect, options)
  }

  /** Closes the scope: the service's finalizers run. Idempotent. */
  dispose(): Promise<void> {
    return Effect.runPromise(Scope.close(this.#scope, Exit.void))
  }
}
