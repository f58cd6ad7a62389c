/**
 * The local server's route table and the one path every request takes through it. Each concern
 * declares its routes beside its handlers (`ingest.ts`, `restStore.ts`, `metadataStore.ts`,
 * `signalflow/endpoint.ts`, `control.ts`); `server.ts` puts them in one table. The steps every
 * route shares are taken here, in this order, never in a handler:
 *
 * 1. the route is looked up (a pattern's literal segments before another's parameters: the first
 *    pattern in the table that fits the path decides it, and the method then picks among the
 *    routes of that pattern);
 * 2. for SignalFx traffic (not the control endpoints): the scripted fault, if any (`faults.ts`),
 *    which may answer instead of the route, delay it, or lose its answer afterwards;
 * 3. the body, read within its bounds (413, `body.ts`);
 * 4. the token (401), as the route's access says;
 * 5. the path's problems: not validly percent-encoded (400), no route (404), not this method (405);
 * 6. the handler, whose answer is written and then recorded (control requests are never recorded).
 *
 * A handler refuses by throwing an {@link HttpError} (told to `onRefused`) or answers a
 * {@link RestResult} of any status.
 */
import type * as http from "node:http"
import { peerText } from "../peerText.js"
import type { JsonValue } from "../wire/jsonParse.js"
import { parseJson } from "../wire/jsonParse.js"
import type { Decoded } from "../wire/records.js"
import type { Body } from "./body.js"

/**
 * A JSON answer: a status and a JSON body, or none (204).
 * @internal
 */
export interface RestResult {
  readonly status: number
  readonly body?: JsonValue
}

/** An answer short of success, raised anywhere in a handler and written by the dispatcher. @internal */
export class HttpError {
  constructor(readonly status: number, readonly message: string) {}
}

/**
 * Who may call a route: `token`, SignalFx traffic with a valid `X-SF-Token`; `login`, the same,
 * or without any token (how a user without one gets one); `control`, the test-control
 * endpoints, which need no token and are never faulted nor recorded.
 * @internal
 */
export type Access = "token" | "login" | "control"

/** What a handler is given. @internal */
export interface RouteRequest {
  readonly method: string
  /** The path's parameters, by the names of the pattern's `:name` segments, percent-decoded. */
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  readonly headers: http.IncomingHttpHeaders
  /** The token the request was authenticated with; none for a login or control request without one. */
  readonly token: string | undefined
  /** The body with `Content-Encoding` undone; throws the {@link HttpError} of one that could not be. */
  bytes(): Buffer
  /** The body as UTF-8 text; throws a 400 for invalid UTF-8. */
  text(): string
  /** The body as JSON; throws a 400 for a body that does not parse. */
  json(): JsonValue
  /** For a route that answers by itself (a stream): the response to write. */
  readonly response: http.ServerResponse
}

/** A handler that wrote its answer itself, with this status. @internal */
export interface Streamed {
  readonly _tag: "Streamed"
  readonly status: number
}

/** @internal */
export type Answer = RestResult | Streamed

/** @internal */
export interface Route {
  readonly method: string | "*"
  /** `/v2/dimension/:key/:value`; a last segment `*` fits any rest of the path, none included. */
  readonly path: string
  /** `token` when not said. */
  readonly access?: Access | undefined
  /** The body's bound when not the server's (a control request is small). */
  readonly maxBodyBytes?: number | undefined
  readonly handle: (request: RouteRequest) => Answer | Promise<Answer>
}

/** A parameter of the route's path, by the name its pattern gives it. @internal */
export const param = (params: Readonly<Record<string, string>>, name: string): string => params[name] ?? ""

/** @internal */
export const streamed = (status: number): Streamed => ({ _tag: "Streamed", status })

/** @internal */
export const ok = (body: JsonValue): RestResult => ({ status: 200, body })

/** @internal */
export const errorResult = (status: number, message: string): RestResult => ({
  status,
  body: { code: status, message }
})

/** JSON with `bigint`s written as exact integers, which `JSON.stringify` refuses. @internal */
export const stringify = (value: JsonValue): string => {
  if (typeof value === "bigint") return value.toString()
  if (value === null || typeof value !== "object") return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(stringify).join(",")}]`
  return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${stringify(item)}`).join(",")}}`
}

/** A wire decoder's result, or its 400. @internal */
export const orFail = <A>(result: Decoded<A>): A => {
  if (!result.ok) throw new HttpError(400, result.error.message)
  return result.value
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

const decodeText = (body: Buffer): string => {
  try {
    return utf8.decode(body)
  } catch {
    throw new HttpError(400, "the body is not valid UTF-8")
  }
}

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

/** @internal */
export const routeRequest = (
  req: http.IncomingMessage,
  response: http.ServerResponse,
  body: Body,
  fields: Pick<RouteRequest, "params" | "query" | "token">
): RouteRequest => ({
  method: req.method ?? "GET",
  headers: req.headers,
  response,
  ...fields,
  bytes: () => decoded(body),
  text: () => decodeText(decoded(body)),
  json: () => orFail(parseJson(decodeText(decoded(body))))
})

/** Where a request goes: a route, or why none. @internal */
export type Match =
  | { readonly _tag: "Found"; readonly route: Route; readonly params: Readonly<Record<string, string>> }
  | { readonly _tag: "NotAllowed"; readonly access: Access; readonly allowed: ReadonlyArray<string> }
  | { readonly _tag: "NotFound" }
  | { readonly _tag: "BadPath" }

const fits = (pattern: ReadonlyArray<string>, segments: ReadonlyArray<string>): Record<string, string> | undefined => {
  const wildcard = pattern[pattern.length - 1] === "*"
  const fixed = wildcard ? pattern.length - 1 : pattern.length
  if (wildcard ? segments.length < fixed : segments.length !== fixed) return undefined
  const params: Record<string, string> = {}
  for (let index = 0; index < fixed; index++) {
    const part = pattern[index]!
    const segment = segments[index]!
    if (part.startsWith(":")) Object.defineProperty(params, part.slice(1), { value: segment, enumerable: true })
    else if (part !== segment) return undefined
  }
  return params
}

/** The route table: lookup by method and path. @internal */
export class RouteTable {
  private readonly patterns: ReadonlyArray<{ readonly route: Route; readonly pattern: ReadonlyArray<string> }>

  constructor(readonly routes: ReadonlyArray<Route>) {
    this.patterns = routes.map((route) => ({ route, pattern: route.path.split("/").slice(1) }))
  }

  match(method: string, path: string): Match {
    let segments: Array<string>
    try {
      // Each segment on its own, so that `%2F` in a dimension value stays inside its segment.
      segments = path.split("/").slice(1).map(decodeURIComponent)
    } catch {
      return { _tag: "BadPath" }
    }
    for (const { pattern, route } of this.patterns) {
      const params = fits(pattern, segments)
      if (params === undefined) continue
      const same = this.routes.filter((candidate) => candidate.path === route.path)
      const chosen = same.find((candidate) => candidate.method === method || candidate.method === "*")
      if (chosen !== undefined) return { _tag: "Found", route: chosen, params }
      return { _tag: "NotAllowed", access: route.access ?? "token", allowed: same.map((candidate) => candidate.method) }
    }
    return { _tag: "NotFound" }
  }
}

/** The refusal of a request the table has no route for. @internal */
export const unmatched = (method: string, match: Exclude<Match, { readonly _tag: "Found" }>): HttpError => {
  switch (match._tag) {
    case "BadPath":
      return new HttpError(400, "the path is not validly percent-encoded")
    case "NotFound":
      return new HttpError(404, "no such endpoint")
    case "NotAllowed":
      return new HttpError(405, `${peerText(method)} is not allowed here; use ${match.allowed.join(" or ")}`)
  }
}
