/**
 * The WebSocket transport's Effect-free part: one socket (`ws`) opened and authenticated with the
 * protocol's `authenticate` message, kept alive by pings, its messages routed to the channels open
 * on it, closed when idle. Each package keeps which socket is current and how a computation waits
 * for one.
 *
 * The socket's handlers run synchronously in ws's callbacks: a message is routed to its channel's
 * sink at once. When the socket drops, every channel on it ends as `Dropped`.
 */
import type { Agent } from "node:http"
import { createRequire } from "node:module"
import type WebSocket from "ws"
import { peerText } from "../peerText.js"
import { decodeFrame, HEADER_LENGTH, MAX_BODY_BYTES } from "./binary.js"
import type { AttemptEnd, Incoming } from "./computation.js"
import { dropped } from "./computation.js"
import { scrubServiceMessage } from "./errors.js"

/**
 * The longest WebSocket message taken: a binary frame's header and the largest body it may have
 * (`MAX_BODY_BYTES`), with room for gzip's overhead on a body that does not compress. ws's own
 * default is 100 MiB.
 * @internal
 */
export const MAX_MESSAGE_BYTES = HEADER_LENGTH + MAX_BODY_BYTES + 64 * 1024

/**
 * How long a close handshake may wait for the peer's answer before the socket is dropped (ws's
 * own default, 30 s, would hold a script that ended for that long against a server that never
 * answers it).
 * @internal
 */
export const CLOSE_TIMEOUT_MS = 2000

/** Close codes by which the service refuses a token (4401 and 4403 mirror HTTP, 1008 is "policy"). */
const refusalCodes = new Set([1008, 4401, 4403])

/**
 * Why a socket could not be opened and authenticated, as each package's
 * `SignalFlowAuthenticationError` or `SignalFlowConnectionError` says it.
 * @internal
 */
export type ConnectFailure =
  | { readonly _tag: "Authentication"; readonly description: string }
  | {
    readonly _tag: "Connection"
    readonly reason: "Transport" | "StatusCode" | "Closed"
    readonly status?: number | undefined
    readonly description: string
  }

/** @internal */
export type LogLevel = "Debug" | "Info" | "Warning"

/** How a socket is opened. @internal */
export interface SocketSettings {
  /** `ws(s)://…/v2/signalflow/connect`. */
  readonly url: string
  readonly token: string
  readonly userAgent: string
  readonly handshakeTimeoutMs: number
  /** A ping this often; 0 for none. */
  readonly heartbeatIntervalMs: number
  readonly idleTimeoutMs: number
  /** Whether the socket holds the process open. */
  readonly holdsProcess: boolean
  /** The certificate authorities, when the user gave some. */
  readonly trust: { readonly ca: Array<string> } | undefined
  /** The tunnel through a proxy, and how its refusals and failures are said. */
  readonly proxy: {
    readonly agent: Agent & { once(event: "proxyConnect", listener: (response: { statusCode: number }) => void): void }
    readonly refused: (status: number) => string
    readonly explain: (error: Error) => string
  } | undefined
  /** Removes the token from a text a peer sent. */
  readonly scrub: (text: string) => string
  readonly log: (level: LogLevel, text: string) => void
}

/** A channel open on a socket: its sink, and whom to tell how it ended. @internal */
export interface Channel<E> {
  readonly sink: (incoming: Incoming) => AttemptEnd<E> | undefined
  readonly done: (end: AttemptEnd<E>) => void
}

interface Route<E> extends Channel<E> {
  end: AttemptEnd<E> | undefined
}

/** A channel opened on a socket. @internal */
export interface Attachment {
  readonly sent: boolean
  readonly release: () => void
}

/**
 * One socket and the channels open on it, from its opening: `open` says whether it is
 * authenticated and not lost. `onLost` is told once when an authenticated socket is lost (closed,
 * dropped, idle).
 * @internal
 */
export class Socket<E> {
  open = false
  private readonly routes = new Map<string, Route<E>>()
  private idleTimer: ReturnType<typeof setTimeout> | undefined = undefined
  /** Whether a skipped message was warned of already. */
  private skippedWarned = false
  private heartbeat: ReturnType<typeof setInterval> | undefined = undefined
  private answered = true
  private settled = false
  private readonly socket: WebSocket

  /**
   * Opens the socket; `settle` is told once whether it was authenticated. `cancel` ends an
   * attempt that has not settled.
   */
  constructor(
    private readonly settings: SocketSettings,
    private readonly settle: (failure: ConnectFailure | undefined) => void,
    private readonly onLost: (socket: Socket<E>) => void
  ) {
    // The status the proxy answered the CONNECT with: a refusal is replayed to ws as the
    // upgrade's answer, and must not be taken for the service's.
    let proxyStatus: number | undefined
    const proxy = settings.proxy
    proxy?.agent.once("proxyConnect", (response) => {
      proxyStatus = response.statusCode
    })
    // ws takes `closeTimeout` (8.23, our lowest); @types/ws 8.18 does not list it yet.
    const closeTimeout: { readonly closeTimeout: number } = { closeTimeout: CLOSE_TIMEOUT_MS }
    const socket = new (loadWs())(settings.url, {
      handshakeTimeout: settings.handshakeTimeoutMs,
      headers: { "User-Agent": settings.userAgent },
      perMessageDeflate: false,
      ...closeTimeout,
      // A message is never buffered past what one frame may hold: a longer one closes the
      // socket (1009), and the computations resume on a new one.
      maxPayload: MAX_MESSAGE_BYTES,
      ...settings.trust,
      ...(proxy === undefined ? {} : { agent: proxy.agent })
    })
    this.socket = socket
    if (!settings.holdsProcess) socket.once("upgrade", (response) => response.socket.unref())
    socket.on("open", () => {
      socket.send(JSON.stringify({ type: "authenticate", token: settings.token, userAgent: settings.userAgent }))
    })
    socket.on("message", (data, isBinary) => {
      this.answered = true
      if (this.open) return this.route(data, isBinary)
      const message = isBinary ? jsonOfFrame(toBytes(data)) : parseText(toBytes(data))
      if (typeof message !== "object" || message === null || !("type" in message)) return
      if (message.type === "authenticated") {
        this.open = true
        this.startHeartbeat()
        this.settleOnce(undefined)
      } else if (message.type === "error") {
        // Scrubbed before peerText cuts it: a token straddling the cut would leave its prefix.
        this.settleOnce({ _tag: "Authentication", description: peerText(settings.scrub(describe(message))) })
      }
    })
    socket.on("pong", () => {
      this.answered = true
    })
    socket.on("unexpected-response", (request, response) => {
      const status = response.statusCode ?? 0
      response.resume()
      request.destroy()
      this.settleOnce(
        proxy !== undefined && proxyStatus !== undefined && proxyStatus !== 200
          ? { _tag: "Connection", reason: "StatusCode", status: proxyStatus, description: proxy.refused(proxyStatus) }
          : status === 401 || status === 403
          ? { _tag: "Authentication", description: `HTTP ${status}` }
          : {
            _tag: "Connection",
            reason: "StatusCode",
            status,
            description: `the WebSocket upgrade was answered HTTP ${status}`
          }
      )
    })
    socket.on("error", (error) => {
      this.settleOnce({
        _tag: "Connection",
        reason: "Transport",
        description: proxy === undefined ? peerText(settings.scrub(error.message)) : proxy.explain(error)
      })
    })
    socket.on("close", (code, reason) => {
      if (this.heartbeat !== undefined) clearInterval(this.heartbeat)
      const why = `close code ${code}${
        reason.length > 0 ? ` ${peerText(settings.scrub(reason.toString("utf8")))}` : ""
      }`
      if (this.open) return this.lost(why)
      this.settleOnce(
        refusalCodes.has(code)
          ? { _tag: "Authentication", description: why }
          : { _tag: "Connection", reason: "Closed", description: `closed before authentication (${why})` }
      )
    })
  }

  /** Ends an attempt to open that has not settled. */
  cancel(): void {
    if (this.settled) return
    this.settled = true
    this.socket.terminate()
  }

  /** Closes the socket, its channels ending as dropped. */
  close(why: string): void {
    this.lost(why)
    this.socket.close(1000)
  }

  /**
   * Opens `channel` and sends its request (`sent` is `false` when the socket is no longer open).
   * `release` ends the channel, as dropped unless it ended already; the service is then told to
   * stop sending, unless the channel ended or the socket dropped (then it forgot the channel).
   */
  attach(channel: string, target: Channel<E>, request: object): Attachment {
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer)
      this.idleTimer = undefined
    }
    const route: Route<E> = { ...target, end: undefined }
    this.routes.set(channel, route)
    return {
      sent: this.send({ ...request, channel }),
      release: () => {
        const end = route.end
        if (end === undefined) this.finish(channel, route, dropped)
        if (end === undefined || end._tag === "Failed" || end._tag === "Overflow") {
          this.send({ type: "detach", channel })
        }
      }
    }
  }

  /** Sends a message; `false` when the socket is no longer open. */
  send(message: object): boolean {
    if (!this.open) return false
    if (this.socket.readyState !== this.socket.OPEN) {
      this.lost("the socket is closing")
      return false
    }
    this.socket.send(JSON.stringify(message))
    return true
  }

  private settleOnce(failure: ConnectFailure | undefined): void {
    if (this.settled) return
    this.settled = true
    if (failure !== undefined) this.socket.terminate()
    this.settle(failure)
  }

  private startHeartbeat(): void {
    const interval = this.settings.heartbeatIntervalMs
    if (interval <= 0) return
    // A half-open connection never closes by itself: a ping unanswered for a whole interval
    // ends it, and the computations resume on a new one.
    this.heartbeat = setInterval(() => {
      if (!this.answered) return this.socket.terminate()
      this.answered = false
      this.socket.ping()
    }, interval)
    this.heartbeat.unref()
  }

  private finish(channel: string, route: Route<E>, end: AttemptEnd<E>): void {
    if (route.end !== undefined) return
    route.end = end
    this.routes.delete(channel)
    route.done(end)
    this.scheduleIdleClose()
  }

  private scheduleIdleClose(): void {
    if (!this.open || this.routes.size > 0 || this.idleTimer !== undefined) return
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined
      if (this.open && this.routes.size === 0) {
        // Forgotten at once: a computation that starts while the close handshake runs opens a
        // new socket rather than try this one.
        this.lost("idle")
        this.socket.close(1000, "idle")
      }
    }, this.settings.idleTimeoutMs)
    this.idleTimer.unref()
  }

  private lost(why: string): void {
    if (!this.open) return
    this.open = false
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer)
    this.onLost(this)
    const routes = [...this.routes]
    if (routes.length > 0) {
      this.settings.log("Info", `SignalFlow connection lost (${why}); ${routes.length} computations resume`)
    }
    for (const [channel, route] of routes) this.finish(channel, route, dropped)
  }

  /**
   * Warns of a message skipped, once per connection: a peer sending thousands of them must not
   * fill the log. The others are logged at debug level.
   */
  private skipped(what: string): void {
    if (this.skippedWarned) {
      this.settings.log("Debug", what)
    } else {
      this.skippedWarned = true
      this.settings.log("Warning", `${what} (any more on this connection are logged at debug level)`)
    }
  }

  private route(data: WebSocket.RawData, isBinary: boolean): void {
    const scrub = this.settings.scrub
    if (isBinary) {
      const frame = decodeFrame(toBytes(data))
      if (frame._tag === "Invalid") {
        this.skipped(
          `skipped a binary SignalFlow frame of channel ${peerText(frame.channel)}: ${peerText(frame.problem)}`
        )
        return
      }
      this.deliver(
        frame.channel,
        frame._tag === "Data" ? frame : { _tag: "Json", value: scrubServiceMessage(frame.value, scrub) }
      )
      return
    }
    let value: unknown
    try {
      value = JSON.parse(toBytes(data).toString("utf8"))
    } catch {
      this.skipped("skipped a SignalFlow text message that is not JSON")
      return
    }
    if (typeof value !== "object" || value === null) return
    const channel = "channel" in value ? value.channel : undefined
    // KEEP_ALIVE and other messages without a channel concern the connection, not a computation.
    if (typeof channel !== "string") return
    this.deliver(channel, { _tag: "Json", value: scrubServiceMessage(value, scrub) })
  }

  private deliver(channel: string, incoming: Incoming): void {
    const target = this.routes.get(channel)
    if (target === undefined) return
    const end = target.sink(incoming)
    if (end !== undefined) this.finish(channel, target, end)
  }
}

/** The JSON value of a text message, or undefined. */
const parseText = (bytes: Buffer): unknown => {
  try {
    return JSON.parse(bytes.toString("utf8"))
  } catch {
    return undefined
  }
}

/** The JSON value of a binary frame with a JSON body (the answer to `authenticate` may be one). */
const jsonOfFrame = (bytes: Buffer): unknown => {
  const frame = decodeFrame(bytes)
  return frame._tag === "Json" ? frame.value : undefined
}

/**
 * `ws`, loaded when the first socket opens: a program that never runs a computation (most users
 * of the Promise facade) does not pay for loading it.
 */
const loadWs = (): typeof WebSocket => createRequire(import.meta.url)("ws")

const toBytes = (data: WebSocket.RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)

/** The service's refusal in words, unscrubbed and uncut: the caller does both. */
const describe = (message: object): string => {
  const text = "message" in message && typeof message.message === "string" ? message.message : undefined
  const error = "error" in message ? message.error : undefined
  // Only a code that is a number or a text: `String` of a deeply nested array overflows the stack.
  const code = typeof error === "number" || typeof error === "string" ? String(error) : undefined
  return [code, text].filter((part) => part !== undefined).join(" ") || "an error before authentication"
}
