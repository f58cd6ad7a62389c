/**
 * A local, SignalFx-compatible server for tests: the same server as `effect-signalfx/testing`
 * (one implementation, in the Effect-free core), with a layer in Effect 4. It speaks the ingest
 * API, the metadata and REST APIs and SignalFlow over real loopback HTTP, records what it
 * receives, and can be scripted to fail the way the real service does. Point any SignalFx client
 * at `server.url`.
 *
 * @example
 * ```ts
 * import { FakeSignalFx } from "@effect-signalfx/effect4/testing"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const server = yield* FakeSignalFx.FakeSignalFx
 *   // ... run the code under test against server.url ...
 *   return server.datapoints().length
 * })
 *
 * Effect.runPromise(program.pipe(Effect.provide(FakeSignalFx.layer())))
 * ```
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type { Options, Server } from "../core/testing/localServer.js"
import { start } from "../core/testing/localServer.js"

export * from "../core/testing/localServer.js"

/**
 * The server as an Effect service.
 *
 * @since 0.2.0
 * @category services
 */
export class FakeSignalFx extends Context.Service<FakeSignalFx, Server>()("effect-signalfx/testing/FakeSignalFx") {}

/**
 * Starts a server that closes with the scope. Failing to listen (a port already taken) is a
 * defect: a test cannot recover from its environment.
 *
 * @example
 * ```ts
 * import { FakeSignalFx } from "@effect-signalfx/effect4/testing"
 * import { Effect } from "effect"
 *
 * const program = Effect.scoped(
 *   Effect.gen(function*() {
 *     const server = yield* FakeSignalFx.make({ tokens: ["t"] })
 *     return server.url
 *   })
 * )
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<Server, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => start(options)),
    (server) => Effect.promise(() => server.close())
  )

/**
 * A layer providing {@link FakeSignalFx}, closed when the layer is released.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<FakeSignalFx> => Layer.effect(FakeSignalFx, make(options))
