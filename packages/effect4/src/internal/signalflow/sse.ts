/**
 * The server-sent-events transport, for networks where WebSockets are blocked: one HTTP request
 * per attempt (`POST /v2/signalflow/execute`, the program text as the body, the parameters in the
 * query string), whose answer is a stream of events named by message type, each with its JSON
 * message as data. Commands are `POST`s too (`/v2/signalflow/{handle}/stop`, …).
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { peerText } from "../../core/peerText.js"
import { scrubServiceMessage } from "../../core/signalflow/errors.js"
import { signalflowUrl } from "../../core/signalflow/options.js"
import {
  EventReader,
  messageOfEvent,
  pathOf,
  queryOf,
  requestFailure,
  tooLargeText
} from "../../core/signalflow/sse.js"
import {
  ComputationFailedError,
  SignalFlowAuthenticationError,
  SignalFlowConnectionError
} from "../../SignalFxError.js"
import type { RequestFailure } from "../http/request.js"
import { makeRequests } from "../http/request.js"
import { readCapped, TOKEN_HEADER } from "../http/transport.js"
import type { ResolvedOptions } from "./options.js"
import type { AttemptEnd, Request, Sink, Transport } from "./transport.js"
import { dropped } from "./transport.js"

type ConnectError = SignalFlowAuthenticationError | SignalFlowConnectionError

/** An event that grew past `MAX_EVENT_LENGTH` characters before its end. @internal */
export class EventTooLarge extends Data.TaggedError("EventTooLarge")<{ readonly length: number }> {}

/**
 * Reads a body as server-sent events (the core's `EventReader`), handing each to `onEvent`, which
 * may end the reading early by answering a value. An event that grows past `MAX_EVENT_LENGTH`
 * characters fails the reading.
 * @internal
 */
export const readEvents = <E>(
  body: Stream.Stream<Uint8Array, E>,
  onEvent: (event: string, data: string) => AttemptEnd | undefined
): Effect.Effect<AttemptEnd | undefined, E | EventTooLarge> => {
  const reader = new EventReader(onEvent)
  return body.pipe(
    Stream.runForEachWhile((chunk) =>
      Effect.suspend(() => {
        const readOn = reader.push(chunk)
        return reader.tooLarge ? new EventTooLarge({ length: reader.length }) : Effect.succeed(readOn)
      })
    ),
    Effect.map(() => reader.result)
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
      const base = HttpClientRequest.post(pathOf(request)).pipe(HttpClientRequest.setUrlParams(queryOf(request)))
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

    /** What a failed request means to SignalFlow (see the core's `requestFailure`). */
    const connectFailure = (request: Request, failure: RequestFailure): ConnectError | ComputationFailedError => {
      const meaning = requestFailure(request, {
        status: failure.error.status,
        tokenRefused: failure.verdict === "tokenRefused",
        body: failure.body,
        cause: failure.error.cause
      }, scrub)
      switch (meaning._tag) {
        case "Transport":
          return new SignalFlowConnectionError({ endpoint, reason: "Transport", description: meaning.description })
        case "Authentication":
          return new SignalFlowAuthenticationError({ endpoint, description: meaning.description })
        case "Failed":
          return new ComputationFailedError({ errors: [meaning.error] })
        case "StatusCode":
          return new SignalFlowConnectionError({
            endpoint,
            reason: "StatusCode",
            status: meaning.status,
            description: meaning.description
          })
      }
    }

    const attempt = (request: Request, sink: Sink): Effect.Effect<AttemptEnd, ConnectError> =>
      Effect.scoped(
        Effect.gen(function*() {
          const response = yield* open(request)
          const end = yield* readEvents(response.stream, (event, data) => {
            const message = messageOfEvent(event, data)
            return message === undefined
              ? undefined
              : sink({ _tag: "Json", value: scrubServiceMessage(message, scrub) })
          }).pipe(
            Effect.catchTag("EventTooLarge", ({ length }) =>
              // Failed rather than dropped: the computation run again would send the same event.
              Effect.succeed<AttemptEnd>({
                _tag: "Failed",
                error: new SignalFlowConnectionError({
                  endpoint,
                  reason: "TooLarge",
                  description: tooLargeText(length)
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
