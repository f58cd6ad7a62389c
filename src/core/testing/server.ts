/**
 * The local SignalFx server on `node:http`. Plain `node:http` rather than an Effect HTTP server
 * because the faults need the raw socket (a reset is `socket.destroy()`), and a test server
 * should depend on as little as possible of what it tests.
 *
 * One route table serves every request (`router.ts` says in which order its steps run), made of
 * the routes of each concern: the control endpoints (`control.ts`), ingest (`ingest.ts`), the
 * REST API (`metadataStore.ts`, `restStore.ts`) and SignalFlow (`signalflow/endpoint.ts`, which
 * also takes the WebSocket upgrades); the scripted faults (`faults.ts`) and the token are applied
 * here, around the route, never by a handler.
 */
import type * as http from "node:http"
import type * as net from "node:net"
import { peerText } from "../peerText.js"
import { setEntry } from "../record.js"
import type { Body } from "./body.js"
import { DEFAULT_MAX_BODY_BYTES, readBody } from "./body.js"
import type { Controlled } from "./control.js"
import { controlRoutes } from "./control.js"
import type { FaultExchange } from "./faults.js"
import { faultBeforeRoute, FaultScripts, loseAnswer } from "./faults.js"
import { IngestRecords } from "./ingest.js"
import type { Options, RecordedRequest, Server } from "./localServer.js"
import { MetadataStore } from "./metadataStore.js"
import { RestStore } from "./restStore.js"
import type { Answer } from "./router.js"
import { HttpError, routeRequest, RouteTable, stringify, unmatched } from "./router.js"
import { SignalFlowEndpoint } from "./signalflow/endpoint.js"
import * as tls from "./tls.js"

/** @internal */
export const REDACTED = "<redacted>"
const SECRET_HEADERS: ReadonlySet<string> = new Set(["x-sf-token", "authorization"])

const redactHeaders = (headers: http.IncomingHttpHeaders): Record<string, string> => {
  const record: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    setEntry(record, name, SECRET_HEADERS.has(name) ? REDACTED : Array.isArray(value) ? value.join(", ") : value)
  }
  return record
}

/** Writes a JSON answer (none for an empty body). */
const writeAnswer = (res: http.ServerResponse, status: number, body: string): void => {
  res.writeHead(status, body === "" ? {} : { "content-type": "application/json" })
  res.end(body)
}

/** @internal */
export const start = async (options: Options = {}): Promise<Server> => {
  const host = options.host ?? "127.0.0.1"
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  // A larger bound on what is sent is a wish for larger bodies: inflated ones may be as large.
  const limits = { maxBytes: maxBodyBytes, maxDecodedBytes: Math.max(maxBodyBytes, DEFAULT_MAX_BODY_BYTES) }
  const tokens = options.tokens === undefined ? undefined : new Set(options.tokens)
  const metadata = new MetadataStore()
  const restStore = new RestStore(options.users)
  const faults = new FaultScripts()
  const tellRefused = (request: RecordedRequest, reason: string): void => {
    try {
      options.onRefused?.(request, reason)
    } catch {
      // The answer is already sent: a listener's failure cannot change it.
    }
  }
  const signalflow = new SignalFlowEndpoint(
    (token) => tokens === undefined || tokens.has(token),
    // Not recorded: the upgrade is not an answered request; a listener hears of it all the same.
    (req, reason) =>
      tellRefused({
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: redactHeaders(req.headers),
        status: 401,
        bodySize: 0,
        encoding: undefined,
        fault: undefined
      }, reason)
  )
  const ingest = new IngestRecords((datapoints) => {
    metadata.ingest(datapoints)
    signalflow.ingest(datapoints, Date.now())
  }, options.onBatch)
  let requests: Array<RecordedRequest> = []
  // Aborted on close, so that delays end instead of keeping the process alive.
  const closing = new AbortController()

  const controlled: Controlled = {
    // Replaced, never mutated, on each batch: the caller's array cannot change under it.
    datapoints: () => ingest.recordedDatapoints(),
    events: () => ingest.recordedEvents(),
    requests: () => requests.slice(),
    fault: (route, script) => faults.add(route, script),
    raiseIncident: (incident) => restStore.raiseIncident(incident),
    reset: () => {
      ingest.clear()
      requests = []
      metadata.clear()
      restStore.clear()
      faults.clear()
      signalflow.reset()
    }
  }
  const table = new RouteTable([
    ...controlRoutes(controlled),
    ...ingest.routes,
    ...signalflow.routes,
    ...metadata.routes,
    ...restStore.routes
  ])
  const authenticates = (token: string): boolean =>
    tokens === undefined || tokens.has(token) || restStore.hasSession(token)

  /** The token, or the 401 of a request that must have one and has none or a bad one. */
  const authenticate = (req: http.IncomingMessage, optional: boolean): string | undefined => {
    const token = req.headers["x-sf-token"]
    if (optional && token === undefined) return undefined
    if (token === undefined || token === "") throw new HttpError(401, "missing X-SF-Token")
    if (typeof token !== "string") throw new HttpError(401, "more than one X-SF-Token")
    if (!authenticates(token)) throw new HttpError(401, "invalid X-SF-Token")
    return token
  }

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = req.method ?? "GET"
    const target = req.url ?? "/"
    const queryStart = target.indexOf("?")
    const path = queryStart === -1 ? target : target.slice(0, queryStart)
    const query = new URLSearchParams(queryStart === -1 ? "" : target.slice(queryStart + 1))
    const match = table.match(method, path)
    const route = match._tag === "Found" ? match.route : undefined
    const access = route?.access ?? (match._tag === "NotAllowed" ? match.access : "token")
    const isControl = access === "control"
    const fault = isControl ? undefined : faults.next(path)
    const headers = redactHeaders(req.headers)
    let bodySize = 0
    const exchange: FaultExchange = {
      req,
      res,
      closing: closing.signal,
      readBody: async (): Promise<Body> => {
        const maxBytes = route?.maxBodyBytes
        const body = await readBody(req, maxBytes === undefined ? limits : { maxBytes, maxDecodedBytes: maxBytes })
        bodySize = body.size
        return body
      },
      record: (status, refusal) => {
        // Not SignalFx traffic: never recorded.
        if (isControl) return
        const request: RecordedRequest = {
          method,
          path: target,
          headers,
          status,
          bodySize,
          encoding: req.headers["content-encoding"],
          fault: fault?._tag
        }
        requests.push(request)
        if (refusal !== undefined) tellRefused(request, refusal)
      }
    }
    const send = (status: number, body: string, refusal?: string): void => {
      writeAnswer(res, status, body)
      exchange.record(status, refusal)
    }

    if (await faultBeforeRoute(fault, exchange)) return
    try {
      const body = await exchange.readBody()
      if (body._tag === "TooLarge") throw new HttpError(413, body.message)
      const token = isControl ? undefined : authenticate(req, access === "login")
      if (match._tag !== "Found") throw unmatched(method, match)
      const answer: Answer = await match.route.handle(
        routeRequest(req, res, body, { params: match.params, query, token })
      )
      if ("_tag" in answer) return exchange.record(answer.status)
      const text = answer.body === undefined ? "" : stringify(answer.body)
      const served = answer.status < 300
      if (served && (await loseAnswer(fault, exchange, () => send(answer.status, text)))) return
      send(answer.status, text)
    } catch (error) {
      if (error instanceof HttpError) {
        send(error.status, stringify({ code: error.status, message: error.message }), error.message)
        return
      }
      // A client gone mid-body has nobody left to answer; anything else (a throwing onBatch) is a 500.
      if (req.socket.destroyed || closing.signal.aborted) throw error
      const message = peerText(String(error))
      send(500, stringify({ code: 500, message }), message)
    }
  }

  const credentials = options.tls === true ? await tls.generate(host) : options.tls
  const server = tls.createServer(credentials, (req, res) => {
    // What escapes `handle` is a delay cut short by close or a client gone mid-body: nothing is
    // left to answer, and the connection is no longer in a known state.
    handle(req, res).catch(() => req.socket.destroy())
  })
  server.on("upgrade", (req, socket, head) => signalflow.upgrade(req, socket, head, faults))

  // `closeAllConnections` knows only connections that reached HTTP: not a TLS handshake that
  // never finished (a client that refused the certificate, behind a proxy that keeps the socket).
  const sockets = new Set<net.Socket>()
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket)
    socket.once("close", () => sockets.delete(socket))
  })

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject)
      resolve()
    })
  })
  const address = server.address()
  // Only a pipe or a closed server has no AddressInfo; this one listens on TCP.
  if (address === null || typeof address === "string") throw new Error(`unexpected server address ${address}`)
  const port = address.port
  const url = `${credentials === undefined ? "http" : "https"}://${host.includes(":") ? `[${host}]` : host}:${port}`

  let closed: Promise<void> | undefined
  const api: Server = {
    ...controlled,
    url,
    port,
    certificate: credentials?.cert,
    disconnectSignalFlow: () => signalflow.disconnect(),
    close: () =>
      closed ??= new Promise<void>((resolve) => {
        closing.abort()
        signalflow.close()
        server.close(() => resolve())
        // Hung and kept-alive connections would hold `close` open forever.
        server.closeAllConnections()
        for (const socket of sockets) socket.destroy()
      })
  }
  return api
}
