/**
 * The local SignalFx-compatible server's API without Effect: its options, what it records, the
 * faults it can be scripted with, and `start`. Both packages re-export it from their
 * `FakeSignalFx` module and add a layer in their own Effect.
 *
 * @since 0.3.0
 */
import type * as Event from "../event.js"
import * as internal from "./server.js"

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
   * Called with every request the server refused or met with a scripted fault, and why: the
   * message of the error it answered (`"invalid X-SF-Token"` with a 401, say), or the fault
   * (`"scripted fault: Respond"`). The status is `request.status`. It is called once the
   * answer is sent; what it throws is ignored. A SignalFlow WebSocket whose `authenticate`
   * message is refused is told of too, as its upgrade request with the status 401 (that
   * request is not among {@link Server.requests}).
   *
   * @since 0.2.0
   */
  readonly onRefused?: ((request: RecordedRequest, reason: string) => void) | undefined
  /**
   * The largest request body accepted, in bytes as sent (compressed, when it is): a larger one
   * is answered 413, as a proxy in front of the service may, as soon as it passes the bound
   * (or at once, when its `Content-Length` says so). 20 MiB by default, what the OpenTelemetry
   * Collector's SignalFx receiver accepts. A gzip body may inflate to the larger of this and
   * 20 MiB, and an ingest body may carry at most 100,000 datapoints or events; past either, 413.
   */
  readonly maxBodyBytes?: number | undefined
  /**
   * The users `POST /v2/session` logs in: a matching email and password answer a session token,
   * which the server then accepts in `X-SF-Token` (even with a `tokens` list).
   *
   * @since 0.2.0
   */
  readonly users?: ReadonlyArray<{ readonly email: string; readonly password: string }> | undefined
  /**
   * Serve HTTPS: with this certificate and key (PEM), or, given `true`, with a self-signed
   * certificate made for the run, valid for `localhost`, 127.0.0.1, ::1 and `host`. Clients trust
   * it through their `ca` option, given {@link Server.certificate}. Plain HTTP by default.
   *
   * @since 0.2.0
   */
  readonly tls?: true | { readonly cert: string; readonly key: string } | undefined
}

/**
 * An incident to raise on a detector, as {@link Server.raiseIncident} takes it. The label
 * defaults to the detector's first rule's, the severity to that rule's.
 *
 * @since 0.2.0
 * @category models
 */
export interface IncidentToRaise {
  readonly detectorId: string
  readonly detectLabel?: string | undefined
  readonly severity?: string | undefined
  /** The values that triggered it, as the service shows them (`{_S1: {value: "0.2", key: {...}}}`). */
  readonly inputs?: Readonly<Record<string, unknown>> | undefined
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
  /**
   * How the value travelled: protobuf says it exactly; for JSON, an integer literal within int64
   * is `"int"`, any other number (`2.0`, `1e21`, an integer beyond int64) `"double"`.
   */
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
 * - `LoseAnswer`: store the batch as usual, then lose the answer: reset the connection, never
 *   answer, or answer only after `millis`. The sender cannot know the batch arrived, and a retry
 *   stores it again: how an at-least-once sender makes duplicates.
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
  | { readonly _tag: "LoseAnswer"; readonly how: "reset" | "hang" | "late"; readonly millis?: number | undefined }

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
 * A `LoseAnswer` fault: the batch is stored, then the answer is lost: the connection is reset,
 * left hanging, or answered only after `millis` (1 second by default), past a client's timeout.
 *
 * @example
 * ```ts
 * import { FakeSignalFx } from "effect-signalfx/testing"
 *
 * const server = await FakeSignalFx.start()
 * server.fault("/v2/event", [FakeSignalFx.loseAnswer("reset"), FakeSignalFx.loseAnswer("late", 2_000)])
 * await server.close()
 * ```
 *
 * @since 0.2.0
 * @category faults
 */
export const loseAnswer = (how: "reset" | "hang" | "late", millis?: number): Fault => ({
  _tag: "LoseAnswer",
  how,
  millis
})

/**
 * A running server. The records, `reset` and `fault` are also served over HTTP, under
 * `/_fake/` (`GET /_fake/datapoints`, `/_fake/events`, `/_fake/requests`; `POST /_fake/reset`,
 * `/_fake/faults`, `/_fake/incidents`), for test suites in other languages: see the README.
 *
 * @since 0.1.0
 * @category models
 */
export interface Server {
  /** `http://127.0.0.1:PORT` (`https://` with `tls`): the ingest and the REST base URL alike. */
  readonly url: string
  readonly port: number
  /**
   * With `tls`, the certificate served (PEM), for a client's `ca`; none over plain HTTP.
   *
   * @since 0.2.0
   */
  readonly certificate: string | undefined
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
   * Raises an incident on a detector created through the REST API, as the detector's program
   * would: it is active, with one `ANOMALOUS` event, until cleared with
   * `PUT /v2/incident/{id}/clear`. Answers the incident's id; throws a `TypeError` for an
   * unknown detector.
   *
   * @example
   * ```ts
   * import { FetchHttpClient } from "@effect/platform"
   * import { Effect, Redacted } from "effect"
   * import { Rest } from "effect-signalfx"
   * import { FakeSignalFx } from "effect-signalfx/testing"
   *
   * const program = Effect.gen(function*() {
   *   const server = yield* FakeSignalFx.make()
   *   const rest = yield* Rest.make({ token: Redacted.make("test"), apiEndpoint: server.url })
   *   const detector = yield* rest.detectors.create({
   *     name: "cpu",
   *     programText: "detect(when(data('cpu.utilization') > 90)).publish('cpu high')",
   *     rules: [{ detectLabel: "cpu high", severity: "Critical" }]
   *   })
   *   const incidentId = server.raiseIncident({ detectorId: detector.id })
   *   yield* rest.incidents.clear(incidentId) // the code under test would do this
   *   const [cleared] = yield* rest.incidents.list({ includeResolved: true })
   *   console.log(cleared?.anomalyState) // "MANUALLY_RESOLVED"
   * }).pipe(Effect.scoped, Effect.provide(FetchHttpClient.layer))
   * ```
   *
   * @since 0.2.0
   */
  raiseIncident(incident: IncidentToRaise): string
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
  /**
   * Forgets the records, the metadata, the REST objects, sessions and incidents, the fault
   * scripts and the datapoints SignalFlow reads.
   */
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
