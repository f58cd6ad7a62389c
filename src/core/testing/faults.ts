/**
 * Scripted faults: per route, a queue of behaviours the next requests get, in order (when a
 * route's queue runs out, normal service resumes), and what each kind does, to an HTTP request
 * (before its route, or to its answer) and to a SignalFlow WebSocket upgrade. The dispatcher
 * (`router.ts`, `server.ts`) applies them; no handler knows of them.
 */
import * as http from "node:http"
import type * as stream from "node:stream"
import { setTimeout as sleep } from "node:timers/promises"
import type { Body } from "./body.js"
import type { Fault } from "./localServer.js"

const normalize = (route: string): string => (route.length > 1 && route.endsWith("/") ? route.slice(0, -1) : route)

/** @internal */
export class FaultScripts {
  private readonly scripts = new Map<string, Array<Fault>>()

  /** Appends to the route's script, so two calls read like one longer script. */
  add(route: string, faults: ReadonlyArray<Fault>): void {
    if (!route.startsWith("/")) throw new TypeError(`a fault route is a path such as "/v2/datapoint", got ${route}`)
    const key = normalize(route)
    this.scripts.set(key, [...(this.scripts.get(key) ?? []), ...faults])
  }

  /**
   * The fault for a request to `path`: the script of the longest route that is `path` itself or
   * one of its parent paths and still has faults left, so `/v2/dimension` covers
   * `/v2/dimension/host/a` unless that has its own script.
   */
  next(path: string): Fault | undefined {
    let best: Array<Fault> | undefined
    let bestLength = -1
    for (const [route, script] of this.scripts) {
      if (script.length === 0 || route.length <= bestLength) continue
      if (path === route || path.startsWith(route === "/" ? "/" : `${route}/`)) {
        best = script
        bestLength = route.length
      }
    }
    return best?.shift()
  }

  clear(): void {
    this.scripts.clear()
  }
}

const retryAfterHeader = (fault: Extract<Fault, { readonly _tag: "Respond" }>): Record<string, string> =>
  fault.retryAfter === undefined
    ? {}
    : {
      "retry-after": typeof fault.retryAfter === "number" ? String(fault.retryAfter) : fault.retryAfter.toUTCString()
    }

/** What a fault needs of the exchange it disturbs. @internal */
export interface FaultExchange {
  readonly req: http.IncomingMessage
  readonly res: http.ServerResponse
  /** Aborted when the server closes, so that delays end instead of keeping the process alive. */
  readonly closing: AbortSignal
  readBody(): Promise<Body>
  record(status: number | undefined, refusal?: string): void
}

/**
 * Applies a fault before the route runs: `true` when the fault took the request (answered it,
 * reset it, left it hanging), `false` when the route is to be served (at once, or after a delay).
 * @internal
 */
export const faultBeforeRoute = async (fault: Fault | undefined, exchange: FaultExchange): Promise<boolean> => {
  const scripted = `scripted fault: ${fault?._tag}`
  const { req, res } = exchange
  switch (fault?._tag) {
    case undefined:
    case "LoseAnswer":
      return false
    case "Delay":
      await sleep(fault.millis, undefined, { signal: exchange.closing })
      return false
    case "Hang":
      exchange.record(undefined, scripted)
      return true
    case "Reset":
      if (fault.when === "afterBody") await exchange.readBody()
      exchange.record(undefined, `${scripted} ${fault.when}`)
      req.socket.destroy()
      return true
    case "Respond":
      await exchange.readBody()
      res.writeHead(fault.status, { ...retryAfterHeader(fault), ...fault.headers })
      res.end(fault.body ?? "")
      exchange.record(fault.status, scripted)
      return true
    case "Redirect": {
      await exchange.readBody()
      const status = fault.status ?? 307
      res.writeHead(status, { location: fault.location })
      res.end()
      exchange.record(status, `${scripted} to ${fault.location}`)
      return true
    }
  }
}

/**
 * A `LoseAnswer` fault on a request its route served: the answer is lost (the connection reset or
 * left hanging), or written only after a while by `answer`. `false` for any other fault.
 * @internal
 */
export const loseAnswer = async (
  fault: Fault | undefined,
  exchange: FaultExchange,
  answer: () => void
): Promise<boolean> => {
  if (fault?._tag !== "LoseAnswer") return false
  switch (fault.how) {
    case "reset":
      exchange.record(undefined)
      exchange.req.socket.destroy()
      return true
    case "hang":
      exchange.record(undefined)
      return true
    case "late":
      await sleep(fault.millis ?? 1_000, undefined, { signal: exchange.closing })
      answer()
      return true
  }
}

/** An HTTP answer written on a socket that asked for an upgrade. */
const statusLine = (status: number, headers: Readonly<Record<string, string>>, body: string): string =>
  [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ""}`,
    ...Object.entries({ ...headers, connection: "close", "content-length": String(Buffer.byteLength(body)) })
      .map(([name, value]) => `${name}: ${value}`),
    "",
    body
  ].join("\r\n")

/**
 * Applies a fault to a WebSocket upgrade: refused, redirected, reset, hung, or `accept`ed (at
 * once, or after a delay).
 * @internal
 */
export const faultUpgrade = (fault: Fault | undefined, socket: stream.Duplex, accept: () => void): void => {
  switch (fault?._tag) {
    case undefined:
      return accept()
    case "Respond":
      socket.end(statusLine(fault.status, { ...retryAfterHeader(fault), ...fault.headers }, fault.body ?? ""))
      return
    case "Redirect":
      socket.end(statusLine(fault.status ?? 307, { location: fault.location }, ""))
      return
    case "Reset":
      socket.destroy()
      return
    case "Hang":
    case "LoseAnswer":
      // An upgrade has no answer to lose after serving it: it is left unanswered, as a hang.
      return
    case "Delay": {
      const timer = setTimeout(accept, fault.millis)
      socket.once("close", () => clearTimeout(timer))
      return
    }
  }
}

/** An answer to a refused upgrade. @internal */
export const refuseUpgrade = (socket: stream.Duplex, status: number): void => {
  socket.end(statusLine(status, {}, ""))
}
