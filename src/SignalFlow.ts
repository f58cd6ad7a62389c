/**
 * The SignalFlow service: run SignalFlow programs, SignalFx's streaming analytics, and read their
 * output as an Effect `Stream` of typed messages.
 *
 * One WebSocket (`wss://stream.{realm}.signalfx.com/v2/signalflow/connect`) is opened on first use
 * and shared by every computation, each on its own channel. It is authenticated under a timeout,
 * re-opened with backoff when it drops, and each running computation then resumes from the last
 * logical timestamp it delivered: no timestamp is delivered twice and none is skipped. Each
 * computation buffers at most `bufferSize` messages; when its consumer falls behind, the
 * computation is detached and resumed once the buffer has drained (see {@link Options}).
 *
 * The stream ends at the end of the computation's channel; it fails with a
 * `ComputationFailedError` (the service's errors), a `ComputationAbortedError`, a
 * `SignalFlowAuthenticationError` or, once the reconnect schedule gives up, a
 * `SignalFlowConnectionError`. Closing the stream's scope (taking a few elements, interrupting)
 * detaches the channel; closing the service's scope closes the socket.
 *
 * @example
 * ```ts
 * import { Effect, Redacted, Stream } from "effect"
 * import { SignalFlow } from "effect-signalfx"
 *
 * const program = Effect.gen(function*() {
 *   const signalflow = yield* SignalFlow.SignalFlow
 *   yield* signalflow.execute("data('cpu.utilization').mean(by=['host']).publish()", {
 *     start: Date.now() - 15 * 60_000,
 *     stop: Date.now(),
 *     resolution: 60_000
 *   }).pipe(
 *     SignalFlow.byTimestamp,
 *     Stream.runForEach((snapshot) =>
 *       Effect.log(snapshot.logicalTimestampMs, snapshot.values.map((v) => [v.metadata?.host, v.value]))
 *     )
 *   )
 * })
 *
 * program.pipe(
 *   Effect.provide(SignalFlow.layer({ token: Redacted.make("API_TOKEN"), realm: "us1" })),
 *   Effect.runPromise
 * )
 * ```
 *
 * @since 0.2.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import { STREAM_URL } from "./core/signalflow/options.js"
import type * as requests from "./core/signalflow/requests.js"
import type * as core from "./core/signalflow/snapshots.js"
import { accessToken, firstSet, realm } from "./internal/config.js"
import * as messages from "./internal/signalflow/messages.js"
import * as internal from "./internal/signalflow/service.js"
import * as snapshots from "./internal/signalflow/snapshots.js"
import type {
  ComputationFailedError,
  ConfigurationError,
  SignalFlowAuthenticationError,
  SignalFlowConnectionError,
  SignalFlowError
} from "./SignalFxError.js"

export {
  /**
   * @since 0.2.0
   * @category errors
   */
  ComputationAbortedError,
  /**
   * @since 0.2.0
   * @category errors
   */
  ComputationFailedError,
  /**
   * @since 0.2.0
   * @category models
   */
  ServiceError,
  /**
   * @since 0.2.0
   * @category errors
   */
  SignalFlowAuthenticationError,
  /**
   * @since 0.2.0
   * @category errors
   */
  SignalFlowConnectionError,
  /**
   * @since 0.2.0
   * @category errors
   */
  type SignalFlowError
} from "./SignalFxError.js"

/**
 * Every message a computation's stream carries, decoded with Schema from what the service sends,
 * with the service's field names. Switch on `type` (and on `event` for control messages).
 *
 * @since 0.2.0
 * @category schemas
 */
export const Message: Schema.Schema<Message, Schema.Schema.Encoded<typeof messages.Message>> = messages.Message

/**
 * `STREAM_START`, `JOB_START` (with the computation's `handle`), `JOB_PROGRESS`, an information
 * `message`, `metadata` of a time series, a `data` batch, an `event`, an `expired-tsid`.
 *
 * @since 0.2.0
 * @category models
 */
export type Message = Schema.Schema.Type<typeof messages.Message>

/**
 * @since 0.2.0
 * @category schemas
 */
export const DataMessage = messages.DataMessage

/**
 * A batch of values for one logical timestamp; a timestamp's values may come in several batches.
 *
 * @since 0.2.0
 * @category models
 */
export interface DataMessage extends Schema.Schema.Type<typeof messages.DataMessage> {}

/**
 * @since 0.2.0
 * @category schemas
 */
export const MetadataMessage = messages.MetadataMessage

/**
 * The properties of an output time series, sent before its first value.
 *
 * @since 0.2.0
 * @category models
 */
export interface MetadataMessage extends Schema.Schema.Type<typeof messages.MetadataMessage> {}

/**
 * @since 0.2.0
 * @category schemas
 */
export const InfoMessage = messages.InfoMessage

/**
 * Information about the computation: resolution, input time series counts, limited result sets.
 *
 * @since 0.2.0
 * @category models
 */
export interface InfoMessage extends Schema.Schema.Type<typeof messages.InfoMessage> {}

/**
 * @since 0.2.0
 * @category schemas
 */
export const EventMessage = messages.EventMessage

/**
 * An event or alert from the computation.
 *
 * @since 0.2.0
 * @category models
 */
export interface EventMessage extends Schema.Schema.Type<typeof messages.EventMessage> {}

export type { Properties } from "./core/signalflow/messages.js"
export type { SnapshotValue } from "./core/signalflow/snapshots.js"

/**
 * Every time series' value at one logical timestamp.
 *
 * @since 0.2.0
 * @category models
 */
export interface Snapshot extends core.Snapshot {}

/**
 * Gathers a computation's stream into one {@link Snapshot} per logical timestamp: each time
 * series' value with its metadata, what one otherwise assembles from `metadata` and `data`
 * messages. A timestamp is given out when its batches are complete: as soon as it has as many
 * batches as the previous timestamp had (so a live stream is not held back), when a later
 * timestamp begins, or at the end. Other messages are left out.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { SignalFlow } from "effect-signalfx"
 *
 * const latest = Effect.gen(function*() {
 *   const signalflow = yield* SignalFlow.SignalFlow
 *   return yield* signalflow.execute("data('requests').sum().publish()", { start: Date.now() - 60_000, stop: Date.now() })
 *     .pipe(SignalFlow.byTimestamp, Stream.runLast)
 * })
 * ```
 *
 * @since 0.2.0
 * @category combinators
 */
export const byTimestamp: <E, R>(self: Stream.Stream<Message, E, R>) => Stream.Stream<Snapshot, E, R> =
  snapshots.byTimestamp

/**
 * The parameters of `execute` and `preflight`, as the protocol names them. Times are
 * milliseconds since the epoch (or `Date`s). Durations are milliseconds.
 *
 * @since 0.2.0
 * @category models
 */
export interface ExecuteOptions extends requests.ExecuteOptions {}

/**
 * The parameters of `attach`.
 *
 * @since 0.2.0
 * @category models
 */
export interface AttachOptions extends requests.AttachOptions {}

/**
 * The parameters of `start` (a computation without a stream, to `attach` to later).
 *
 * @since 0.2.0
 * @category models
 */
export interface StartOptions extends requests.StartOptions {}

/**
 * The parameters of `stop`.
 *
 * @since 0.2.0
 * @category models
 */
export interface StopOptions extends requests.StopOptions {}

/**
 * The operations. Each stream is one computation on its own channel; nothing is sent before the
 * stream runs.
 *
 * @since 0.2.0
 * @category models
 */
export interface Service {
  /** Runs a program and streams its output; resumes across reconnections. */
  readonly execute: (program: string, options?: ExecuteOptions) => Stream.Stream<Message, SignalFlowError>
  /** Runs a program as a detector's preflight (its events over a past range) and streams them. */
  readonly preflight: (program: string, options?: ExecuteOptions) => Stream.Stream<Message, SignalFlowError>
  /**
   * Streams the output of a computation already running (by its handle). After a reconnection it
   * attaches again, from the data then current: an attachment cannot resume where it was. An
   * empty, `.` or `..` handle fails with a `SignalFlowConnectionError` (`InvalidRequest`) and
   * sends nothing, as in `stop` and `keepalive`.
   */
  readonly attach: (handle: string, options?: AttachOptions) => Stream.Stream<Message, SignalFlowError>
  /** Starts a computation without streaming it. */
  readonly start: (
    program: string,
    options?: StartOptions
  ) => Effect.Effect<void, ComputationFailedError | SignalFlowAuthenticationError | SignalFlowConnectionError>
  /**
   * Stops a computation by its handle; its streams end with a `ComputationAbortedError`. An empty,
   * `.` or `..` handle fails with a `SignalFlowConnectionError` (`InvalidRequest`) and sends nothing.
   */
  readonly stop: (
    handle: string,
    options?: StopOptions
  ) => Effect.Effect<void, SignalFlowAuthenticationError | SignalFlowConnectionError>
  /**
   * Keeps a persistent computation that nothing is attached to from expiring. An empty, `.` or
   * `..` handle fails with a `SignalFlowConnectionError` (`InvalidRequest`) and sends nothing.
   */
  readonly keepalive: (handle: string) => Effect.Effect<void, SignalFlowAuthenticationError | SignalFlowConnectionError>
}

/**
 * Options of the SignalFlow service. Durations accept anything `Duration.decode` does; a number is
 * milliseconds.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** An org access token with the API scope, or a user session token (an ingest token is refused). */
  readonly token: Redacted.Redacted<string>
  /** The realm, e.g. `us1` or `eu0`; defaults to `us0`. Ignored when `streamEndpoint` is set. */
  readonly realm?: string | undefined
  /**
   * An explicit base URL, `wss://` or `https://` (both mean the same host); `ws://` and `http://`
   * only to loopback unless `allowInsecureHttp`. `/v2/signalflow/…` goes below its path.
   */
  readonly streamEndpoint?: string | undefined
  /** Allow a plain `ws://` / `http://` endpoint on a host other than loopback. */
  readonly allowInsecureHttp?: boolean | undefined
  /** Time allowed to open the socket and be `authenticated`; default 10 seconds. */
  readonly authenticationTimeout?: Duration.DurationInput | undefined
  /**
   * When a connection attempt fails (refused, reset, timed out), the next is made on this
   * schedule; when it ends, the connection is lost for good and the streams fail with a
   * `SignalFlowConnectionError`. The default: jittered exponential backoff from 500 ms, at most
   * 30 s apart, for up to 5 minutes. A refused token is never retried.
   */
  readonly reconnect?: Schedule.Schedule<unknown, unknown> | undefined
  /**
   * Messages buffered per computation, at most; default 1000 (the stream hands them over in
   * chunks, so its consumer may hold as many more), and at most a million values of data
   * whatever the batches' size. When the consumer lets the buffer fill up, the computation is
   * detached, and resumed from its last timestamp once half the buffer is drained: memory stays
   * bounded and nothing is lost or repeated; a consumer that is slower than the computation for
   * good receives the data later. (A resume remembers at most 100,000 values of the last
   * timestamp and 100,000 announced time series: past those, far beyond a real computation, it
   * may repeat a value or a metadata message, never skip one.)
   */
  readonly bufferSize?: number | undefined
  /** Ask the service to gzip binary messages; default true. */
  readonly compress?: boolean | undefined
  /** A ping this often; a socket that leaves one unanswered until the next is re-opened. Default 30 s, 0 for none. */
  readonly heartbeatInterval?: Duration.DurationInput | undefined
  /** The socket is closed after this long without a computation; default 1 minute. */
  readonly idleTimeout?: Duration.DurationInput | undefined
  /** Appended to the `effect-signalfx/<version>` User-Agent. */
  readonly userAgent?: string | undefined
  /**
   * The proxy of the WebSocket, as `ProxyHttpClient.Options`' `proxy`: `http://host:port`,
   * `https://host:port` or `http://user:password@host:port`; the socket goes through a CONNECT
   * tunnel, so the proxy never sees the token. Overrides `HTTPS_PROXY` / `HTTP_PROXY`, which
   * {@link layerConfig} honours; `""` goes without a proxy. Its credentials are never shown. The
   * server-sent events transport goes through its `HttpClient` instead (`ProxyHttpClient`).
   */
  readonly proxy?: string | Redacted.Redacted<string> | undefined
  /** The hosts reached directly, in `NO_PROXY`'s syntax. Overrides `NO_PROXY`. */
  readonly noProxy?: string | undefined
  /**
   * Certificate authorities to trust beside Node's own (and `NODE_EXTRA_CA_CERTS`): PEM text,
   * each string holding one or more certificates. Certificates are always verified.
   */
  readonly ca?: string | ReadonlyArray<string> | undefined
}

/**
 * The SignalFlow service tag.
 *
 * @since 0.2.0
 * @category tags
 */
export class SignalFlow extends Context.Tag("effect-signalfx/SignalFlow")<SignalFlow, Service>() {}

/**
 * Builds the service over WebSocket. The socket is opened on the first computation and closed
 * with the scope.
 *
 * @example
 * ```ts
 * import { Effect, Redacted, Stream } from "effect"
 * import { SignalFlow } from "effect-signalfx"
 *
 * const handles = Effect.scoped(Effect.gen(function*() {
 *   const signalflow = yield* SignalFlow.make({ token: Redacted.make("API_TOKEN"), realm: "eu0" })
 *   return yield* signalflow.execute("data('cpu.utilization').publish()").pipe(
 *     Stream.filter((message) => message.type === "control-message" && message.event === "JOB_START"),
 *     Stream.take(1),
 *     Stream.runCollect
 *   )
 * }))
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: (options: Options) => Effect.Effect<Service, ConfigurationError, Scope.Scope> = internal.make

/**
 * Builds the service over server-sent events (`POST /v2/signalflow/execute`, one HTTP request per
 * computation), for networks that block WebSockets. Needs an `HttpClient`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeSse: (options: Options) => Effect.Effect<Service, ConfigurationError, HttpClient.HttpClient> =
  internal.makeSse

/**
 * The service over WebSocket, as a layer.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { SignalFlow } from "effect-signalfx"
 *
 * const SignalFlowLive = SignalFlow.layer({ token: Redacted.make("API_TOKEN"), realm: "us1", bufferSize: 5000 })
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<SignalFlow, ConfigurationError> =>
  Layer.scoped(SignalFlow, make(options))

/**
 * The service over server-sent events, as a layer. It needs an `HttpClient`: provide
 * `FetchHttpClient.layer` from `@effect/platform`, or any other client layer.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer, Redacted } from "effect"
 * import { SignalFlow } from "effect-signalfx"
 *
 * const SignalFlowLive = SignalFlow.layerSse({ token: Redacted.make("API_TOKEN"), realm: "us1" }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerSse = (options: Options): Layer.Layer<SignalFlow, ConfigurationError, HttpClient.HttpClient> =>
  Layer.effect(SignalFlow, makeSse(options))

/**
 * The token, realm and endpoint as the Splunk / SignalFx ecosystem names them:
 * `SPLUNK_ACCESS_TOKEN` (or `SIGNALFX_ACCESS_TOKEN`), `SPLUNK_REALM` (or `SIGNALFX_REALM`),
 * `SPLUNK_STREAM_URL` (or `SIGNALFX_STREAM_URL`).
 *
 * @since 0.2.0
 * @category config
 */
export const config: Config.Config<Pick<Options, "token" | "realm" | "streamEndpoint">> = Config.all({
  token: accessToken,
  realm,
  streamEndpoint: Config.option(firstSet(STREAM_URL, Config.string))
}).pipe(Config.map(({ realm, streamEndpoint, token }) => ({
  token,
  realm: Option.getOrUndefined(realm),
  streamEndpoint: Option.getOrUndefined(streamEndpoint)
})))

/**
 * The WebSocket service as a layer whose token, realm and endpoint come from {@link config}
 * (environment variables by default, or any `ConfigProvider`), which honours the proxy variables
 * as `ProxyHttpClient.layerConfig` does: `HTTPS_PROXY` / `HTTP_PROXY` and `NO_PROXY` (either
 * case). Other options are given directly, and win over the environment.
 *
 * @example
 * ```ts
 * import { SignalFlow } from "effect-signalfx"
 *
 * // SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 node app.js
 * const SignalFlowLive = SignalFlow.layerConfig({ authenticationTimeout: "5 seconds" })
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (
  options: Omit<Options, "token" | "realm" | "streamEndpoint"> = {}
): Layer.Layer<SignalFlow, ConfigurationError | ConfigError.ConfigError> =>
  Layer.scoped(
    SignalFlow,
    Effect.flatMap(config, (fromConfig) => internal.makeWithEnvironment({ ...options, ...fromConfig }))
  )
