/**
 * One SignalFlow WebSocket connection (`/v2/signalflow/connect`): the `authenticate` handshake,
 * then requests (`execute`, `detach`, `stop`, `keepalive`) and the computations they start, each
 * on its own channel. JSON messages go as text frames, data batches as binary frames, gzipped
 * when the execute request asked for `compress`.
 */
import { WebSocket } from "ws"
import { peerText } from "../../peerText.js"
import { compile } from "./compile.js"
import type { Outbound } from "./computation.js"
import { Computation, control, programErrorMessage, RequestError, resolveTiming } from "./computation.js"
import type { SeriesStore } from "./store.js"
import { MAX_PROGRAM_CHARS, ProgramError } from "./syntax.js"
import { channelFits, encodeDataFrame } from "./wire.js"

/** The service's limit of computations per connection. */
export const MAX_JOBS_PER_CONNECTION = 300
/** How often the server says it is alive; the JavaScript client reconnects after a minute of silence. */
const KEEP_ALIVE_MS = 30_000
/** The close code for a refused token: an application code, as the handshake is in-band. */
export const CLOSE_UNAUTHORIZED = 4401

/** What connections share: the ingested data, the accepted tokens, and every running computation by handle. */
export interface Shared {
  readonly store: SeriesStore
  readonly acceptsToken: (token: string) => boolean
  readonly handles: Map<string, Computation>
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const optionalString = (request: Readonly<Record<string, unknown>>, name: string): string | undefined => {
  const value = request[name]
  return typeof value === "string" ? value : undefined
}

export class Connection {
  private authenticated = false
  private readonly jobs = new Map<string, Computation>()
  private readonly keepAlive: ReturnType<typeof setInterval>

  constructor(
    private readonly socket: WebSocket,
    private readonly shared: Shared,
    private readonly onRefusedAuthentication: (reason: string) => void
  ) {
    socket.on("message", (data, isBinary) => this.receive(data, isBinary))
    socket.on("close", () => this.closed())
    // A peer that vanished shows as a socket error; the close that follows cleans up.
    socket.on("error", () => socket.terminate())
    this.keepAlive = setInterval(() => this.sendJson(control("KEEP_ALIVE")), KEEP_ALIVE_MS)
    this.keepAlive.unref()
  }

  private sendJson(message: Outbound, channel?: string): void {
    if (this.socket.readyState !== WebSocket.OPEN || message._tag !== "Json") return
    this.socket.send(JSON.stringify(channel === undefined ? message.message : { ...message.message, channel }))
  }

  private error(status: number, message: string, channel: string | undefined): void {
    this.sendJson({ _tag: "Json", message: { type: "error", error: status, message } }, channel)
  }

  /**
   * Refuses a request on its own channel and ends the channel, so that a client waiting for the
   * end of its computation hears of it (the official clients ignore errors without a channel).
   */
  private refuse(status: number, message: string, channel: string): void {
    this.error(status, message, channel)
    this.sendJson(control("END_OF_CHANNEL"), channel)
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    let request: unknown
    try {
      if (isBinary) throw new Error("binary frame")
      request = JSON.parse(data.toString())
    } catch {
      this.error(400, "requests are JSON text messages", undefined)
      return
    }
    if (!isRecord(request) || typeof request.type !== "string") {
      this.error(400, "a request is a JSON object with a \"type\"", undefined)
      return
    }
    const channel = optionalString(request, "channel")
    if (request.type === "authenticate") {
      this.authenticate(request)
      return
    }
    if (!this.authenticated) {
      const message = "the connection is not authenticated: send {\"type\":\"authenticate\",\"token\":…} first"
      if (channel === undefined) this.error(401, message, undefined)
      else this.refuse(401, message, channel)
      return
    }
    switch (request.type) {
      case "execute":
        this.execute(request, channel)
        return
      case "detach": {
        const job = channel === undefined ? undefined : this.jobs.get(channel)
        const reason = optionalString(request, "reason")
        job?.abort({ state: "DETACHED", reason: reason === undefined ? "The client detached." : peerText(reason) })
        return
      }
      case "stop": {
        const handle = optionalString(request, "handle")
        const job = handle === undefined ? undefined : this.shared.handles.get(handle)
        if (job === undefined) {
          this.error(
            404,
            `no running computation has the handle ${peerText(JSON.stringify(handle ?? null))}`,
            undefined
          )
          return
        }
        const reason = optionalString(request, "reason")
        job.abort({ state: "STOPPED", reason: reason === undefined ? "Stopped by request." : peerText(reason) })
        return
      }
      case "keepalive": {
        const handle = optionalString(request, "handle")
        if (handle === undefined || !this.shared.handles.has(handle)) {
          this.error(
            404,
            `no running computation has the handle ${peerText(JSON.stringify(handle ?? null))}`,
            undefined
          )
        }
        return
      }
      default: {
        const message = `${
          peerText(JSON.stringify(request.type))
        } requests are not supported by the local SignalFlow server`
        if (channel === undefined) this.error(400, message, undefined)
        else this.refuse(400, message, channel)
      }
    }
  }

  private authenticate(request: Readonly<Record<string, unknown>>): void {
    const token = optionalString(request, "token")
    if (token === undefined || token === "" || !this.shared.acceptsToken(token)) {
      const reason = "authentication failed: the token is missing or not accepted"
      this.error(401, reason, undefined)
      this.socket.close(CLOSE_UNAUTHORIZED, "Unauthorized")
      this.onRefusedAuthentication(`SignalFlow ${reason}`)
      return
    }
    this.authenticated = true
    this.sendJson({ _tag: "Json", message: { type: "authenticated", orgId: "local", userId: "local" } })
  }

  private execute(request: Readonly<Record<string, unknown>>, channel: string | undefined): void {
    if (channel === undefined || channel === "" || !channelFits(channel)) {
      this.error(400, "execute needs a \"channel\" name of 1 to 16 bytes", undefined)
      return
    }
    if (this.jobs.has(channel)) {
      // Not ended: the channel is the running computation's, which goes on.
      this.error(400, `the channel ${peerText(JSON.stringify(channel))} is already in use`, channel)
      return
    }
    if (this.jobs.size >= MAX_JOBS_PER_CONNECTION) {
      this.refuse(400, `a connection runs at most ${MAX_JOBS_PER_CONNECTION} computations`, channel)
      return
    }
    const program = request.program
    if (typeof program !== "string" || program.length > MAX_PROGRAM_CHARS) {
      this.refuse(400, `"program" must be the program text, at most ${MAX_PROGRAM_CHARS} characters`, channel)
      return
    }
    const compress = request.compress === true
    try {
      const timing = resolveTiming(request, Date.now())
      const plan = compile(program)
      const computation = new Computation(plan, timing, this.shared.store, {
        send: (message) => this.sendOnChannel(channel, message, compress),
        end: () => {
          this.jobs.delete(channel)
          this.shared.handles.delete(computation.handle)
        }
      })
      this.jobs.set(channel, computation)
      this.shared.handles.set(computation.handle, computation)
      computation.start()
    } catch (error) {
      if (error instanceof RequestError) {
        this.refuse(400, error.message, channel)
      } else if (error instanceof ProgramError) {
        this.sendJson(control("STREAM_START"), channel)
        this.sendJson({ _tag: "Json", message: programErrorMessage(error, program) }, channel)
        this.sendJson(control("END_OF_CHANNEL"), channel)
      } else {
        // A bug in the emulation: the client hears of it instead of the server crashing.
        this.refuse(500, `the local SignalFlow server failed: ${peerText(String(error))}`, channel)
      }
    }
  }

  private sendOnChannel(channel: string, message: Outbound, compress: boolean): void {
    if (message._tag === "Json") {
      this.sendJson(message, channel)
      return
    }
    if (this.socket.readyState !== WebSocket.OPEN) return
    this.socket.send(encodeDataFrame(channel, message.logicalTimestampMs, message.points, compress), { binary: true })
  }

  private closed(): void {
    clearInterval(this.keepAlive)
    for (const job of [...this.jobs.values()]) job.abort()
  }
}
