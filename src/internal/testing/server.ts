/**
 * The local SignalFx server on `node:http`. Plain `node:http` rather than an Effect HTTP server
 * because the faults need the raw socket (a reset is `socket.destroy()`), and a test server
 * should depend on as little as possible of what it tests.
 *
 * Request order: scripted fault, then the token (401), the route (404, 405), the encoding and
 * type (415), the body (400); a request is recorded only once it decoded completely, so bad
 * input never changes what was recorded.
 */
import * as Either from "effect/Either"
import * as http from "node:http"
import { setTimeout as sleep } from "node:timers/promises"
import * as zlib from "node:zlib"
import type {
  Batch,
  Fault,
  Options,
  RecordedDatapoint,
  RecordedEvent,
  RecordedRequest,
  Server
} from "../../testing/FakeSignalFx.js"
import { setEntry } from "../record.js"
import { EVENT_CATEGORIES } from "../validation.js"
import * as json from "../wire/json.js"
import type { JsonValue } from "../wire/jsonParse.js"
import { parseJson } from "../wire/jsonParse.js"
import * as protobuf from "../wire/protobuf.js"
import type { DecodedEvent, WireDecodeError } from "../wire/records.js"
import { FaultScripts } from "./faults.js"
import type { Kind, RestResult } from "./metadataStore.js"
import { MetadataStore } from "./metadataStore.js"
import { SignalFlowEndpoint } from "./signalflow/endpoint.js"

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
  const category = EVENT_CATEGORIES.find((name) => name === event.category)
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

/** Undoes `Content-Encoding`; only gzip is supported, as by the collector's receiver. */
const decompress = (body: Buffer, encoding: string | undefined): Buffer => {
  const name = encoding?.trim().toLowerCase()
  if (name === undefined || name === "" || name === "identity") return body
  if (name !== "gzip") throw new HttpError(415, `unsupported Content-Encoding ${JSON.stringify(encoding)}`)
  try {
    return zlib.gunzipSync(body)
  } catch (error) {
    throw new HttpError(400, `the body is not valid gzip: ${String(error)}`)
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
  const tokens = options.tokens === undefined ? undefined : new Set(options.tokens)
  const metadata = new MetadataStore()
  const faults = new FaultScripts()
  const signalflow = new SignalFlowEndpoint((token) => tokens === undefined || tokens.has(token))
  let datapoints: Array<RecordedDatapoint> = []
  let events: Array<RecordedEvent> = []
  let requests: Array<RecordedRequest> = []
  // Aborted on close, so that delays end instead of keeping the process alive.
  const closing = new AbortController()

  const ingest = (route: "datapoint" | "event", contentType: string | undefined, body: Buffer): Batch => {
    const type = mediaType(contentType)
    if (type !== "application/x-protobuf" && type !== "application/json") {
      throw new HttpError(415, `unsupported Content-Type ${JSON.stringify(contentType ?? "")}`)
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
    const headers = redactHeaders(req.headers)
    let bodySize = 0
    const fault: Fault | undefined = faults.next(path)

    const record = (status: number | undefined): void => {
      requests.push({
        method,
        path: target,
        headers,
        status,
        bodySize,
        encoding: req.headers["content-encoding"],
        fault: fault?._tag
      })
    }
    const readBody = async (): Promise<Buffer> => {
      const chunks: Array<Buffer> = []
      for await (const chunk of req) {
        if (Buffer.isBuffer(chunk)) chunks.push(chunk)
      }
      const body = Buffer.concat(chunks)
      bodySize = body.length
      return body
    }
    const send = (status: number, body: string, extraHeaders: Readonly<Record<string, string>> = {}): void => {
      const contentType = body === "" ? {} : { "content-type": "application/json" }
      res.writeHead(status, { ...contentType, ...extraHeaders })
      res.end(body)
      record(status)
    }

    switch (fault?._tag) {
      case "Hang":
        record(undefined)
        return
      case "Reset":
        if (fault.when === "afterBody") await readBody()
        record(undefined)
        req.socket.destroy()
        return
      case "Respond": {
        await readBody()
        const retryAfter = fault.retryAfter === undefined
          ? {}
          : {
            "retry-after": typeof fault.retryAfter === "number"
              ? String(fault.retryAfter)
              : fault.retryAfter.toUTCString()
          }
        res.writeHead(fault.status, { ...retryAfter, ...fault.headers })
        res.end(fault.body ?? "")
        record(fault.status)
        return
      }
      case "Redirect": {
        await readBody()
        send(fault.status ?? 307, "", { location: fault.location })
        return
      }
      case "Delay":
        await sleep(fault.millis, undefined, { signal: closing.signal })
        break
    }

    try {
      const body = await readBody()
      if (options.maxBodyBytes !== undefined && body.length > options.maxBodyBytes) {
        throw new HttpError(413, `the body is ${body.length} bytes, more than the ${options.maxBodyBytes} allowed`)
      }
      const token = req.headers["x-sf-token"]
      if (token === undefined || token === "") throw new HttpError(401, "missing X-SF-Token")
      if (typeof token !== "string") throw new HttpError(401, "more than one X-SF-Token")
      if (tokens !== undefined && !tokens.has(token)) throw new HttpError(401, "invalid X-SF-Token")
      const segments = decodeSegments(path)
      if (segments[0] !== "v2") throw new HttpError(404, "no such endpoint")
      const route = segments[1]
      if (route === "signalflow" && segments[2] === "execute" && segments.length === 3) {
        if (method !== "POST") throw new HttpError(405, `${method} is not allowed here`)
        const program = decodeText(decompress(body, req.headers["content-encoding"]))
        const refusal = signalflow.executeSse(params, program, res)
        if (refusal === undefined) record(200)
        else send(refusal.status, JSON.stringify(refusal.body))
        return
      }
      if (segments.length === 2 && (route === "datapoint" || route === "event")) {
        if (method !== "POST") throw new HttpError(405, `${method} is not allowed here`)
        const batch = ingest(route, req.headers["content-type"], decompress(body, req.headers["content-encoding"]))
        // Before answering, so that a listener that throws shows up as a 500 at the sender.
        options.onBatch?.(batch)
        send(200, "\"OK\"")
        return
      }
      const result = rest(method, segments.slice(1), params, decompress(body, req.headers["content-encoding"]))
      send(result.status, result.body === undefined ? "" : stringify(result.body))
    } catch (error) {
      if (error instanceof HttpError) {
        send(error.status, stringify({ code: error.status, message: error.message }))
        return
      }
      // A client gone mid-body has nobody left to answer; anything else (a throwing onBatch) is a 500.
      if (req.socket.destroyed || closing.signal.aborted) throw error
      send(500, stringify({ code: 500, message: String(error) }))
    }
  }

  const server = http.createServer((req, res) => {
    // What escapes `handle` is a delay cut short by close or a client gone mid-body: nothing is
    // left to answer, and the connection is no longer in a known state.
    handle(req, res).catch(() => req.socket.destroy())
  })
  server.on("upgrade", (req, socket, head) => signalflow.upgrade(req, socket, head, faults))

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
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`

  let closed: Promise<void> | undefined
  return {
    url,
    port,
    // Replaced, never mutated, on each batch: the caller's array cannot change under it.
    datapoints: () => datapoints,
    events: () => events,
    requests: () => requests.slice(),
    fault: (route, script) => faults.add(route, script),
    disconnectSignalFlow: () => signalflow.disconnect(),
    reset: () => {
      datapoints = []
      events = []
      requests = []
      metadata.clear()
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
      })
  }
}
