/**
 * A scripted SignalFlow peer on loopback: a `ws` server whose connections the test drives one
 * message at a time (read what the client sent, answer what the service would).
 */
import type { Scope } from "effect"
import { Effect, Queue } from "effect"
import { WebSocket, WebSocketServer } from "ws"

export interface PeerConnection {
  /** The next JSON message the client sent. */
  readonly receive: Effect.Effect<Record<string, unknown>>
  /** The next message of the given type, skipping others. */
  readonly receiveType: (type: string) => Effect.Effect<Record<string, unknown>>
  readonly send: (message: unknown) => void
  readonly sendBinary: (frame: Uint8Array) => void
  readonly close: (code?: number, reason?: string) => void
  /** Drops the TCP connection without a close frame. */
  readonly terminate: () => void
  /** Resolves when the client has closed the connection; with its close code. */
  readonly closed: Effect.Effect<number>
  /** Answers the authentication and returns the `authenticate` message. */
  readonly authenticate: Effect.Effect<Record<string, unknown>>
}

export interface Peer {
  readonly url: string
  /** The next connection a client opened. */
  readonly accept: Effect.Effect<PeerConnection>
  readonly connectionCount: () => number
  /** Drops every connection and stops listening: new connections are refused. */
  readonly shutdown: Effect.Effect<void>
}

export interface PeerOptions {
  /**
   * Which connections (numbered from 1) answer pings: all by default; the others stay silent,
   * like a half-open connection.
   */
  readonly answersPings?: (connection: number) => boolean
}

export const makePeer: Effect.Effect<Peer, never, Scope.Scope> = Effect.suspend(() => makePeerWith({}))

export const makePeerWith = (options: PeerOptions): Effect.Effect<Peer, never, Scope.Scope> =>
  Effect.gen(function*() {
    const connections = yield* Queue.unbounded<PeerConnection>()
    let count = 0
    const server = yield* Effect.acquireRelease(
      Effect.async<WebSocketServer>((resume) => {
        const server: WebSocketServer = new WebSocketServer(
          { host: "127.0.0.1", port: 0, path: "/v2/signalflow/connect", autoPong: false },
          () => resume(Effect.succeed(server))
        )
      }),
      (server) => close(server)
    )
    server.on("connection", (socket: WebSocket) => {
      count++
      if (options.answersPings?.(count) ?? true) socket.on("ping", (data) => socket.pong(data))
      const received = Effect.runSync(Queue.unbounded<Record<string, unknown>>())
      let closeCode: number | undefined
      const closeWaiters: Array<(code: number) => void> = []
      socket.on("message", (data, isBinary) => {
        if (isBinary) return
        Queue.unsafeOffer(received, JSON.parse(data.toString()))
      })
      socket.on("close", (code) => {
        closeCode = code
        for (const waiter of closeWaiters.splice(0)) waiter(code)
      })
      const receive = Queue.take(received)
      const receiveType = (type: string): Effect.Effect<Record<string, unknown>> =>
        Effect.flatMap(receive, (message) => (message.type === type ? Effect.succeed(message) : receiveType(type)))
      const send = (message: unknown) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message))
      }
      const connection: PeerConnection = {
        receive,
        receiveType,
        send,
        sendBinary: (frame) => {
          if (socket.readyState === WebSocket.OPEN) socket.send(frame, { binary: true })
        },
        close: (code, reason) => socket.close(code, reason),
        terminate: () => socket.terminate(),
        closed: Effect.async<number>((resume) => {
          if (closeCode !== undefined) return resume(Effect.succeed(closeCode))
          closeWaiters.push((code) => resume(Effect.succeed(code)))
        }),
        authenticate: Effect.tap(
          receiveType("authenticate"),
          () => Effect.sync(() => send({ type: "authenticated", orgId: "org", userId: "user" }))
        )
      }
      Queue.unsafeOffer(connections, connection)
    })
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    return {
      url: `ws://127.0.0.1:${port}`,
      accept: Queue.take(connections),
      connectionCount: () => count,
      shutdown: close(server)
    }
  })

const close = (server: WebSocketServer): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    for (const client of server.clients) client.terminate()
    server.close(() => resume(Effect.void))
  })
