/**
 * The local SignalFx server on `node:http`. Plain `node:http` rather than an Effect HTTP server
 * because the faults need the raw socket (a reset is `socket.destroy()`), and a test server
 * should depend on as little as possible of what it tests.
 *
 * Request order: the control endpoints (`control.ts`, never recorded), a scripted fault, the
 * body's size as sent and inflated (413, `body.ts`), then the token (401), the route (404, 405),
 * the encoding and type (415), the number of datapoints or events (413, `batchSize.ts`), the
 * body (400); a request is recorded only once it decoded completely, so bad input never changes
 * what was recorded.
 */
import * as Either from "effect/Either"
import type * as http from "node:http"
import type * as net from "node:net"
import { setTimeout as sleep } from "node:timers/promises"
import type {
  Batch,
  Fault,
  Options,
  RecordedDatapoint,
  RecordedEvent,
  RecordedRequest,
  Server
} from "../../testing/FakeSignalFx.js"
import { peerText } from "../peerText.js"
import { setEntry } from "../record.js"
import { category as categoryRule } from "../rules.js"
import * as json from "../wire/json.js"
import type { JsonValue } from "../wire/jsonParse.js"
import { parseJson } from "../wire/jsonParse.js"
import * as protobuf from "../wire/protobufDecode.js"
import type { DecodedEvent, WireDecodeError } from "../wire/records.js"
import { countItems, MAX_ITEMS_PER_REQUEST } from "./batchSize.js"
import type { Body } from "./body.js"
import { DEFAULT_MAX_BODY_BYTES, readBody } from "./body.js"
import { handleControl, isControlPath } from "./control.js"
import { FaultScripts } from "./faults.js"
import type { Kind, RestResult } from "./metadataStore.js"
import { MetadataStore } from "./metadataStore.js"
import { RestStore } from "./restStore.js"
import { SignalFlowEndpoint } from "./signalflow/endpoint.js"
import * as tls from "./tls.js"

/** @internal */
export const REDACTED = "<redacted>"
const SECRET_HEADERS: ReadonlySet<string> = new Set(["x-sf-token", "authorization"])

/** An answer short of success, raised anywhere in the handler and written by its one catch. */
class HttpError {
  constructor(readonly status: number, readonly message: string) {}
}

/** JSON with `bigint`s written as exact integers, which `JSON.stringify` refuses. */
const stringify = (value: JsonValue): string => {
  if (typeof value === "bigint") return value.toString()
  if (value === null || typeof value !== "object") return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(stringify).join(",")}]`
  return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${stringify(item)}`).join(",")}}`
}

const redactHeaders = (headers: http.IncomingHttpHeaders): Record<string, string> => {
  const record: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    setEntry(record, name, SECRET_HEADERS.has(name) ? REDACTED : Array.isArray(value) ? value.join(", ") : value)
  }
  return record
}

const toRecordedEvent = (event: DecodedEvent): RecordedEvent => {
  // The decoders only let the eight enum names through; a miss here is a decoder bug.
  const category = categoryRule.values.find((name) => name === event.category)
  if (category === undefined) throw new HttpError(400, `unknown category ${JSON.stringify(event.category)}`)
  const properties: Record<string, string | number | bigint | boolean> = {}
  const propertyTypes: Record<string, "int" | "double" | "string" | "bool"> = {}
  for (const [key, property] of Object.entries(event.properties)) {
    setEntry(properties, key, property.value)
    setEntry(propertyTypes, key, property.valueType)
  }
  return {
    eventType: event.eventType,
    category,
    ...(event.timestamp === undefined ? {} : { timestamp: event.timestamp }),
    dimensions: event.dimensions,
    properties,
    propertyTypes
  }
}

const mediaType = (header: string | undefined): string | undefined =>
  header?.split(";")[0]?.trim().toLowerCase() || undefined

/** The body with `Content-Encoding` undone, or the error of a body that could not be. */
const decoded = (body: Body): Buffer => {
  switch (body._tag) {
    case "Read":
      return body.bytes
    case "Undecodable":
      throw new HttpError(body.status, body.message)
    case "TooLarge":
      throw new HttpError(413, body.message)
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

const decodeText = (body: Buffer): string => {
  try {
    return utf8.decode(body)
  } catch {
    throw new HttpError(400, "the body is not valid UTF-8")
  }
}

const orFail = <A>(result: Either.Either<A, WireDecodeError>): A => {
  if (Either.isLeft(result)) throw new HttpError(400, result.left.message)
  return result.right
}

const searchKinds: ReadonlySet<string> = new Set<Kind>(["metric", "dimension", "metrictimeseries", "tag"])
const isKind = (segment: string): segment is Kind => searchKinds.has(segment)

const decodeSegments = (path: string): Array<string> => {
  try {
    // Each segment on its own, so that `%2F` in a dimension value stays inside its segment.
    return path.split("/").slice(1).map(decodeURIComponent)
  } catch {
    throw new HttpError(400, "the path is not validly percent-encoded")
  }
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
  const signalflow = new SignalFlowEndpoint(
    (token) => tokens === undefined || tokens.has(token),
    (req, reason) => {
      // Not recorded: the upgrade is not an answered request; a listener hears of it all the same.
      const request: RecordedRequest = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: redactHeaders(req.headers),
        status: 401,
        bodySize: 0,
        encoding: undefined,
        fault: undefined
      }
      try {
        options.onRefused?.(request, reason)
      } catch {
        // The refusal is already sent: a listener's failure cannot change it.
      }
    }
  )
  let datapoints: Array<RecordedDatapoint> = []
  let events: Array<RecordedEvent> = []
  let requests: Array<RecordedRequest> = []
  // Aborted on close, so that delays end instead of keeping the process alive.
  const closing = new AbortController()

  const ingest = (route: "datapoint" | "event", contentType: string | undefined, body: Buffer): Batch => {
    const type = mediaType(contentType)
    if (type !== "application/x-protobuf" && type !== "application/json") {
      throw new HttpError(415, `unsupported Content-Type ${peerText(JSON.stringify(contentType ?? ""))}`)
    }
    const items = countItems(route, type, body)
    if (items > MAX_ITEMS_PER_REQUEST) {
      throw new HttpError(
        413,
        `the body carries more than the ${MAX_ITEMS_PER_REQUEST} ${route}s a request may carry; send smaller batches`
      )
    }
    if (route === "datapoint") {
      const decoded = orFail(
        type === "application/json" ? json.decodeDatapoints(decodeText(body)) : protobuf.decodeDatapoints(body)
      )
      metadata.ingest(decoded)
      signalflow.ingest(decoded, Date.now())
      datapoints = datapoints.concat(decoded)
      return { _tag: "Datapoints", datapoints: decoded }
    }
    const decoded = orFail(
      type === "application/json" ? json.decodeEvents(decodeText(body)) : protobuf.decodeEvents(body)
    )
      .map(toRecordedEvent)
    events = events.concat(decoded)
    return { _tag: "Events", events: decoded }
  }

  const parseBody = (body: Buffer): JsonValue => {
    const text = decodeText(body)
    return orFail(parseJson(text))
  }

  const rest = (method: string, segments: ReadonlyArray<string>, params: URLSearchParams, body: Buffer): RestResult => {
    const [kind, ...tail] = segments
    if (kind === undefined || !isKind(kind)) throw new HttpError(404, "no such endpoint")
    const allow = (...methods: ReadonlyArray<string>) => {
      if (!methods.includes(method)) throw new HttpError(405, `${method} is not allowed here`)
    }
    if (tail.length === 0) {
      allow("GET")
      return metadata.search(kind, params)
    }
    switch (kind) {
      case "metric": {
        if (tail.length !== 1) break
        allow("GET", "PUT")
        return method === "GET" ? metadata.getMetric(tail[0]!) : metadata.putMetric(tail[0]!, parseBody(body))
      }
      case "dimension": {
        const [key, value, underscore, agent] = tail
        if (key === undefined || value === undefined) break
        if (tail.length === 2) {
          allow("GET", "PUT")
          return method === "GET"
            ? metadata.getDimension(key, value)
            : metadata.putDimension(key, value, parseBody(body))
        }
        if (tail.length === 4 && underscore === "_" && agent === "sfxagent") {
          allow("PATCH")
          return metadata.patchDimension(key, value, parseBody(body))
        }
        break
      }
      case "metrictimeseries": {
        if (tail.length !== 1) break
        allow("GET")
        return metadata.getTimeSeries(tail[0]!)
      }
      case "tag": {
        if (tail.length !== 1) break
        allow("GET", "PUT", "DELETE")
        const name = tail[0]!
        return method === "GET"
          ? metadata.getTag(name)
          : method === "PUT"
          ? metadata.putTag(name, parseBody(body))
          : metadata.deleteTag(name)
      }
    }
    throw new HttpError(404, "no such endpoint")
  }

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = req.method ?? "GET"
    const target = req.url ?? "/"
    const queryStart = target.indexOf("?")
    const path = queryStart === -1 ? target : target.slice(0, queryStart)
    const params = new URLSearchParams(queryStart === -1 ? "" : target.slice(queryStart + 1))
    if (isControlPath(path)) {
      // Not SignalFx traffic: never recorded, never faulted.
      const result = await handleControl(api, method, path, req)
      res.writeHead(result.status, result.body === undefined ? {} : { "content-type": "application/json" })
      res.end(result.body === undefined ? "" : stringify(result.body))
      return
    }
    const headers = redactHeaders(req.headers)
    let bodySize = 0
    const fault: Fault | undefined = faults.next(path)

    const record = (status: number | undefined, refusal?: string): void => {
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
      if (refusal === undefined) return
      try {
        options.onRefused?.(request, refusal)
      } catch {
        // The answer is already sent: a listener's failure cannot change it.
      }
    }
    const readBoundedBody = async (): Promise<Body> => {
      const body = await readBody(req, limits)
      bodySize = body.size
      return body
    }
    const send = (
      status: number,
      body: string,
      extraHeaders: Readonly<Record<string, string>> = {},
      refusal?: string
    ): void => {
      const contentType = body === "" ? {} : { "content-type": "application/json" }
      res.writeHead(status, { ...contentType, ...extraHeaders })
      res.end(body)
      record(status, refusal)
    }
    const scripted = `scripted fault: ${fault?._tag}`

    /** Stored, and then the answer is lost. */
    const loseAnswer = async (lost: Extract<Fault, { readonly _tag: "LoseAnswer" }>): Promise<void> => {
      switch (lost.how) {
        case "reset":
          record(undefined)
          req.socket.destroy()
          return
        case "hang":
          record(undefined)
          return
        case "late":
          await sleep(lost.millis ?? 1_000, undefined, { signal: closing.signal })
          send(200, "\"OK\"")
          return
      }
    }

    switch (fault?._tag) {
      case "Hang":
        record(undefined, scripted)
        return
      case "Reset":
        if (fault.when === "afterBody") await readBoundedBody()
        record(undefined, `${scripted} ${fault.when}`)
        req.socket.destroy()
        return
      case "Respond": {
        await readBoundedBody()
        const retryAfter = fault.retryAfter === undefined
          ? {}
          : {
            "retry-after": typeof fault.retryAfter === "number"
              ? String(fault.retryAfter)
              : fault.retryAfter.toUTCString()
          }
        res.writeHead(fault.status, { ...retryAfter, ...fault.headers })
        res.end(fault.body ?? "")
        record(fault.status, scripted)
        return
      }
      case "Redirect": {
        await readBoundedBody()
        send(fault.status ?? 307, "", { location: fault.location }, `${scripted} to ${fault.location}`)
        return
      }
      case "Delay":
        await sleep(fault.millis, undefined, { signal: closing.signal })
        break
    }

    try {
      const body = await readBoundedBody()
      if (body._tag === "TooLarge") throw new HttpError(413, body.message)
      const token = req.headers["x-sf-token"]
      // A login is how a user without a token gets one.
      if (method === "POST" && path === "/v2/session" && token === undefined) {
        const result = restStore.login(parseBody(decoded(body)))
        send(result.status, result.body === undefined ? "" : stringify(result.body))
        return
      }
      if (token === undefined || token === "") throw new HttpError(401, "missing X-SF-Token")
      if (typeof token !== "string") throw new HttpError(401, "more than one X-SF-Token")
      if (tokens !== undefined && !tokens.has(token) && !restStore.hasSession(token)) {
        throw new HttpError(401, "invalid X-SF-Token")
      }
      const segments = decodeSegments(path)
      if (segments[0] !== "v2") throw new HttpError(404, "no such endpoint")
      const route = segments[1]
      if (route === "signalflow" && segments[2] === "execute" && segments.length === 3) {
        if (method !== "POST") throw new HttpError(405, `${method} is not allowed here`)
        const program = decodeText(decoded(body))
        const refusal = signalflow.executeSse(params, program, res)
        if (refusal === undefined) record(200)
        else send(refusal.status, JSON.stringify(refusal.body))
        return
      }
      if (segments.length === 2 && (route === "datapoint" || route === "event")) {
        if (method !== "POST") throw new HttpError(405, `${method} is not allowed here`)
        const batch = ingest(route, req.headers["content-type"], decoded(body))
        // Before answering, so that a listener that throws shows up as a 500 at the sender.
        options.onBatch?.(batch)
        if (fault?._tag === "LoseAnswer") return loseAnswer(fault)
        send(200, "\"OK\"")
        return
      }
      const restBody = decoded(body)
      const result = route !== undefined && restStore.handles(route)
        ? restStore.handle(method, segments.slice(1), params, () => parseBody(restBody), token)
        : rest(method, segments.slice(1), params, restBody)
      send(result.status, result.body === undefined ? "" : stringify(result.body))
    } catch (error) {
      if (error instanceof HttpError) {
        send(error.status, stringify({ code: error.status, message: error.message }), {}, error.message)
        return
      }
      // A client gone mid-body has nobody left to answer; anything else (a throwing onBatch) is a 500.
      if (req.socket.destroyed || closing.signal.aborted) throw error
      const message = peerText(String(error))
      send(500, stringify({ code: 500, message }), {}, message)
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
    url,
    port,
    certificate: credentials?.cert,
    // Replaced, never mutated, on each batch: the caller's array cannot change under it.
    datapoints: () => datapoints,
    events: () => events,
    requests: () => requests.slice(),
    fault: (route, script) => faults.add(route, script),
    raiseIncident: (incident) => restStore.raiseIncident(incident),
    disconnectSignalFlow: () => signalflow.disconnect(),
    reset: () => {
      datapoints = []
      events = []
      requests = []
      metadata.clear()
      restStore.clear()
      faults.clear()
      signalflow.reset()
    },
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
