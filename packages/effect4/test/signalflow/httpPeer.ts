/**
 * A raw HTTP server on loopback for the server-sent-events transport's tests, in Effect 4: it
 * answers each request with `respond`, once the request's body has come.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as http from "node:http"

export interface Received {
  readonly method: string
  readonly url: URL
  readonly token: string | undefined
  readonly body: string
}

export interface HttpPeer {
  readonly url: string
  /** Every request that reached the server, in order. */
  readonly received: ReadonlyArray<Received>
}

export const serveHttp = (
  respond: (received: Received, response: http.ServerResponse, index: number) => void
): Effect.Effect<HttpPeer, never, Scope.Scope> =>
  Effect.gen(function*() {
    const received: Array<Received> = []
    const server = yield* Effect.acquireRelease(
      Effect.callback<http.Server>((resume) => {
        const server: http.Server = http.createServer((request, response) => {
          const chunks: Array<Buffer> = []
          request.on("data", (chunk: Buffer) => chunks.push(chunk))
          request.on("end", () => {
            const token = request.headers["x-sf-token"]
            const entry: Received = {
              method: request.method ?? "",
              url: new URL(request.url ?? "/", "http://127.0.0.1"),
              token: typeof token === "string" ? token : undefined,
              body: Buffer.concat(chunks).toString("utf8")
            }
            received.push(entry)
            respond(entry, response, received.length - 1)
          })
        })
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.callback<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    return { url: `http://127.0.0.1:${port}`, received }
  })
