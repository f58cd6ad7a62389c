/**
 * Turns the user's `SignalFlow.Options` into checked, resolved settings, failing with a
 * `ConfigurationError` that names the option.
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type * as SignalFlow from "../../SignalFlow.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import { duration, endpoint, invalid, positiveInteger, resolving, token, userAgent } from "../http/options.js"
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
 * The reconnect schedule by default: jittered exponential backoff from half a second, at most 30
 * seconds apart, for up to 5 minutes; then the connection is lost for good.
 * @internal
 */
export const defaultReconnect: Schedule.Schedule<unknown, unknown> = Schedule.exponential(Duration.millis(500), 2).pipe(
  Schedule.modifyDelay((_, delay) => Duration.min(delay, Duration.seconds(30))),
  Schedule.jittered,
  Schedule.upTo(Duration.minutes(5))
)

/** @internal */
export const defaults = {
  authenticationTimeout: Duration.seconds(10),
  bufferSize: 1000,
  heartbeatInterval: Duration.seconds(30),
  idleTimeout: Duration.minutes(1)
} as const

/** The path of a base URL with `suffix` appended, whatever the base's trailing slash. */
const withPath = (base: URL, suffix: string): URL => {
  const url = new URL(base.href)
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${suffix}`
  url.search = ""
  url.hash = ""
  return url
}

/** @internal */
export const signalflowUrl = (base: URL, suffix: string): URL => withPath(base, `/v2/signalflow${suffix}`)

/**
 * The options checked; `environment` holds the proxy variables when they are honoured (the
 * options win over them).
 * @internal
 */
export const resolve = (
  options: SignalFlow.Options,
  environment: Omit<proxy.Settings, "ca"> = proxy.noEnvironment
): Either.Either<ResolvedOptions, ConfigurationError> =>
  Either.flatMap(proxy.fromOptions(options, environment), (network) => resolveOthers(options, network))

const resolveOthers = (
  options: SignalFlow.Options,
  network: proxy.ResolvedOptions
): Either.Either<ResolvedOptions, ConfigurationError> =>
  resolving(() => {
    token(Redacted.value(options.token))
    // ws(s):// is the WebSocket spelling of http(s)://; both are accepted and checked alike.
    const given = options.streamEndpoint?.replace(/^ws(s?):\/\//i, "http$1://")
    const httpBase = endpoint({
      option: "streamEndpoint",
      url: given,
      realm: options.realm,
      allowInsecureHttp: options.allowInsecureHttp,
      host: (realm) => `stream.${realm}.signalfx.com`
    })
    const connect = signalflowUrl(httpBase, "/connect")
    connect.protocol = httpBase.protocol === "https:" ? "wss:" : "ws:"
    const heartbeatInterval = duration("heartbeatInterval", options.heartbeatInterval, defaults.heartbeatInterval)
    if (options.reconnect !== undefined && !Schedule.isSchedule(options.reconnect)) {
      invalid("reconnect", "must be a Schedule")
    }
    return {
      token: options.token,
      httpBase,
      connectUrl: connect.href,
      authenticationTimeout: duration(
        "authenticationTimeout",
        options.authenticationTimeout,
        defaults.authenticationTimeout,
        { positive: true }
      ),
      reconnect: options.reconnect ?? defaultReconnect,
      bufferSize: positiveInteger("bufferSize", options.bufferSize, defaults.bufferSize),
      compress: options.compress ?? true,
      heartbeatInterval,
      idleTimeout: duration("idleTimeout", options.idleTimeout, defaults.idleTimeout),
      userAgent: userAgent(options.userAgent),
      network
    }
  })
