/**
 * The WebSocket transport: one socket per service, opened on first use, authenticated with the
 * protocol's `authenticate` message under a timeout, shared by the computations as channels.
 *
 * The socket's handlers run synchronously in ws's callbacks: a message is routed to its channel's
 * sink at once, without a fiber per message. When the socket drops, every running attempt ends as
 * `Dropped`, and the next `ready` opens a new socket, retried on the reconnect schedule.
 */
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as Redacted from "effect/Redacted"
import * as Runtime from "effect/Runtime"
import type * as Scope from "effect/Scope"
import type * as HttpsProxyAgentModule from "https-proxy-agent"
import type { HttpsProxyAgent } from "https-proxy-agent"
import { createRequire } from "node:module"
import type WebSocket from "ws"
import { peerText } from "../../core/peerText.js"
import { decodeFrame, HEADER_LENGTH, MAX_BODY_BYTES } from "../../core/signalflow/binary.js"
import { SignalFlowAuthenticationError, SignalFlowConnectionError } from "../../SignalFxError.js"
import { scrubberOf } from "../http/transport.js"
import { explain, refused, trustOf } from "../proxy/client.js"
import { scrubServiceMessage } from "./errors.js"
import type { ResolvedOptions } from "./options.js"
import type { AttemptEnd, Request, Sink, Transport } from "./transport.js"
import { dropped } from "./transport.js"

type ConnectError = SignalFlowAuthenticationError | SignalFlowConnectionError

interface Route {
  readonly sink: Sink
  readonly done: Deferred.Deferred<AttemptEnd>
  end: AttemptEnd | undefined
}

/** One authenticated socket and the channels open on it. */
interface Live {
  readonly socket: WebSocket
  readonly routes: Map<string, Route>
  open: boolean
  idleTimer: ReturnType<typeof setTimeout> | undefined
  /** Whether a skipped message was warned of already. */
  skippedWarned: boolean
}

type State =
  | { readonly _tag: "Idle" }
  | { readonly _tag: "Connecting"; readonly ready: Deferred.Deferred<Live, ConnectError> }
  | { readonly _tag: "Connected"; readonly live: Live }

/** Close codes by which the service refuses a token (4401 and 4403 mirror HTTP, 1008 is "policy"). */
const refusalCodes = new Set([1008, 4401, 4403])

const annotate = Effect.annotateLogs({ package: "effect-signalfx", module: "SignalFlow" })

/**
 * Whether the socket holds the process open; `true` unless provided otherwise. An Effect program
 * run with `Effect.runPromise` has nothing else keeping Node alive while it awaits a computation.
 * The Promise facade provides `false`: there each awaited step holds the process (its
 * `lifecycle.hold`), so a script that stops reading a live computation still ends.
 * @internal
 */
export class SocketHoldsProcess extends Context.Reference<SocketHoldsProcess>()(
  "effect-signalfx/internal/SocketHoldsProcess",
  { defaultValue: () => true }
) {}

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
export const CLOSE_TIMEOUT = Duration.seconds(2)

/** @internal */
export const make = (options: ResolvedOptions): Effect.Effect<Transport, never, Scope.Scope> =>
  Effect.gen(function*() {
    const holdsProcess = yield* SocketHoldsProcess
    const scope = yield* Effect.scope
    const runtime = yield* Effect.runtime<never>()
    const log = (effect: Effect.Effect<void>) => Runtime.runFork(runtime)(annotate(effect))
    const endpoint = options.connectUrl
    const scrub = scrubberOf(options.token)
    let state: State = { _tag: "Idle" }
    let closed = false
    let channelCount = 0

    // The socket goes through a CONNECT tunnel when a proxy is set for the endpoint's scheme and
    // NO_PROXY does not list its host: wss:// then stays TLS from end to end, ws:// too is tunnelled.
    const { network } = options
    const destination = options.httpBase
    const configuredProxy = destination.protocol === "https:" ? network.httpsProxy : network.httpProxy
    const proxy = configuredProxy !== undefined && !network.noProxy.bypasses(destination) ? configuredProxy : undefined
    const trust = yield* trustOf(network.ca)

    const connectionError = (reason: SignalFlowConnectionError["reason"], description: string) =>
      new SignalFlowConnectionError({ endpoint, reason, description })

    const finish = (live: Live, channel: string, route: Route, end: AttemptEnd) => {
      if (route.end !== undefined) return
      route.end = end
      live.routes.delete(channel)
      Deferred.unsafeDone(route.done, Exit.succeed(end))
      scheduleIdleClose(live)
    }

    const scheduleIdleClose = (live: Live) => {
      if (!live.open || live.routes.size > 0 || live.idleTimer !== undefined) return
      live.idleTimer = setTimeout(() => {
        live.idleTimer = undefined
        if (live.open && live.routes.size === 0) {
          // Forgotten at once: a computation that starts while the close handshake runs opens a
          // new socket rather than try this one.
          lost(live, "idle")
          live.socket.close(1000, "idle")
        }
      }, Duration.toMillis(options.idleTimeout))
      live.idleTimer.unref()
    }

    const lost = (live: Live, why: string) => {
      if (!live.open) return
      live.open = false
      if (live.idleTimer !== undefined) clearTimeout(live.idleTimer)
      if (state._tag === "Connected" && state.live === live) state = { _tag: "Idle" }
      const routes = [...live.routes]
      if (routes.length > 0) {
        log(Effect.logInfo(`SignalFlow connection lost (${why}); ${routes.length} computations resume`))
      }
      for (const [channel, route] of routes) finish(live, channel, route, dropped)
    }

    /**
     * Warns of a message skipped, once per connection: a peer sending thousands of them must not
     * fill the log. The others are logged at debug level.
     */
    const skipped = (live: Live, what: string): void => {
      if (live.skippedWarned) {
        log(Effect.logDebug(what))
      } else {
        live.skippedWarned = true
        log(Effect.logWarning(`${what} (any more on this connection are logged at debug level)`))
      }
    }

    const route = (live: Live, data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) {
        const frame = decodeFrame(toBytes(data))
        const target = live.routes.get(frame.channel)
        if (frame._tag === "Invalid") {
          skipped(
            live,
            `skipped a binary SignalFlow frame of channel ${peerText(frame.channel)}: ${peerText(frame.problem)}`
          )
          return
        }
        if (target === undefined) return
        const end = target.sink(
          frame._tag === "Data" ? frame : { _tag: "Json", value: scrubServiceMessage(frame.value, scrub) }
        )
        if (end !== undefined) finish(live, frame.channel, target, end)
        return
      }
      let value: unknown
      try {
        value = JSON.parse(toBytes(data).toString("utf8"))
      } catch {
        skipped(live, "skipped a SignalFlow text message that is not JSON")
        return
      }
      if (typeof value !== "object" || value === null) return
      const channel = "channel" in value ? value.channel : undefined
      // KEEP_ALIVE and other messages without a channel concern the connection, not a computation.
      if (typeof channel !== "string") return
      const target = live.routes.get(channel)
      if (target === undefined) return
      const end = target.sink({ _tag: "Json", value: scrubServiceMessage(value, scrub) })
      if (end !== undefined) finish(live, channel, target, end)
    }

    /** The agent that opens a tunnel through the proxy, new for each socket; none without a proxy. */
    const tunnel: Effect.Effect<HttpsProxyAgent<string> | undefined> = proxy === undefined
      ? Effect.succeed(undefined)
      : Effect.map(loadHttpsProxyAgent, ({ HttpsProxyAgent }) =>
        new HttpsProxyAgent(proxy.url.href, {
          // The credentials travel in a header, never in a URL that an error could show.
          headers: proxy.authorization === undefined
            ? {}
            : { "Proxy-Authorization": Redacted.value(proxy.authorization) },
          // The trust of the TLS connection to an https:// proxy; the tunnel's own is the socket's.
          ...trust
        }))

    /** Opens a socket and authenticates; resolves with the socket once `authenticated` came. */
    const open = (agent: HttpsProxyAgent<string> | undefined): Effect.Effect<Live, ConnectError> =>
      Effect.async<Live, ConnectError>((resume) => {
        // The status the proxy answered the CONNECT with: a refusal is replayed to ws as the
        // upgrade's answer, and must not be taken for the service's.
        let proxyStatus: number | undefined
        agent?.once("proxyConnect", (response: { readonly statusCode: number }) => {
          proxyStatus = response.statusCode
        })
        // ws takes `closeTimeout` (8.23, our lowest); @types/ws 8.18 does not list it yet.
        const closeTimeout: { readonly closeTimeout: number } = { closeTimeout: Duration.toMillis(CLOSE_TIMEOUT) }
        const socket = new (loadWs())(endpoint, {
          handshakeTimeout: Duration.toMillis(options.authenticationTimeout),
          headers: { "User-Agent": options.userAgent },
          perMessageDeflate: false,
          ...closeTimeout,
          // A message is never buffered past what one frame may hold: a longer one closes the
          // socket (1009), and the computations resume on a new one.
          maxPayload: MAX_MESSAGE_BYTES,
          ...trust,
          ...(agent === undefined ? {} : { agent })
        })
        if (!holdsProcess) socket.once("upgrade", (response) => response.socket.unref())
        const live: Live = { socket, routes: new Map(), open: false, idleTimer: undefined, skippedWarned: false }
        let settled = false
        const settle = (exit: Exit.Exit<Live, ConnectError>) => {
          if (settled) return
          settled = true
          if (Exit.isFailure(exit)) socket.terminate()
          resume(exit)
        }
        let heartbeat: ReturnType<typeof setInterval> | undefined
        let answered = true
        socket.on("open", () => {
          socket.send(
            JSON.stringify({ type: "authenticate", token: Redacted.value(options.token), userAgent: options.userAgent })
          )
        })
        socket.on("message", (data, isBinary) => {
          answered = true
          if (live.open) return route(live, data, isBinary)
          const message = isBinary ? jsonOfFrame(toBytes(data)) : parseText(toBytes(data))
          if (typeof message !== "object" || message === null || !("type" in message)) return
          if (message.type === "authenticated") {
            live.open = true
            state = { _tag: "Connected", live }
            const interval = Duration.toMillis(options.heartbeatInterval)
            if (interval > 0) {
              // A half-open connection never closes by itself: a ping unanswered for a whole
              // interval ends it, and the computations resume on a new one.
              heartbeat = setInterval(() => {
                if (!answered) return socket.terminate()
                answered = false
                socket.ping()
              }, interval)
              heartbeat.unref()
            }
            settle(Exit.succeed(live))
          } else if (message.type === "error") {
            // Scrubbed before peerText cuts it: a token straddling the cut would leave its prefix.
            const description = peerText(scrub(describe(message)))
            settle(Exit.fail(new SignalFlowAuthenticationError({ endpoint, description })))
          }
        })
        socket.on("pong", () => {
          answered = true
        })
        socket.on("unexpected-response", (request, response) => {
          const status = response.statusCode ?? 0
          response.resume()
          request.destroy()
          settle(Exit.fail(
            proxy !== undefined && proxyStatus !== undefined && proxyStatus !== 200
              ? new SignalFlowConnectionError({
                endpoint,
                reason: "StatusCode",
                status: proxyStatus,
                description: refused(proxy, destination, proxyStatus).message
              })
              : status === 401 || status === 403
              ? new SignalFlowAuthenticationError({ endpoint, description: `HTTP ${status}` })
              : new SignalFlowConnectionError({
                endpoint,
                reason: "StatusCode",
                status,
                description: `the WebSocket upgrade was answered HTTP ${status}`
              })
          ))
        })
        socket.on("error", (error) => {
          settle(Exit.fail(
            connectionError(
              "Transport",
              proxy === undefined ? peerText(scrub(error.message)) : explain(proxy, destination, error).message
            )
          ))
        })
        socket.on("close", (code, reason) => {
          if (heartbeat !== undefined) clearInterval(heartbeat)
          const why = `close code ${code}${reason.length > 0 ? ` ${peerText(scrub(reason.toString("utf8")))}` : ""}`
          if (live.open) return lost(live, why)
          settle(Exit.fail(
            refusalCodes.has(code)
              ? new SignalFlowAuthenticationError({ endpoint, description: why })
              : connectionError("Closed", `closed before authentication (${why})`)
          ))
        })
        return Effect.sync(() => {
          if (!settled) {
            settled = true
            socket.terminate()
          }
        })
      })

    const connectOnce: Effect.Effect<Live, ConnectError> = Effect.flatMap(tunnel, open).pipe(
      Effect.timeoutFail({
        duration: options.authenticationTimeout,
        onTimeout: () =>
          connectionError(
            "Timeout",
            `no authenticated answer within ${Duration.format(options.authenticationTimeout)}`
          )
      })
    )

    const connect = (ready: Deferred.Deferred<Live, ConnectError>) =>
      connectOnce.pipe(
        Effect.tapError((error) =>
          error._tag === "SignalFlowConnectionError"
            ? annotate(Effect.logDebug(`SignalFlow connection attempt failed: ${error.description}`))
            : Effect.void
        ),
        Effect.retry({
          schedule: options.reconnect,
          // A proxy that wants other credentials (407) will not change its mind: not retried.
          while: (error) => error._tag === "SignalFlowConnectionError" && error.status !== 407 && !closed
        }),
        Effect.exit,
        Effect.flatMap((exit) =>
          Effect.sync(() => {
            if (Exit.isFailure(exit) && state._tag === "Connecting" && state.ready === ready) state = { _tag: "Idle" }
            if (Exit.isSuccess(exit) && closed) exit.value.socket.close(1000)
            Deferred.unsafeDone(ready, exit)
          })
        )
      )

    /** The authenticated socket, opened (or re-opened) if need be. */
    const ready: Effect.Effect<Live, ConnectError> = Effect.suspend(() => {
      if (closed) return Effect.fail(connectionError("Closed", "the SignalFlow service was closed"))
      switch (state._tag) {
        case "Connected":
          return Effect.succeed(state.live)
        case "Connecting":
          return Deferred.await(state.ready)
        case "Idle": {
          const ready = Deferred.unsafeMake<Live, ConnectError>(FiberId.none)
          state = { _tag: "Connecting", ready }
          return Effect.zipRight(Effect.forkIn(connect(ready), scope), Deferred.await(ready))
        }
      }
    })

    const send = (live: Live, message: object): boolean => {
      if (!live.open) return false
      if (live.socket.readyState !== live.socket.OPEN) {
        lost(live, "the socket is closing")
        return false
      }
      live.socket.send(JSON.stringify(message))
      return true
    }

    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        closed = true
        if (state._tag === "Connected") {
          const live = state.live
          lost(live, "the service was closed")
          live.socket.close(1000)
        } else if (state._tag === "Connecting") {
          // The connecting fiber is interrupted with the scope before it settles `ready`: the
          // computations awaiting it are told here, or they would wait forever.
          Deferred.unsafeDone(state.ready, Exit.fail(connectionError("Closed", "the SignalFlow service was closed")))
        }
        state = { _tag: "Idle" }
      })
    )

    const attempt = (request: Request, sink: Sink): Effect.Effect<AttemptEnd, ConnectError> =>
      Effect.flatMap(ready, (live) => {
        const channel = `ch-${++channelCount}`
        const route: Route = { sink, done: Deferred.unsafeMake(FiberId.none), end: undefined }
        return Effect.acquireUseRelease(
          Effect.sync(() => {
            if (live.idleTimer !== undefined) {
              clearTimeout(live.idleTimer)
              live.idleTimer = undefined
            }
            live.routes.set(channel, route)
            return send(live, { ...request, channel })
          }),
          (sent) =>
            sent ? Deferred.await(route.done) : Effect.sync(() => {
              finish(live, channel, route, dropped)
              return dropped
            }),
          () =>
            Effect.sync(() => {
              const end = route.end
              if (end === undefined) finish(live, channel, route, dropped)
              // The service forgets a channel that ended or a socket that dropped; otherwise (an
              // error, a full buffer, the consumer gone) it is told to stop sending.
              if (end === undefined || end._tag === "Failed" || end._tag === "Overflow") {
                send(live, { type: "detach", channel })
              }
            })
        )
      })

    const command = (request: Request): Effect.Effect<void, ConnectError> =>
      Effect.flatMap(ready, (live) =>
        send(live, request)
          ? Effect.void
          : Effect.fail(connectionError("Closed", `the connection closed before the ${request.type} request was sent`)))

    return { attempt, command } satisfies Transport
  })

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

/**
 * `https-proxy-agent`, loaded when the first socket through a proxy opens. It is an ES module,
 * which `require` takes only from Node 20.19 on: hence `import()`.
 */
const loadHttpsProxyAgent: Effect.Effect<typeof HttpsProxyAgentModule> = Effect.promise(() =>
  import("https-proxy-agent")
)

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
