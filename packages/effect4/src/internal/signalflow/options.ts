/**
 * Turns the user's `SignalFlow.Options` into checked, resolved settings, failing with a
 * `ConfigurationError` that names the option.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as core from "../../core/signalflow/options.js"
import type * as SignalFlow from "../../SignalFlow.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import { duration, endpoint, invalid, positiveInteger, redactedToken, resolving, userAgent } from "../http/options.js"
import * as proxy from "../proxy/options.js"

/** @internal */
export interface ResolvedOptions {
  readonly token: Redacted.Redacted<string>
  /** The http(s) base, for the SSE transport and for messages. */
  readonly httpBase: URL
  /** `ws(s)://…/v2/signalflow/connect`. */
  readonly connectUrl: string
  readonly authenticationTimeout: Duration.Duration
  readonly reconnect: Schedule.Schedule<unknown, unknown>
  readonly bufferSize: number
  readonly compress: boolean
  readonly heartbeatInterval: Duration.Duration
  readonly idleTimeout: Duration.Duration
  readonly userAgent: string
  /** The proxies, `NO_PROXY` and certificate authorities of the WebSocket. */
  readonly network: proxy.ResolvedOptions
}

/**
 * The reconnect schedule by default (see the core's `defaultReconnect`): jittered exponential
 * backoff, capped, for a while; then the connection is lost for good.
 * @internal
 */
export const defaultReconnect: Schedule.Schedule<unknown, unknown> = Schedule.exponential(
  Duration.millis(core.defaultReconnect.baseMs),
  core.defaultReconnect.factor
).pipe(
  Schedule.modifyDelay(({ duration }) =>
    Effect.succeed(Duration.min(duration, Duration.millis(core.defaultReconnect.maxDelayMs)))
  ),
  Schedule.jittered,
  Schedule.upTo({ duration: Duration.millis(core.defaultReconnect.giveUpAfterMs) })
)

/**
 * The options checked; `environment` holds the proxy variables when they are honoured (the
 * options win over them).
 * @internal
 */
export const resolve = (
  options: SignalFlow.Options,
  environment: Omit<proxy.Settings, "ca"> = proxy.noEnvironment
): Result.Result<ResolvedOptions, ConfigurationError> =>
  Result.flatMap(proxy.fromOptions(options, environment), (network) => resolveOthers(options, network))

const resolveOthers = (
  options: SignalFlow.Options,
  network: proxy.ResolvedOptions
): Result.Result<ResolvedOptions, ConfigurationError> =>
  resolving(() => {
    redactedToken(options.token)
    const httpBase = endpoint({
      option: "streamEndpoint",
      url: core.asHttp(options.streamEndpoint),
      realm: options.realm,
      allowInsecureHttp: options.allowInsecureHttp,
      host: core.streamHost
    })
    const heartbeatInterval = duration(
      "heartbeatInterval",
      options.heartbeatInterval,
      Duration.millis(core.defaults.heartbeatIntervalMs)
    )
    if (options.reconnect !== undefined && !Schedule.isSchedule(options.reconnect)) {
      invalid("reconnect", "must be a Schedule")
    }
    return {
      token: options.token,
      httpBase,
      connectUrl: core.connectUrl(httpBase),
      authenticationTimeout: duration(
        "authenticationTimeout",
        options.authenticationTimeout,
        Duration.millis(core.defaults.authenticationTimeoutMs),
        { positive: true }
      ),
      reconnect: options.reconnect ?? defaultReconnect,
      bufferSize: positiveInteger("bufferSize", options.bufferSize, core.defaults.bufferSize),
      compress: options.compress ?? core.defaults.compress,
      heartbeatInterval,
      idleTimeout: duration("idleTimeout", options.idleTimeout, Duration.millis(core.defaults.idleTimeoutMs)),
      userAgent: userAgent(options.userAgent),
      network
    }
  })
