/**
 * A local, SignalFx-compatible server for tests: it speaks the ingest API (`POST /v2/datapoint`,
 * `POST /v2/event`, protobuf or JSON, gzip or not) and the metadata REST API over real loopback
 * HTTP, records what it receives, and can be scripted to fail the way the real service and the
 * networks in front of it do. It also runs SignalFlow programs (a documented subset of the
 * language) over what it ingested, on `/v2/signalflow/connect` (WebSocket) and
 * `POST /v2/signalflow/execute` (server-sent events). Point any SignalFx client at `server.url`.
 *
 * @example
 * ```ts
 * import { FakeSignalFx } from "effect-signalfx/testing"
 *
 * const server = await FakeSignalFx.start()
 * try {
 *   await fetch(`${server.url}/v2/datapoint`, {
 *     method: "POST",
 *     headers: { "X-SF-Token": "test", "Content-Type": "application/json" },
 *     body: JSON.stringify({ gauge: [{ metric: "cpu", value: 1.5, dimensions: { host: "a" } }] })
 *   })
 *   console.log(server.datapoints())
 *   // [{ metric: "cpu", type: "gauge", value: 1.5, valueType: "double", dimensions: { host: "a" } }]
 * } finally {
 *   await server.close()
 * }
 * ```
 *
 * @since 0.1.0
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
 * @example
 * ```ts
 * import { FakeSignalFx } from "effect-signalfx/testing"
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
 * @since 0.1.0
 * @category tags
 */
export class FakeSignalFx extends Context.Tag("effect-signalfx/testing/FakeSignalFx")<FakeSignalFx, Server>() {}

/**
 * Starts a server that closes with the scope. Failing to listen (a port already taken) is a
 * defect: a test cannot recover from its environment.
 *
 * @example
 * ```ts
 * import { FakeSignalFx } from "effect-signalfx/testing"
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
 * @since 0.1.0
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
 * @example
 * ```ts
 * import { FakeSignalFx } from "effect-signalfx/testing"
 * import { layer } from "@effect/vitest"
 * import { Effect } from "effect"
 *
 * layer(FakeSignalFx.layer({ tokens: ["t"] }))("my exporter", (it) => {
 *   it.effect("sends", () =>
 *     Effect.gen(function*() {
 *       const server = yield* FakeSignalFx.FakeSignalFx
 *       // ... run the code under test against server.url ...
 *       console.log(server.requests().length)
 *     }))
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<FakeSignalFx> => Layer.scoped(FakeSignalFx, make(options))
