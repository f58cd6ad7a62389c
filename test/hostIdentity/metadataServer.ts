/**
 * A fake cloud metadata server on a loopback port, with no Effect: both packages' host-identity
 * tests start it (each in its own Effect's scope), so no test ever reaches a real metadata address.
 */
import * as http from "node:http"

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

const portOf = (server: http.Server): number => {
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("not listening on a TCP port")
  return address.port
}

/** A server answering each request with `answer`; `close` ends hung requests too. */
export const startMetadataServer = (
  answer: (request: Received, index: number) => Reply
): Promise<{ readonly fake: FakeMetadataServer; readonly close: () => Promise<void> }> =>
  new Promise((resolve) => {
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
      resolve({
        fake: { url: `http://127.0.0.1:${portOf(server)}`, received },
        close: () =>
          new Promise((closed) => {
            server.closeAllConnections()
            server.close(() => closed())
          })
      })
    })
  })

/** A loopback URL nobody listens on: connections are refused at once. */
export const closedPortUrl = (): Promise<string> =>
  new Promise((resolve) => {
    const server = http.createServer()
    server.listen(0, "127.0.0.1", () => {
      const port = portOf(server)
      server.close(() => resolve(`http://127.0.0.1:${port}`))
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

/** Endpoints for every cloud at `unreachable` (a closed loopback port), unless given. */
export const loopbackEndpoints = <O extends object>(unreachable: string, options: O) => ({
  awsEndpoint: unreachable,
  gcpEndpoint: unreachable,
  azureEndpoint: unreachable,
  ...options
})
