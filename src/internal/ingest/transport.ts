/**
 * One POST to the ingest API, classified: delivered, worth retrying, rejected for good, or too
 * large. Redirects are never followed (the token must not travel to another host), the response
 * body is read with a size cap, and Effect's tracing of the request is off so that exporting
 * telemetry does not generate telemetry about itself.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import type { ResolvedOptions } from "./options.js"

/** A failure worth trying again: the network, a timeout, 408, 429 or 5xx. */
/** @internal */
export class Retryable extends Data.TaggedError("Retryable")<{
  readonly reason: string
  readonly retryAfter: Option.Option<Duration.Duration>
  /** 429 or 503: the service asks us to slow down. */
  readonly throttled: boolean
}> {}

/** A 3xx or a 4xx other than 408, 413 and 429: sending the same body again can't succeed. */
/** @internal */
export class Rejected extends Data.TaggedError("Rejected")<{ readonly reason: string }> {}

/** 413: the body is too large for something between us and the service. */
/** @internal */
export class TooLarge extends Data.TaggedError("TooLarge")<{ readonly reason: string }> {}

/** @internal */
export type AttemptFailure = Retryable | Rejected | TooLarge

const MAX_RESPONSE_BYTES = 16 * 1024
const MAX_MESSAGE_LENGTH = 300

const readCapped = (stream: Stream.Stream<Uint8Array, unknown>): Effect.Effect<string> =>
  stream.pipe(
    Stream.runFoldWhile(
      { chunks: new Array<Uint8Array>(), size: 0 },
      (state) => state.size < MAX_RESPONSE_BYTES,
      (state, chunk) => {
        state.chunks.push(chunk)
        return { chunks: state.chunks, size: state.size + chunk.length }
      }
    ),
    Effect.map(({ chunks }) => Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString("utf8")),
    Effect.orElseSucceed(() => "")
  )

/**
 * `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3).
 * @internal
 */
export const parseRetryAfter = (value: string | undefined, now: number): Option.Option<Duration.Duration> => {
  if (value === undefined) return Option.none()
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Option.some(Duration.seconds(Number(trimmed)))
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return Option.none()
  return Option.some(Duration.millis(Math.max(0, date - now)))
}

/** @internal */
export interface Transport {
  readonly post: (
    path: string,
    body: Uint8Array,
    contentType: string,
    gzipped: boolean
  ) => Effect.Effect<void, AttemptFailure>
  /** Removes the token from a text that is about to be logged. */
  readonly scrub: (text: string) => string
}

/** @internal */
export const makeTransport = (options: ResolvedOptions): Effect.Effect<Transport, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const client = (yield* HttpClient.HttpClient).pipe(HttpClient.withTracerPropagation(false))
    const requestInit = yield* Effect.serviceOption(FetchHttpClient.RequestInit)
    const noRedirects: RequestInit = { ...Option.getOrElse(requestInit, () => ({})), redirect: "manual" }
    const clock = yield* Effect.clock
    const token = Redacted.value(options.token)
    const scrub = (text: string): string => text.split(token).join("<redacted>")
    const baseHeaders = Headers.fromInput({
      "x-sf-token": token,
      "user-agent": options.userAgent
    })

    const post: Transport["post"] = (path, body, contentType, gzipped) => {
      const request = HttpClientRequest.post(new URL(path, options.endpoint).toString()).pipe(
        HttpClientRequest.setHeaders(gzipped ? Headers.set(baseHeaders, "content-encoding", "gzip") : baseHeaders),
        HttpClientRequest.bodyUint8Array(body, contentType)
      )
      return client.execute(request).pipe(
        Effect.flatMap((response) => readCapped(response.stream).pipe(Effect.map((text) => ({ response, text })))),
        Effect.mapError((error) =>
          new Retryable({
            reason: scrub(`network error: ${error.message}${describeCause(error.cause)}`),
            retryAfter: Option.none(),
            throttled: false
          })
        ),
        Effect.timeoutFail({
          duration: options.requestTimeout,
          onTimeout: () =>
            new Retryable({
              reason: `no answer within ${Duration.format(options.requestTimeout)}`,
              retryAfter: Option.none(),
              throttled: false
            })
        }),
        Effect.flatMap(({ response, text }): Effect.Effect<void, AttemptFailure> => {
          const status = response.status
          if (status >= 200 && status < 300) return Effect.void
          const reason = scrub(`HTTP ${status}${describeBody(text)}`)
          if (status === 408 || status === 429 || status >= 500) {
            return Effect.fail(
              new Retryable({
                reason,
                retryAfter: parseRetryAfter(response.headers["retry-after"], clock.unsafeCurrentTimeMillis()),
                throttled: status === 429 || status === 503
              })
            )
          }
          if (status === 413) return Effect.fail(new TooLarge({ reason }))
          if (status >= 300 && status < 400) {
            return Effect.fail(
              new Rejected({ reason: `${reason}: a redirect, not followed so that the token stays with its host` })
            )
          }
          if (status === 401 || status === 403) {
            return Effect.fail(new Rejected({ reason: `${reason}: the access token was refused` }))
          }
          return Effect.fail(new Rejected({ reason }))
        }),
        Effect.provideService(FetchHttpClient.RequestInit, noRedirects),
        Effect.locallyWith(Headers.currentRedactedNames, (names) => [...names, "x-sf-token"]),
        Effect.withTracerEnabled(false)
      )
    }
    return { post, scrub }
  })

const describeBody = (text: string): string => {
  const trimmed = text.trim()
  if (trimmed === "") return ""
  return `: ${trimmed.length > MAX_MESSAGE_LENGTH ? `${trimmed.slice(0, MAX_MESSAGE_LENGTH)}…` : trimmed}`
}

const describeCause = (cause: unknown): string => {
  // fetch wraps the socket error (ECONNRESET, ECONNREFUSED) one level down.
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause
  return inner instanceof Error ? ` (${inner.message})` : ""
}

/**
 * Jittered exponential backoff capped at `maxDelay`, stretched to honour `Retry-After` (itself
 * capped at `maxRetryAfter`), retrying only `Retryable` failures, for at most `maxElapsed`.
 * @internal
 */
export const retrySchedule = (
  retry: ResolvedOptions["retry"]
): Schedule.Schedule<unknown, AttemptFailure> =>
  Schedule.exponential(retry.initialDelay, 2).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, retry.maxDelay)),
    Schedule.intersect(Schedule.identity<AttemptFailure>()),
    Schedule.modifyDelay(([, failure], delay) =>
      failure._tag === "Retryable" && Option.isSome(failure.retryAfter)
        ? Duration.max(delay, Duration.min(failure.retryAfter.value, retry.maxRetryAfter))
        : delay
    ),
    Schedule.whileInput((failure: AttemptFailure) => failure._tag === "Retryable"),
    Schedule.upTo(retry.maxElapsed)
  )
