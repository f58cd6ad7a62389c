/**
 * The `fetch` the Promise facade runs its requests on: `node:http(s)` whose sockets never hold
 * the process open.
 *
 * Node's own `fetch` keeps a socket referenced while its request is open, so a script that sent
 * and simply ended lived until the request timed out (a server that never answers, or answers
 * a byte at a time) before Node even emitted `beforeExit`, and only then did the shutdown
 * deadline start. Here every socket is unref'd: an open request no longer counts as work, the
 * event loop runs dry as soon as the program's own work is done, and the client's exit hook
 * (see `lifecycle.ts`) holds the process for exactly the shutdown deadline.
 *
 * One thing an unref'd socket still holds: a write the peer does not read (a body larger than
 * the socket buffers, to a server that never reads it). libuv counts the pending write as work,
 * so `beforeExit` never comes. While such writes are pending, a watch asks Node what is keeping
 * the process alive; when it is nothing but those writes, the program has ended, and the exit
 * hooks run as they would on `beforeExit`.
 *
 * Redirects are never followed, as with `redirect: "manual"`.
 */
import * as http from "node:http"
import type * as https from "node:https"
import type * as net from "node:net"
import { Readable } from "node:stream"
import { runExitHooks } from "./lifecycle.js"

const httpAgent = new http.Agent({ keepAlive: true })

/**
 * node:https, and TLS under it, is loaded by the first https request: a client of a plain-http
 * endpoint (a local collector) never loads it.
 */
let secure: { readonly https: typeof https; readonly agent: https.Agent } | undefined
const loadHttps = (): { readonly https: typeof https; readonly agent: https.Agent } => {
  if (secure === undefined) {
    const module = process.getBuiltinModule("node:https")
    secure = { https: module, agent: new module.Agent({ keepAlive: true }) }
  }
  return secure
}

/** The requests in flight, each with the socket it got. */
const inflight = new Set<http.ClientRequest>()

/** Statuses whose `Response` must have no body. */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 204, 205, 304])

/** How often the watch looks for a program that has ended behind a stalled write. */
const WATCH_INTERVAL_MILLIS = 200

/** The resource names Node gives a pending socket write. */
const WRITE_RESOURCES: ReadonlySet<string> = new Set(["WriteWrap", "SimpleWriteWrap", "ShutdownWrap"])

let watch: ReturnType<typeof setInterval> | undefined

const stalledWrites = (): number => {
  let count = 0
  for (const request of inflight) {
    const socket: net.Socket | null = request.socket
    if (socket !== null && socket.writableLength > 0) count++
  }
  return count
}

/**
 * Listed by Node while they exist, though idle they hold nothing: the pipes or terminals of
 * stdout and stderr. A third (stdin) may be read from, so it disables the watch.
 */
const STDIO_RESOURCES: ReadonlySet<string> = new Set(["PipeWrap", "TTYWrap"])
const MAX_STDIO_RESOURCES = 2

/**
 * The process is alive only because of our own pending writes: each socket has at most one
 * write in progress, so when the resources keeping the process alive are writes (besides
 * stdout and stderr) and there are no more of them than our sockets with a pending write, they
 * are all ours.
 */
const onlyOurWritesRemain = (): boolean => {
  let writes = 0
  let stdio = 0
  for (const name of process.getActiveResourcesInfo()) {
    if (WRITE_RESOURCES.has(name)) writes++
    else if (STDIO_RESOURCES.has(name)) stdio++
    else return false
  }
  return writes > 0 && stdio <= MAX_STDIO_RESOURCES && writes <= stalledWrites()
}

const track = (request: http.ClientRequest): void => {
  inflight.add(request)
  if (watch === undefined) {
    watch = setInterval(() => {
      if (onlyOurWritesRemain()) runExitHooks()
    }, WATCH_INTERVAL_MILLIS)
    watch.unref()
  }
}

const untrack = (request: http.ClientRequest): void => {
  if (!inflight.delete(request) || inflight.size > 0) return
  clearInterval(watch)
  watch = undefined
}

const abortError = (): Error => new DOMException("This operation was aborted", "AbortError")

const bodyOf = (body: RequestInit["body"]): Uint8Array | string | undefined => {
  if (body === undefined || body === null) return undefined
  if (typeof body === "string" || body instanceof Uint8Array) return body
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  throw new TypeError("this fetch sends only string and byte bodies")
}

/**
 * A `fetch` on `node:http(s)` with unref'd sockets, for the requests the services make: a
 * string or bytes body, a response streamed as it arrives, the `AbortSignal` honoured at any
 * stage.
 * @internal
 */
export const unrefFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
  new Promise((resolve, reject) => {
    const url = new URL(input instanceof Request ? input.url : input)
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return reject(new TypeError(`unsupported protocol ${url.protocol}`))
    }
    const signal = init.signal ?? undefined
    if (signal?.aborted) return reject(abortError())
    const body = bodyOf(init.body)
    const headers: Record<string, string> = {}
    new Headers(init.headers).forEach((value, name) => (headers[name] = value))
    if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body))

    const options = { method: init.method ?? "GET", headers }
    let request: http.ClientRequest
    if (url.protocol === "https:") {
      const { agent, https } = loadHttps()
      request = https.request(url, { ...options, agent })
    } else {
      request = http.request(url, { ...options, agent: httpAgent })
    }
    track(request)
    const onAbort = () => request.destroy(abortError())
    signal?.addEventListener("abort", onAbort, { once: true })
    const done = () => {
      signal?.removeEventListener("abort", onAbort)
      untrack(request)
    }
    request.on("socket", (socket) => socket.unref())
    request.on("error", (error) => {
      done()
      reject(error)
    })
    request.on("response", (response) => {
      response.on("close", done)
      const responseHeaders = new Headers()
      for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
        responseHeaders.append(response.rawHeaders[i]!, response.rawHeaders[i + 1]!)
      }
      const status = response.statusCode ?? 0
      const nullBody = NULL_BODY_STATUSES.has(status) || request.method === "HEAD"
      if (nullBody) response.resume()
      try {
        resolve(
          new Response(nullBody ? null : Readable.toWeb(response), {
            status,
            statusText: response.statusMessage ?? "",
            headers: responseHeaders
          })
        )
      } catch (error) {
        // A status `Response` cannot carry (below 200 or above 599): the answer is unusable.
        response.destroy()
        reject(error)
      }
    })
    request.end(body)
  })
