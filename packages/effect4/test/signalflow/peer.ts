/**
 * A scripted SignalFlow peer on loopback, in Effect 4: a `ws` server whose connections the test
 * drives one message at a time (read what the client sent, answer what the service would).
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
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
}

export interface PeerOptions {
  /** Which connections (numbered from 1) answer pings: all by default; the others stay silent. */
  readonly answersPings?: (connection: number) => boolean
}

export const makePeer = (options: PeerOptions = {}): Effect.Effect<Peer, never, Scope.Scope> =>
  Effect.gen(function*() {
    const connections = yield* Queue.unbounded<PeerConnection>()
    let count = 0
    const server = yield* Effect.acquireRelease(
      Effect.callback<WebSocketServer>((resume) => {
        const server: WebSocketServer = new WebSocketServer(
          { host: "127.0.0.1", port: 0, path: "/v2/signalflow/connect", autoPong: false },
          () => resume(Effect.succeed(server))
        )
      }),
      (server) =>
        Effect.callback<void>((resume) => {
          for (const client of server.clients) client.terminate()
          server.close(() => resume(Effect.void))
        })
    )
    server.on("connection", (socket: WebSocket) => {
      count++
      if (options.answersPings?.(count) ?? true) socket.on("ping", (data) => socket.pong(data))
      const received = Effect.runSync(Queue.unbounded<Record<string, unknown>>())
      socket.on("message", (data, isBinary) => {
        if (!isBinary) Queue.offerUnsafe(received, JSON.parse(data.toString()))
      })
      const closed = Effect.runSync(Deferred.make<number>())
      socket.on("close", (code) => Deferred.doneUnsafe(closed, Effect.succeed(code)))
      const receive = Queue.take(received)
      const receiveType = (type: string): Effect.Effect<Record<string, unknown>> =>
        Effect.flatMap(receive, (message) => (message.type === type ? Effect.succeed(message) : receiveType(type)))
      const send = (message: unknown) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message))
      }
      Queue.offerUnsafe(connections, {
        receive,
        receiveType,
        send,
        sendBinary: (frame) => {
          if (socket.readyState === WebSocket.OPEN) socket.send(frame, { binary: true })
        },
        close: (code, reason) => socket.close(code, reason),
        terminate: () => socket.terminate(),
        closed: Deferred.await(closed),
        authenticate: Effect.tap(
          receiveType("authenticate"),
          () => Effect.sync(() => send({ type: "authenticated", orgId: "org", userId: "user" }))
        )
      })
    })
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    return { url: `ws://127.0.0.1:${port}`, accept: Queue.take(connections), connectionCount: () => count }
  })
