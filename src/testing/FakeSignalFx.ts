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
import type * as Event from "../Event.js"
import * as internal from "../internal/testing/server.js"

/**
 * How to start the server. Everything is optional.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The port to listen on; `0`, the default, picks a free one (see {@link Server.url}). */
  readonly port?: number | undefined
  /** The address to listen on, `127.0.0.1` by default. */
  readonly host?: string | undefined
  /**
   * The tokens the server accepts in `X-SF-Token` (and in SignalFlow's `authenticate`
   * message). Without a list any non-empty token is accepted; a request without a token is
   * always answered with 401.
   */
  readonly tokens?: ReadonlyArray<string> | undefined
  /** Called with every ingest batch the server accepted, after it was recorded. */
  readonly onBatch?: ((batch: Batch) => void) | undefined
  /**
   * The largest request body accepted, in bytes as sent (compressed, when it is): a larger one
   * is answered 413, as a proxy in front of the service may. No limit by default.
   */
  readonly maxBodyBytes?: number | undefined
}

/**
 * A datapoint as the server decoded it off the wire. An int64 beyond 2^53 stays exact as a
 * `bigint`. `timestamp` is absent when the sender sent none (or 0, the Go client's "none").
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedDatapoint {
  readonly metric: string
  readonly type: "gauge" | "counter" | "cumulative_counter" | "enum"
  readonly value: number | bigint | string
  /** How the value travelled: protobuf says it exactly; for JSON, integral numbers are `"int"`. */
  readonly valueType: "int" | "double" | "string"
  readonly timestamp?: number
  readonly dimensions: Readonly<Record<string, string>>
}

/**
 * An event as the server decoded it off the wire. `properties` holds the plain values;
 * `propertyTypes` says how each travelled, since `3` may have been sent as an int or a double.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedEvent {
  readonly eventType: string
  /** The enum name; `USER_DEFINED` when the sender left it out. */
  readonly category: Event.Category
  readonly timestamp?: number
  readonly dimensions: Readonly<Record<string, string>>
  readonly properties: Readonly<Record<string, string | number | bigint | boolean>>
  readonly propertyTypes: Readonly<Record<string, "int" | "double" | "string" | "bool">>
}

/**
 * One HTTP request the server received, whatever became of it.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly method: string
  /** The request target as sent: path and query string. */
  readonly path: string
  /** Lower-cased names; the values of `X-SF-Token` and `Authorization` are replaced by {@link redacted}. */
  readonly headers: Readonly<Record<string, string>>
  /** The status answered, or `undefined` when the connection was reset or left hanging. */
  readonly status: number | undefined
  /** Bytes of body as received, before any decompression. */
  readonly bodySize: number
  /** The `Content-Encoding` header, `undefined` when absent. */
  readonly encoding: string | undefined
  /** The scripted fault this request met, if any. */
  readonly fault: Fault["_tag"] | undefined
}

/**
 * What recorded headers show in place of a token (`X-SF-Token`, and `Authorization` too).
 *
 * @example
 * ```ts
 * import { FakeSignalFx } from "effect-signalfx/testing"
 *
 * const server = await FakeSignalFx.start()
 * // ... after the code under test sent something:
 * console.log(server.requests().every((r) => r.headers["x-sf-token"] === FakeSignalFx.redacted)) // true
 * await server.close()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const redacted: string = internal.REDACTED

/**
 * A batch the server accepted, as passed to {@link Options.onBatch}.
 *
 * @since 0.1.0
 * @category models
 */
export type Batch =
  | { readonly _tag: "Datapoints"; readonly datapoints: ReadonlyArray<RecordedDatapoint> }
  | { readonly _tag: "Events"; readonly events: ReadonlyArray<RecordedEvent> }

/**
 * A scripted behaviour for one request. See {@link Server.fault}.
 *
 * - `Respond`: answer with this status, headers and body (the body is empty by default);
 *   `retryAfter` sets `Retry-After`, in seconds for a number, as an HTTP date for a `Date`.
 * - `Delay`: wait, then serve the request normally.
 * - `Hang`: never answer; the connection stays open until the client gives up or the server
 *   closes.
 * - `Reset`: destroy the connection, before reading the body or after reading all of it.
 * - `Redirect`: answer `307` (or the given status) with `Location`.
 *
 * @since 0.1.0
 * @category faults
 */
export type Fault =
  | {
    readonly _tag: "Respond"
    readonly status: number
    readonly headers?: Readonly<Record<string, string>> | undefined
    readonly body?: string | undefined
    readonly retryAfter?: number | Date | undefined
  }
  | { readonly _tag: "Delay"; readonly millis: number }
  | { readonly _tag: "Hang" }
  | { readonly _tag: "Reset"; readonly when: "beforeBody" | "afterBody" }
  | { readonly _tag: "Redirect"; readonly location: string; readonly status?: 301 | 302 | 303 | 307 | 308 | undefined }

/**
 * A `Respond` fault.
 *
 * @example
 * ```ts
 * import { FakeSignalFx } from "effect-signalfx/testing"
 *
 * const throttled = FakeSignalFx.respond(429, { retryAfter: 2, headers: { "Throttle-Type": "burst" } })
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export const respond = (
  status: number,
  options?: {
    readonly headers?: Readonly<Record<string, string>> | undefined
    readonly body?: string | undefined
    readonly retryAfter?: number | Date | undefined
  }
): Fault => ({ _tag: "Respond", status, ...options })

/**
 * A `Delay` fault: the request is served normally after `millis` milliseconds. Use it to test a
 * client's timeout.
 *
 * @example
 * ```ts
 * import { FakeSignalFx } from "effect-signalfx/testing"
 *
 * const server = await FakeSignalFx.start()
 * server.fault("/v2/event", [FakeSignalFx.delay(6_000)])
 * await server.close()
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export const delay = (millis: number): Fault => ({ _tag: "Delay", millis })

/**
 * A `Hang` fault: the request is never answered; `server.close()` ends it.
 *
 * @example
 * ```ts
 * import { FakeSignalFx } from "effect-signalfx/testing"
 *
 * const server = await FakeSignalFx.start()
 * server.fault("/v2/datapoint", [FakeSignalFx.hang])
 * await server.close()
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export const hang: Fault = { _tag: "Hang" }

/**
 * A `Reset` fault: the connection is destroyed before or after the body was read. After the
 * body, the sender cannot know whether the data arrived: the case a retrying client must think
 * about.
 *
 * @example
 * ```ts
 * import { FakeSignalFx } from "effect-signalfx/testing"
 *
 * const server = await FakeSignalFx.start()
 * server.fault("/v2/datapoint", [FakeSignalFx.resetConnection("afterBody")])
 * await server.close()
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export const resetConnection = (when: "beforeBody" | "afterBody"): Fault => ({ _tag: "Reset", when })

/**
 * A `Redirect` fault, `307` unless told otherwise.
 *
 * @example
 * ```ts
 * import { FakeSignalFx } from "effect-signalfx/testing"
 *
 * const server = await FakeSignalFx.start()
 * server.fault("/v2/datapoint", [FakeSignalFx.redirect("http://127.0.0.1:1/v2/datapoint")])
 * await server.close()
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export const redirect = (location: string, status?: 301 | 302 | 303 | 307 | 308): Fault => ({
  _tag: "Redirect",
  location,
  status
})

/**
 * A running server.
 *
 * @since 0.1.0
 * @category models
 */
export interface Server {
  /** `http://127.0.0.1:PORT`: the ingest and the REST base URL alike. */
  readonly url: string
  readonly port: number
  /** Every datapoint accepted so far, in arrival order. */
  datapoints(): ReadonlyArray<RecordedDatapoint>
  /** Every event accepted so far, in arrival order. */
  events(): ReadonlyArray<RecordedEvent>
  /** Every request received so far, accepted or not. */
  requests(): ReadonlyArray<RecordedRequest>
  /**
   * Scripts the next requests to `route` (a path such as `/v2/datapoint`; `/v2/dimension` also
   * covers the paths below it): the first gets `faults[0]`, the next `faults[1]`, and so on;
   * after the script runs out, normal service resumes. A second call appends to the script.
   * Faults come before everything else, token checks included, like a proxy in front.
   *
   * @example
   * ```ts
   * import { FakeSignalFx } from "effect-signalfx/testing"
   *
   * const server = await FakeSignalFx.start()
   * server.fault("/v2/datapoint", [
   *   FakeSignalFx.respond(503),
   *   FakeSignalFx.respond(429, { retryAfter: 1 }),
   *   FakeSignalFx.resetConnection("afterBody")
   * ])
   * // the fourth datapoint request, and every one after it, succeeds
   * await server.close()
   * ```
   */
  fault(route: string, faults: ReadonlyArray<Fault>): void
  /**
   * Drops every SignalFlow WebSocket connection at once, without a close handshake, as a
   * network failure would; their computations stop. Returns how many were dropped. To refuse
   * the reconnections that follow, script faults for `/v2/signalflow/connect` with
   * {@link Server.fault}: `respond`, `resetConnection`, `hang` and `delay` apply to the upgrade.
   *
   * @example
   * ```ts
   * import { FakeSignalFx } from "effect-signalfx/testing"
   *
   * const server = await FakeSignalFx.start()
   * // ... a SignalFlow client is streaming from server.url ...
   * server.fault("/v2/signalflow/connect", [FakeSignalFx.respond(503)])
   * server.disconnectSignalFlow()
   * // the client's first reconnection is refused with 503, the next one succeeds
   * await server.close()
   * ```
   *
   * @since 0.2.0
   */
  disconnectSignalFlow(): number
  /** Forgets the records, the metadata, the fault scripts and the datapoints SignalFlow reads. */
  reset(): void
  /**
   * Stops listening and destroys open connections, hung ones and SignalFlow's included. Safe to
   * call twice.
   */
  close(): Promise<void>
}

/**
 * Starts a server; close it with `server.close()`.
 *
 * @example
 * ```ts
 * import { FakeSignalFx } from "effect-signalfx/testing"
 *
 * const server = await FakeSignalFx.start({ tokens: ["secret"] })
 * const response = await fetch(`${server.url}/v2/event`, {
 *   method: "POST",
 *   headers: { "X-SF-Token": "secret", "Content-Type": "application/json" },
 *   body: JSON.stringify([{ eventType: "deploy", properties: { version: "1.2" } }])
 * })
 * console.log(response.status, server.events()[0]?.category) // 200 USER_DEFINED
 * await server.close()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const start: (options?: Options) => Promise<Server> = internal.start

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
