/**
 * The runtime the Promise facade runs its Ingest service on: the service's context, built once in
 * a scope of its own, in a `Runtime` that carries the facade's logger; `dispose` closes the scope
 * (the service delivers what it holds, within its deadline).
 *
 * Not a `ManagedRuntime` over layers: for one service built at once, their machinery (a memo map,
 * a scope and a fiber per layer) was a tenth of a short script's start-up
 * (`npm run bench:startup`). The method names are ManagedRuntime's.
 */
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Runtime from "effect/Runtime"
import * as Scope from "effect/Scope"
import type { LineLogger } from "./logger.js"
import { withLogger } from "./logger.js"

/** @internal */
export class FacadeRuntime<R> {
  readonly #runtime: Runtime.Runtime<R>
  readonly #scope: Scope.CloseableScope

  private constructor(runtime: Runtime.Runtime<R>, scope: Scope.CloseableScope) {
    this.#runtime = runtime
    this.#scope = scope
  }

  /**
   * Builds the context synchronously, under the logger; what it adds to its scope lives until
   * {@link dispose}. A failed build has its scope closed, and its failure is returned.
   */
  static make<R, E>(
    build: Effect.Effect<Context.Context<R>, E, Scope.Scope>,
    logger: LineLogger | false | undefined
  ): Exit.Exit<FacadeRuntime<R>, E> {
    const scope = Effect.runSync(Scope.make())
    const built = Effect.runSyncExit(
      withLogger(
        Effect.flatMap(
          Scope.extend(build, scope),
          (context) =>
            // The fiber refs of the build (the logger among them) are the runtime's.
            Effect.map(Effect.runtime<never>(), ({ fiberRefs, runtimeFlags }) =>
              new FacadeRuntime(Runtime.make({ context, fiberRefs, runtimeFlags }), scope))
        ),
        logger
      )
    )
    if (Exit.isFailure(built)) void Effect.runPromise(Scope.close(scope, built))
    return built
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
