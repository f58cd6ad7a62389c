/**
 * The SignalFlow service's defaults, URLs and environment variables, which each package's
 * option resolution uses.
 */
import type { Variables } from "../environment.js"

/**
 * The defaults of the options, durations in milliseconds.
 * @internal
 */
export const defaults = {
  authenticationTimeoutMs: 10_000,
  bufferSize: 1000,
  heartbeatIntervalMs: 30_000,
  idleTimeoutMs: 60_000,
  compress: true
} as const

/**
 * The reconnect schedule by default: jittered exponential backoff from half a second (doubling),
 * at most 30 seconds apart, for up to 5 minutes; then the connection is lost for good.
 * @internal
 */
export const defaultReconnect = {
  baseMs: 500,
  factor: 2,
  maxDelayMs: 30_000,
  giveUpAfterMs: 5 * 60_000
} as const

/**
 * The host of a realm's SignalFlow endpoint.
 * @internal
 */
export const streamHost = (realm: string): string => `stream.${realm}.signalfx.com`

/**
 * The endpoint as given, `ws(s)://` spelled `http(s)://`: both are accepted and checked alike.
 * @internal
 */
export const asHttp = (endpoint: string | undefined): string | undefined =>
  endpoint?.replace(/^ws(s?):\/\//i, "http$1://")

/**
 * `base` with `/v2/signalflow{suffix}` appended to its path, whatever its trailing slash.
 * @internal
 */
export const signalflowUrl = (base: URL, suffix: string): URL => {
  const url = new URL(base.href)
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/v2/signalflow${suffix}`
  url.search = ""
  url.hash = ""
  return url
}

/**
 * The WebSocket's URL, `ws(s)://…/v2/signalflow/connect`, for an http(s) base.
 * @internal
 */
export const connectUrl = (httpBase: URL): string => {
  const connect = signalflowUrl(httpBase, "/connect")
  connect.protocol = httpBase.protocol === "https:" ? "wss:" : "ws:"
  return connect.href
}

/**
 * The SignalFlow endpoint's environment variables.
 * @internal
 */
export const STREAM_URL: Variables = ["SPLUNK_STREAM_URL", "SIGNALFX_STREAM_URL"]
