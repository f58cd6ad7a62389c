/**
 * What the tests of the server-sent-events transport share: a raw HTTP server on loopback, and
 * the checks that a text shown to a user is one bounded line without the token.
 */
import { expect } from "@effect/vitest"
import type { Scope } from "effect"
import { Effect } from "effect"
import * as http from "node:http"

/** A token whose every prefix is recognisable: one cut anywhere in it still shows `sfw1re`. */
export const TOKEN = "sfw1re-s3cret-t0ken"

export interface Received {
  readonly method: string
  readonly url: URL
  readonly token: string | undefined
  readonly contentType: string | undefined
  readonly body: string
}

export interface HttpPeer {
  readonly url: string
  /** Every request that reached the server, in order. */
  readonly received: ReadonlyArray<Received>
}

/**
 * An HTTP server on 127.0.0.1 answering each request with `respond` (given the request's index
 * among those received), once its body has come.
 */
export const serveHttp = (
  respond: (received: Received, response: http.ServerResponse, index: number) => void
): Effect.Effect<HttpPeer, never, Scope.Scope> =>
  Effect.gen(function*() {
    const received: Array<Received> = []
    const server = yield* Effect.acquireRelease(
      Effect.async<http.Server>((resume) => {
        const server: http.Server = http.createServer((request, response) => {
          const chunks: Array<Buffer> = []
          request.on("data", (chunk: Buffer) => chunks.push(chunk))
          request.on("end", () => {
            const token = request.headers["x-sf-token"]
            const entry: Received = {
              method: request.method ?? "",
              url: new URL(request.url ?? "/", "http://127.0.0.1"),
              token: typeof token === "string" ? token : undefined,
              contentType: request.headers["content-type"],
              body: Buffer.concat(chunks).toString("utf8")
            }
            received.push(entry)
            respond(entry, response, received.length - 1)
          })
        })
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    return { url: `http://127.0.0.1:${port}`, received }
  })

/** C0 and C1 controls and DEL: what a peer's text must not bring into a message unescaped. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** The longest message a test accepts: a few quoted peer texts of 200 characters and their words. */
const MAX_MESSAGE_LENGTH = 1000

/** A text shown to a user: one line, no terminal escapes, bounded, and no part of the token. */
export const expectSafeText = (text: string): void => {
  expect(text).not.toContain(TOKEN.slice(0, 6))
  expect(text).not.toMatch(CONTROL)
  expect(text.length).toBeLessThan(MAX_MESSAGE_LENGTH)
}

/** An error as every way of showing it shows it: safe, and without the token in its fields either. */
export const expectSafeError = (error: Error): void => {
  expectSafeText(error.message)
  expectSafeText(String(error))
  expect(JSON.stringify(error)).not.toContain(TOKEN.slice(0, 6))
}
