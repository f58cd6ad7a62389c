/**
 * A real forwarding proxy on a loopback port, with no Effect: the `proxy` package (plain requests
 * forwarded, CONNECT tunnels). Both packages' proxy tests start it, each in its own Effect's scope.
 */
import * as http from "node:http"
import * as https from "node:https"
import * as net from "node:net"
import { createProxy } from "proxy"

/** What a forwarding proxy saw: each request line and its headers, and every byte tunnelled. */
export interface Seen {
  readonly method: string
  /** The request target: an absolute URL when forwarded, `host:port` for a CONNECT. */
  readonly target: string
  readonly headers: http.IncomingHttpHeaders
}

export interface RunningProxy {
  /** `http://127.0.0.1:PORT` (`https://` with `tls`), without credentials. */
  readonly url: string
  readonly port: number
  readonly seen: Array<Seen>
  /** The bytes the client sent into CONNECT tunnels, concatenated. */
  readonly tunnelled: () => Buffer
  /** Every text the proxy saw from the client: request lines, headers and tunnelled bytes. */
  readonly everything: () => string
}

/** How a proxy is started: see {@link startForwardingProxy}. */
export interface ProxyOptions {
  readonly credentials?: string
  readonly tls?: { readonly cert: string; readonly key: string }
}

/**
 * With `credentials` the proxy answers 407 to a request without them, as `user:password` in
 * Basic `Proxy-Authorization`. With `tls` it is itself reached over TLS (an `https://` proxy).
 * `close` ends its tunnels and connections too.
 */
export const startForwardingProxy = (
  options: ProxyOptions = {}
): Promise<{ readonly proxy: RunningProxy; readonly close: () => Promise<void> }> =>
  new Promise((resolve) => {
    const tunnels = new Set<net.Socket>()
    const seen: Array<Seen> = []
    const chunks: Array<Buffer> = []
    const server = createProxy(options.tls === undefined ? http.createServer() : https.createServer(options.tls))
    const expected = options.credentials === undefined
      ? undefined
      : `Basic ${Buffer.from(options.credentials).toString("base64")}`
    if (expected !== undefined) {
      server.authenticate = (req) => req.headers["proxy-authorization"] === expected
    }
    // Listeners added before the proxy's own see every request and tunnel.
    server.prependListener("request", (req: http.IncomingMessage) => {
      seen.push({ method: req.method ?? "", target: req.url ?? "", headers: req.headers })
    })
    server.prependListener("connect", (req: http.IncomingMessage, socket: net.Socket) => {
      seen.push({ method: req.method ?? "", target: req.url ?? "", headers: req.headers })
      tunnels.add(socket)
      socket.on("data", (chunk: Buffer) => chunks.push(chunk))
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      if (address === null || typeof address === "string") throw new Error("not listening on TCP")
      const tunnelled = () => Buffer.concat(chunks)
      resolve({
        proxy: {
          url: `${options.tls === undefined ? "http" : "https"}://127.0.0.1:${address.port}`,
          port: address.port,
          seen,
          tunnelled,
          everything: () =>
            [
              ...seen.map((request) => `${request.method} ${request.target} ${JSON.stringify(request.headers)}`),
              tunnelled().toString("latin1")
            ].join("\n")
        },
        close: () =>
          new Promise((closed) => {
            // A tunnel is no longer the HTTP server's connection: it is closed by hand.
            for (const socket of tunnels) socket.destroy()
            server.closeAllConnections()
            server.close(() => closed())
          })
      })
    })
  })

/** A loopback port with nothing listening: connections to it are refused. */
export const closedLoopbackPort = (): Promise<number> =>
  new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address()
      if (address === null || typeof address === "string") throw new Error("not listening on TCP")
      probe.close(() => resolve(address.port))
    })
  })
