/**
 * The server-sent-events transport, for networks where WebSockets are blocked: one HTTP request
 * per attempt (`POST /v2/signalflow/execute`, the program text as the body, the parameters in the
 * query string), whose answer is a stream of events named by message type, each with its JSON
 * message as data. Commands are `POST`s too (`/v2/signalflow/{handle}/stop`, …).
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { peerText } from "../../core/peerText.js"
import { parseJson } from "../../core/wire/jsonParse.js"
import {
  ComputationFailedError,
  SignalFlowAuthenticationError,
  SignalFlowConnectionError
} from "../../SignalFxError.js"
import type { RequestFailure } from "../http/request.js"
import { makeRequests } from "../http/request.js"
import { describeBody, describeCause, readCapped, TOKEN_HEADER } from "../http/transport.js"
import { scrubServiceMessage, scrubTexts, toServiceError } from "./errors.js"
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

/** The path of a request as an error names it: the handle in it is the user's, of any length. */
const where = (request: Request): string => peerText(pathOf(request))

const parameters = (request: Request): Record<string, string> => {
  const params: Record<string, string> = {}
  for (const [key, value] of Object.entries(request)) {
    if (notParameters.has(key) || value === undefined) continue
    params[key] = typeof value === "string" ? value : JSON.stringify(value)
  }
  return params
}

/**
 * The most of an event kept while its end (a blank line) has not come, in characters of its
 * lines: a byte each of the JSON the service sends. The largest events are data messages, a value
 * of each time series of the computation at one timestamp, some 40 characters each: 16 Mi is room
 * for some 400,000 time series, more than the service lets a computation have, while a peer that
 * never ends its event can make the client keep no more.
 * @internal
 */
export const MAX_EVENT_LENGTH = 16 * 1024 * 1024

/** An event that grew past `MAX_EVENT_LENGTH` characters before its end. @internal */
export class EventTooLarge extends Data.TaggedError("EventTooLarge")<{ readonly length: number }> {}

/**
 * Splits a text stream into server-sent events and hands each to `onEvent`, which may end the
 * reading early by answering a value. The text is read line by line, each chunk scanned once for
 * its line ends: the part of a line that has not ended yet is kept as pieces and joined once it
 * ends, so an event spread over many chunks costs time in proportion to its length. An event
 * that grows past `MAX_EVENT_LENGTH` characters fails the reading.
 * @internal
 */
export const readEvents = <E>(
  body: Stream.Stream<Uint8Array, E>,
  onEvent: (event: string, data: string) => AttemptEnd | undefined
): Effect.Effect<AttemptEnd | undefined, E | EventTooLarge> => {
  let result: AttemptEnd | undefined
  const decoder = new TextDecoder()
  // The event being read, and how many characters of its lines are kept.
  let event = "message"
  let data: Array<string> = []
  let kept = 0
  // The line that has not ended yet, in pieces.
  let unfinished: Array<string> = []
  let unfinishedLength = 0
  const takeLine = (line: string) => {
    if (line === "") {
      if (data.length > 0) result = onEvent(event, data.join("\n"))
      event = "message"
      data = []
      kept = 0
      return
    }
    if (line.startsWith(":")) return
    const colon = line.indexOf(":")
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "")
    if (field === "event") event = value
    else if (field === "data") data.push(value)
    else return
    // The line as it came, its end included: many short lines cost more than their values.
    kept += line.length + 1
  }
  const takeText = (text: string) => {
    let start = 0
    while (result === undefined && kept + unfinishedLength <= MAX_EVENT_LENGTH) {
      const newline = text.indexOf("\n", start)
      if (newline < 0) {
        if (start < text.length) {
          unfinished.push(text.slice(start))
          unfinishedLength += text.length - start
        }
        return
      }
      let line = text.slice(start, newline)
      if (unfinished.length > 0) {
        unfinished.push(line)
        line = unfinished.join("")
        unfinished = []
        unfinishedLength = 0
      }
      takeLine(line.endsWith("\r") ? line.slice(0, -1) : line)
      start = newline + 1
    }
  }
  return body.pipe(
    Stream.runForEachWhile((chunk) =>
      Effect.suspend(() => {
        takeText(decoder.decode(chunk, { stream: true }))
        const length = kept + unfinishedLength
        return length > MAX_EVENT_LENGTH ? new EventTooLarge({ length }) : Effect.succeed(result === undefined)
      })
    ),
    Effect.map(() => result)
  )
}

/** @internal */
export const make = (options: ResolvedOptions): Effect.Effect<Transport, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const { scrub, send } = yield* makeRequests({
      base: signalflowUrl(options.httpBase, ""),
      headers: { [TOKEN_HEADER]: Redacted.value(options.token), "user-agent": options.userAgent },
      secretHeader: TOKEN_HEADER,
      secret: options.token
    })
    const endpoint = options.httpBase.href

    const post = (request: Request) => {
      const base = HttpClientRequest.post(pathOf(request)).pipe(HttpClientRequest.setUrlParams(parameters(request)))
      return typeof request.program === "string"
        ? HttpClientRequest.bodyText(base, request.program, "text/plain")
        : base
    }

    /**
     * Sends the request, again while it fails in a way worth retrying (the network, 408, 429,
     * 5xx) and the reconnect schedule allows; a success is the answer.
     */
    const open = (request: Request) =>
      send(post(request), { read: Effect.succeed }).pipe(
        Effect.retry({ schedule: options.reconnect, while: (failure) => failure.retryable }),
        Effect.mapError((failure) => connectFailure(request, failure))
      )

    /** What a failed request means to SignalFlow: a refused token, a program refused (400), or no connection. */
    const connectFailure = (request: Request, failure: RequestFailure): ConnectError | ComputationFailedError => {
      const status = failure.error.status
      if (status === undefined) {
        return new SignalFlowConnectionError({
          endpoint,
          reason: "Transport",
          description: `POST ${where(request)} failed${peerText(scrub(describeCause(failure.error.cause)))}`
        })
      }
      if (failure.verdict === "tokenRefused") {
        return new SignalFlowAuthenticationError({ endpoint, description: `HTTP ${status}` })
      }
      if (status === 400) {
        // A program the service cannot run: `{message, errorType, …}`, each of its texts scrubbed.
        const error = scrubTexts(parseObject(failure.body), scrub)
        return new ComputationFailedError({ errors: [toServiceError({ code: 400, ...error })] })
      }
      return new SignalFlowConnectionError({
        endpoint,
        reason: "StatusCode",
        status,
        description: `POST ${where(request)} answered HTTP ${status}${describeBody(failure.body)}`
      })
    }

    const attempt = (request: Request, sink: Sink): Effect.Effect<AttemptEnd, ConnectError> =>
      Effect.scoped(
        Effect.gen(function*() {
          const response = yield* open(request)
          const end = yield* readEvents(response.stream, (event, data) => {
            // Integers beyond 2^53 stay exact, as bigints, as they do in binary frames.
            const parsed = parseJson(data)
            if (!parsed.ok) return undefined
            const value = parsed.value
            if (typeof value !== "object" || value === null) return undefined
            const message = "type" in value ? value : { type: event, ...value }
            return sink({ _tag: "Json", value: scrubServiceMessage(message, scrub) })
          }).pipe(
            Effect.catchTag("EventTooLarge", ({ length }) =>
              // Failed rather than dropped: the computation run again would send the same event.
              Effect.succeed<AttemptEnd>({
                _tag: "Failed",
                error: new SignalFlowConnectionError({
                  endpoint,
                  reason: "TooLarge",
                  description:
                    `the service sent an event of more than ${MAX_EVENT_LENGTH} characters (${length} so far) without its end`
                })
              })),
            Effect.orElseSucceed(() => undefined)
          )
          // A stream that stops without the end of its channel was cut: the computation resumes.
          return end ?? dropped
        })
      ).pipe(
        Effect.catchTag("ComputationFailedError", (error) => Effect.succeed<AttemptEnd>({ _tag: "Failed", error }))
      )

    const command = (request: Request): Effect.Effect<void, ConnectError> =>
      open(request).pipe(
        Effect.flatMap((response) => readCapped(response.stream)),
        Effect.scoped,
        Effect.asVoid,
        Effect.catchTag("ComputationFailedError", (error) =>
          Effect.fail(
            new SignalFlowConnectionError({
              endpoint,
              reason: "StatusCode",
              status: 400,
              description: peerText(error.message)
            })
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
