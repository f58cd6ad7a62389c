/**
 * What the Effect 4 host-identity tests share: a fake metadata server on a loopback port, a
 * closed loopback port, and endpoint options that send every lookup to loopback. No test ever
 * reaches a real metadata address.
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import type * as Scope from "effect/Scope"
import * as http from "node:http"
import * as HostIdentity from "../../src/HostIdentity.js"
import type { ConfigurationError } from "../../src/SignalFxError.js"

const portOf = (server: http.Server): number => {
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("not listening on a TCP port")
  return address.port
}

/** A request the fake metadata server received. */
export interface Received {
  readonly method: string
  readonly path: string
  readonly headers: http.IncomingHttpHeaders
}

/** An answer, sent after `delayMillis` if given. */
export interface Answer {
  readonly status: number
  readonly body?: string
  readonly headers?: Record<string, string>
  readonly delayMillis?: number
}

/** What the fake answers: a status with a body and headers, or nothing ever. */
export type Reply = Answer | "hang"

export interface FakeMetadataServer {
  readonly url: string
  readonly received: Array<Received>
}

/**
 * A metadata server on a loopback port, answering each request with `answer`, closed with the
 * scope (hung requests included).
 */
export const fakeMetadataServer = (
  answer: (request: Received, index: number) => Reply
): Effect.Effect<FakeMetadataServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.callback<{ readonly server: http.Server; readonly fake: FakeMetadataServer }>((resume) => {
      const received: Array<Received> = []
      const server = http.createServer((req, res) => {
        req.resume()
        req.on("end", () => {
          const request = { method: req.method ?? "", path: req.url ?? "", headers: req.headers }
          received.push(request)
          const reply = answer(request, received.length - 1)
          if (reply === "hang") return
          setTimeout(() => {
            res.writeHead(reply.status, reply.headers ?? {})
            res.end(reply.body ?? "")
          }, reply.delayMillis ?? 0)
        })
      })
      server.listen(0, "127.0.0.1", () => {
        resume(Effect.succeed({ server, fake: { url: `http://127.0.0.1:${portOf(server)}`, received } }))
      })
    }),
    ({ server }) =>
      Effect.callback<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ fake }) => fake))

/** A loopback URL nobody listens on: connections are refused at once. */
export const closedPort: Effect.Effect<string> = Effect.callback<string>((resume) => {
  const server = http.createServer()
  server.listen(0, "127.0.0.1", () => {
    const port = portOf(server)
    server.close(() => resume(Effect.succeed(`http://127.0.0.1:${port}`)))
  })
})

export const json = (value: unknown, status = 200): Answer => ({
  status,
  body: JSON.stringify(value),
  headers: { "content-type": "application/json" }
})

export const identityDocument = {
  accountId: "123456789012",
  architecture: "x86_64",
  availabilityZone: "us-east-1a",
  imageId: "ami-0abcdef1234567890",
  instanceId: "i-0123456789abcdef0",
  instanceType: "t3.micro",
  privateIp: "10.0.0.12",
  region: "us-east-1"
}

export const AWS_ID = "i-0123456789abcdef0_us-east-1_123456789012"

/**
 * Every endpoint at `unreachable` (a closed loopback port) unless given: a test never reaches
 * a real metadata address.
 */
export const loopbackOptions = (unreachable: string, options: HostIdentity.Options = {}): HostIdentity.Options => ({
  awsEndpoint: unreachable,
  gcpEndpoint: unreachable,
  azureEndpoint: unreachable,
  ...options
})

/** A HostIdentity service in the current scope, over fetch. */
export const makeIdentity = (
  options: HostIdentity.Options
): Effect.Effect<HostIdentity.Service, ConfigurationError, Scope.Scope> =>
  HostIdentity.make(options).pipe(Effect.provide(FetchHttpClient.layer))

/**
 * Runs `body` with its log lines, debug included, and those of every fiber it forks, kept in
 * the array it is given as `LEVEL message` instead of printed.
 */
export const withLogs = <A, E, R>(
  body: (lines: ReadonlyArray<string>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => {
  const lines: Array<string> = []
  const capture = Logger.make(({ logLevel, message }) => {
    lines.push(`${logLevel.toUpperCase()} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
  })
  return body(lines).pipe(
    Effect.provideService(Logger.CurrentLoggers, new Set([capture])),
    Effect.provideService(References.MinimumLogLevel, "Debug")
  )
}

/** Milliseconds an effect took, in real time. */
export const timed = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<[A, number], E, R> =>
  Effect.suspend(() => {
    const start = Date.now()
    return Effect.map(effect, (a): [A, number] => [a, Date.now() - start])
  })
