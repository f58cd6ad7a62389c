/**
 * The WebSocket transport: one socket per service (the core's `Socket`), opened on first use,
 * authenticated under a timeout, shared by the computations as channels. When the socket drops,
 * every running attempt ends as `Dropped`, and the next `ready` opens a new socket, retried on
 * the reconnect schedule.
 */
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type * as HttpsProxyAgentModule from "https-proxy-agent"
import type { ConnectFailure, SocketSettings } from "../../core/signalflow/socket.js"
import { Socket } from "../../core/signalflow/socket.js"
import type { SignalFlowError } from "../../SignalFxError.js"
import { SignalFlowAuthenticationError, SignalFlowConnectionError } from "../../SignalFxError.js"
import { scrubberOf } from "../http/transport.js"
import { explain, refused, trustOf } from "../proxy/client.js"
import type { ResolvedOptions } from "./options.js"
import type { AttemptEnd, Request, Sink, Transport } from "./transport.js"
import { dropped } from "./transport.js"

type ConnectError = SignalFlowAuthenticationError | SignalFlowConnectionError

type Live = Socket<SignalFlowError>

type State =
  | { readonly _tag: "Idle" }
  | { readonly _tag: "Connecting"; readonly ready: Deferred.Deferred<Live, ConnectError> }
  | { readonly _tag: "Connected"; readonly live: Live }

const annotate = Effect.annotateLogs({ package: "effect-signalfx", module: "SignalFlow" })

/**
 * `https-proxy-agent`, loaded when the first socket through a proxy opens. It is an ES module,
 * which `require` takes only from Node 20.19 on: hence `import()`.
 */
const loadHttpsProxyAgent: Effect.Effect<typeof HttpsProxyAgentModule> = Effect.promise(() =>
  import("https-proxy-agent")
)

/** @internal */
export const make = (options: ResolvedOptions): Effect.Effect<Transport, never, Scope.Scope> =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const context = yield* Effect.context<never>()
    const endpoint = options.connectUrl
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

    const toError = (failure: ConnectFailure): ConnectError => {
      if (failure._tag === "Authentication") {
        return new SignalFlowAuthenticationError({ endpoint, description: failure.description })
      }
      const { _tag: _, ...fields } = failure
      return new SignalFlowConnectionError({ endpoint, ...fields })
    }

    const settings: Omit<SocketSettings, "proxy"> = {
      url: endpoint,
      token: Redacted.value(options.token),
      userAgent: options.userAgent,
      handshakeTimeoutMs: Duration.toMillis(options.authenticationTimeout),
      heartbeatIntervalMs: Duration.toMillis(options.heartbeatInterval),
      idleTimeoutMs: Duration.toMillis(options.idleTimeout),
      holdsProcess: true,
      trust,
      scrub: scrubberOf(options.token),
      log: (level, text) =>
        Effect.runForkWith(context)(annotate(
          level === "Warning"
            ? Effect.logWarning(text)
            : level === "Info"
            ? Effect.logInfo(text)
            : Effect.logDebug(text)
        ))
    }

    /** The tunnel through the proxy, with a new agent for each socket; none without a proxy. */
    const tunnel: Effect.Effect<SocketSettings["proxy"]> = proxy === undefined
      ? Effect.succeed(undefined)
      : Effect.map(loadHttpsProxyAgent, ({ HttpsProxyAgent }) => ({
        agent: new HttpsProxyAgent(proxy.url.href, {
          // The credentials travel in a header, never in a URL that an error could show.
          headers: proxy.authorization === undefined
            ? {}
            : { "Proxy-Authorization": Redacted.value(proxy.authorization) },
          // The trust of the TLS connection to an https:// proxy; the tunnel's own is the socket's.
          ...trust
        }),
        refused: (status: number) => refused(proxy, destination, status).message,
        explain: (error: Error) => explain(proxy, destination, error).message
      }))

    const onLost = (live: Live) => {
      if (state._tag === "Connected" && state.live === live) state = { _tag: "Idle" }
    }

    /** Opens a socket and authenticates; resolves with the socket once `authenticated` came. */
    const open = (tunnelled: SocketSettings["proxy"]): Effect.Effect<Live, ConnectError> =>
      Effect.callback<Live, ConnectError>((resume) => {
        const live: Live = new Socket({ ...settings, proxy: tunnelled }, (failure) => {
          if (failure !== undefined) return resume(Effect.fail(toError(failure)))
          state = { _tag: "Connected", live }
          resume(Effect.succeed(live))
        }, onLost)
        return Effect.sync(() => live.cancel())
      })

    const connectOnce: Effect.Effect<Live, ConnectError> = Effect.flatMap(tunnel, open).pipe(
      Effect.timeoutOrElse({
        duration: options.authenticationTimeout,
        orElse: () =>
          Effect.fail(connectionError(
            "Timeout",
            `no authenticated answer within ${Duration.format(options.authenticationTimeout)}`
          ))
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
            if (Exit.isSuccess(exit) && closed) exit.value.close("the service was closed")
            Deferred.doneUnsafe(ready, exit)
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
          const ready = Deferred.makeUnsafe<Live, ConnectError>()
          state = { _tag: "Connecting", ready }
          return Effect.andThen(Effect.forkIn(connect(ready), scope), Deferred.await(ready))
        }
      }
    })

    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        closed = true
        if (state._tag === "Connected") {
          state.live.close("the service was closed")
        } else if (state._tag === "Connecting") {
          // The connecting fiber is interrupted with the scope before it settles `ready`: the
          // computations awaiting it are told here, or they would wait forever.
          Deferred.doneUnsafe(state.ready, Exit.fail(connectionError("Closed", "the SignalFlow service was closed")))
        }
        state = { _tag: "Idle" }
      })
    )

    const attempt = (request: Request, sink: Sink): Effect.Effect<AttemptEnd, ConnectError> =>
      Effect.flatMap(ready, (live) => {
        const done = Deferred.makeUnsafe<AttemptEnd>()
        return Effect.acquireUseRelease(
          Effect.sync(() =>
            live.attach(`ch-${++channelCount}`, {
              sink,
              done: (end) => Deferred.doneUnsafe(done, Exit.succeed(end))
            }, request)
          ),
          (attachment) => attachment.sent ? Deferred.await(done) : Effect.succeed(dropped),
          (attachment) => Effect.sync(attachment.release)
        )
      })

    const command = (request: Request): Effect.Effect<void, ConnectError> =>
      Effect.flatMap(ready, (live) =>
        live.send(request)
          ? Effect.void
          : Effect.fail(connectionError("Closed", `the connection closed before the ${request.type} request was sent`)))

    return { attempt, command } satisfies Transport
  })
