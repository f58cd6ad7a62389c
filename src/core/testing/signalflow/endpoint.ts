/**
 * The local server's SignalFlow: the WebSocket endpoint (`/v2/signalflow/connect`) and the SSE
 * one (`POST /v2/signalflow/execute`), computing over the datapoints the server ingested.
 */
import type * as http from "node:http"
import type * as stream from "node:stream"
import { WebSocketServer } from "ws"
import type { FaultScripts } from "../faults.js"
import { faultUpgrade, refuseUpgrade } from "../faults.js"
import type { RecordedDatapoint } from "../localServer.js"
import type { Route, RouteRequest, Streamed } from "../router.js"
import { streamed } from "../router.js"
import { compile } from "./compile.js"
import type { Outbound } from "./computation.js"
import { Computation, programErrorMessage, RequestError, resolveTiming } from "./computation.js"
import { SeriesStore } from "./store.js"
import { MAX_PROGRAM_CHARS, ProgramError } from "./syntax.js"
import type { Shared } from "./websocket.js"
import { Connection } from "./websocket.js"
import { encodeDataJson } from "./wire.js"

export const CONNECT_PATH = "/v2/signalflow/connect"

/** An SSE request refused before the stream starts, answered as JSON. */
const refuse = (response: http.ServerResponse, body: Readonly<Record<string, unknown>>): Streamed => {
  response.writeHead(400, { "content-type": "application/json" })
  response.end(JSON.stringify(body))
  return streamed(400)
}

const sseEvent = (message: Outbound): string => {
  if (message._tag === "Data") {
    return `event: data\ndata: ${encodeDataJson(message.logicalTimestampMs, message.points)}\n\n`
  }
  // The event name carries the type, as on the service's SSE streams.
  const { type, ...payload } = message.message
  return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`
}

export class SignalFlowEndpoint {
  private readonly store = new SeriesStore()
  private readonly handles = new Map<string, Computation>()
  private readonly shared: Shared
  // Large enough for a program of 50,000 characters written as escaped JSON.
  private readonly webSockets = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })
  private readonly sockets = new Set<stream.Duplex>()

  /**
   * @param onRefusedAuthentication told of each connection whose `authenticate` message was
   * refused, with the upgrade request that opened it, so that the refusal can be logged.
   */
  constructor(
    acceptsToken: (token: string) => boolean,
    private readonly onRefusedAuthentication: (request: http.IncomingMessage, reason: string) => void
  ) {
    this.shared = { store: this.store, acceptsToken, handles: this.handles }
  }

  ingest(datapoints: ReadonlyArray<RecordedDatapoint>, receivedAt: number): void {
    this.store.ingest(datapoints, receivedAt)
  }

  /**
   * Takes over an HTTP upgrade, after the fault scripted for its path, if any (a refused, reset,
   * hung or delayed connection); anything but the connect path is answered 404.
   */
  upgrade(request: http.IncomingMessage, socket: stream.Duplex, head: Buffer, faults: FaultScripts): void {
    const path = (request.url ?? "/").split("?")[0]
    if (path !== CONNECT_PATH) {
      refuseUpgrade(socket, 404)
      return
    }
    // Upgraded sockets are no longer the HTTP server's to close.
    this.sockets.add(socket)
    socket.once("close", () => this.sockets.delete(socket))
    const accept = () => {
      if (socket.destroyed) return
      this.webSockets.handleUpgrade(request, socket, head, (webSocket) => {
        new Connection(webSocket, this.shared, (reason) => this.onRefusedAuthentication(request, reason))
      })
    }
    faultUpgrade(faults.next(CONNECT_PATH), socket, accept)
  }

  /** Drops every SignalFlow connection at once, as a network failure would; returns how many. */
  disconnect(): number {
    const count = this.webSockets.clients.size
    for (const client of this.webSockets.clients) client.terminate()
    return count
  }

  /** The HTTP routes; the WebSocket endpoint is an upgrade, taken by {@link upgrade}. */
  readonly routes: ReadonlyArray<Route> = [
    { method: "POST", path: "/v2/signalflow/execute", handle: (request) => this.executeSse(request) }
  ]

  /**
   * `POST /v2/signalflow/execute`: the body is the program, the query string holds `start`,
   * `stop`, `resolution` and `maxDelay`. Answers a refusal as JSON, or streams the computation
   * as server-sent events until it ends or the client goes away.
   */
  private executeSse({ query: params, response, text }: RouteRequest): Streamed {
    const program = text()
    if (program.trim() === "" || program.length > MAX_PROGRAM_CHARS) {
      return refuse(response, {
        error: 400,
        message: `the body must be the program text, at most ${MAX_PROGRAM_CHARS} characters`
      })
    }
    let computation: Computation
    try {
      const timing = resolveTiming({
        start: params.get("start") ?? undefined,
        stop: params.get("stop") ?? undefined,
        resolution: params.get("resolution") ?? undefined,
        maxDelay: params.get("maxDelay") ?? undefined
      }, Date.now())
      computation = new Computation(compile(program), timing, this.store, {
        send: (message) => response.write(sseEvent(message)),
        end: () => {
          this.handles.delete(computation.handle)
          response.end()
        }
      })
    } catch (error) {
      if (error instanceof RequestError) return refuse(response, { error: 400, message: error.message })
      if (error instanceof ProgramError) {
        const { type: _type, ...body } = programErrorMessage(error, program)
        return refuse(response, body)
      }
      throw error
    }
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
    response.on("close", () => computation.abort())
    this.handles.set(computation.handle, computation)
    computation.start()
    return streamed(200)
  }

  /** Forgets the ingested datapoints; running computations keep running over what comes next. */
  reset(): void {
    this.store.clear()
  }

  close(): void {
    for (const computation of [...this.handles.values()]) computation.abort()
    for (const client of this.webSockets.clients) client.terminate()
    for (const socket of this.sockets) socket.destroy()
    this.webSockets.close()
  }
}
