/**
 * The server-sent-events transport, for networks where WebSockets are blocked: one HTTP request
 * per attempt (`POST /v2/signalflow/execute`, the program text as the body, the parameters in the
 * query string), whose answer is a stream of events named by message type, each with its JSON
 * message as data. Commands are `POST`s too (`/v2/signalflow/{handle}/stop`, …).
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import type { SignalFlowError } from "../../SignalFxError.js"
import {
  ComputationFailedError,
  SignalFlowAuthenticationError,
  SignalFlowConnectionError
} from "../../SignalFxError.js"
import { describeBody, describeCause, readCapped, secure } from "../http/transport.js"
import { parseJson } from "../wire/jsonParse.js"
import { toServiceError } from "./errors.js"
import type { ResolvedOptions } from "./options.js"
import { signalflowUrl } from "./options.js"
import type { AttemptEnd, Request, Sink, Transport } from "./transport.js"
import { dropped } from "./transport.js"

type ConnectError = SignalFlowAuthenticationError | SignalFlowConnectionError

/** The request fields that are not query parameters. */
const notParameters = new Set(["type", "program", "handle", "compress", "channel"])

const pathOf = (request: Request): string => {
  const handle = typeof request.handle === "string" ? encodeURIComponent(request.handle) : ""
  switch (request.type) {
    case "attach":
    case "stop":
    case "keepalive":
      return `/${handle}/${request.type}`
    default:
      return `/${request.type}`
  }
}

const parameters = (request: Request): Record<string, string> => {
  const params: Record<string, string> = {}
  for (const [key, value] of Object.entries(request)) {
    if (notParameters.has(key) || value === undefined) continue
    params[key] = typeof value === "string" ? value : JSON.stringify(value)
  }
  return params
}

/**
 * Splits a text stream into server-sent events and hands each to `onEvent`, which may end the
 * reading early by answering a value.
 * @internal
 */
export const readEvents = <E>(
  body: Stream.Stream<Uint8Array, E>,
  onEvent: (event: string, data: string) => AttemptEnd | undefined
): Effect.Effect<AttemptEnd | undefined, E> => {
  let pending = ""
  let result: AttemptEnd | undefined
  const decoder = new TextDecoder()
  const dispatch = (block: string) => {
    let event = "message"
    const data: Array<string> = []
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(":")) continue
      const colon = line.indexOf(":")
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "")
      if (field === "event") event = value
      else if (field === "data") data.push(value)
    }
    if (data.length > 0) result = onEvent(event, data.join("\n"))
  }
  return body.pipe(
    Stream.runForEachWhile((chunk) =>
      Effect.sync(() => {
        pending += decoder.decode(chunk, { stream: true })
        let boundary: RegExpExecArray | null
        while (result === undefined && (boundary = /\r?\n\r?\n/.exec(pending)) !== null) {
          const block = pending.slice(0, boundary.index)
          pending = pending.slice(boundary.index + boundary[0].length)
          dispatch(block)
        }
        return result === undefined
      })
    ),
    Effect.map(() => result)
  )
}

/** @internal */
export const make = (options: ResolvedOptions): Effect.Effect<Transport, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const { client, headers, run, scrub } = yield* secure(options.token, options.userAgent, options.httpBase)
    const endpoint = options.httpBase.href

    const post = (request: Request) => {
      const url = signalflowUrl(options.httpBase, pathOf(request))
      const base = HttpClientRequest.post(url).pipe(
        HttpClientRequest.setHeaders(headers),
        HttpClientRequest.setUrlParams(parameters(request))
      )
      return typeof request.program === "string"
        ? HttpClientRequest.bodyText(base, request.program, "text/plain")
        : base
    }

    /** Sends the request; a refused token or an error status fails, anything else is the answer. */
    const open = (request: Request) =>
      Effect.gen(function*() {
        const response = yield* run(client.execute(post(request))).pipe(
          Effect.mapError((error) =>
            new SignalFlowConnectionError({
              endpoint,
              reason: "Transport",
              description: scrub(`POST ${pathOf(request)} failed${describeCause(error.cause)}`)
            })
          )
        )
        if (response.status === 200) return response
        const body = yield* readCapped(response.stream)
        if (response.status === 401 || response.status === 403) {
          return yield* new SignalFlowAuthenticationError({ endpoint, description: `HTTP ${response.status}` })
        }
        if (response.status === 400) {
          // A program the service cannot run: `{message, errorType, …}`.
          return yield* new ComputationFailedError({ errors: [toServiceError({ code: 400, ...parseObject(body) })] })
        }
        return yield* new SignalFlowConnectionError({
          endpoint,
          reason: "StatusCode",
          status: response.status,
          // Scrubbed before describeBody cuts it: a token straddling the cut would leave its prefix.
          description: `POST ${pathOf(request)} answered HTTP ${response.status}${describeBody(scrub(body))}`
        })
      })

    const retried = <A, E extends SignalFlowError, R>(effect: Effect.Effect<A, E, R>) =>
      Effect.retry(effect, {
        schedule: options.reconnect,
        while: (error) =>
          error._tag === "SignalFlowConnectionError" && (error.status === undefined || error.status >= 500)
      })

    const attempt = (request: Request, sink: Sink): Effect.Effect<AttemptEnd, ConnectError> =>
      Effect.scoped(
        Effect.gen(function*() {
          const response = yield* retried(open(request))
          const end = yield* readEvents(response.stream, (event, data) => {
            // Integers beyond 2^53 stay exact, as bigints, as they do in binary frames.
            const parsed = parseJson(data)
            if (Either.isLeft(parsed)) return undefined
            const value = parsed.right
            if (typeof value !== "object" || value === null) return undefined
            return sink({ _tag: "Json", value: "type" in value ? value : { type: event, ...value } })
          }).pipe(Effect.orElseSucceed(() => undefined))
          // A stream that stops without the end of its channel was cut: the computation resumes.
          return end ?? dropped
        })
      ).pipe(
        Effect.catchTag("ComputationFailedError", (error) => Effect.succeed<AttemptEnd>({ _tag: "Failed", error }))
      )

    const command = (request: Request): Effect.Effect<void, ConnectError> =>
      retried(open(request)).pipe(
        Effect.flatMap((response) => readCapped(response.stream)),
        Effect.scoped,
        Effect.asVoid,
        Effect.catchTag("ComputationFailedError", (error) =>
          Effect.fail(
            new SignalFlowConnectionError({ endpoint, reason: "StatusCode", status: 400, description: error.message })
          ))
      )

    return { attempt, command } satisfies Transport
  })

const parseObject = (text: string): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value))
      : { message: text }
  } catch {
    return text.trim() === "" ? {} : { message: text.trim() }
  }
}
