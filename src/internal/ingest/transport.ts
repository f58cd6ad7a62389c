/**
 * One POST to the ingest API, classified: delivered, worth retrying, rejected for good, or too
 * large. Redirects are never followed (the token must not travel to another host), the response
 * body is read with a size cap, and Effect's tracing of the request is off so that exporting
 * telemetry does not generate telemetry about itself.
 */
import * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Schedule from "effect/Schedule"
import { backoff, parseRetryAfter } from "../http/retry.js"
import { crossOriginRefusal, describeBody, describeCause, readCapped, secure } from "../http/transport.js"
import type { ResolvedOptions } from "./options.js"

/** A failure worth trying again: the network, a timeout, 408, 429 or 5xx. */
/** @internal */
export class Retryable extends Data.TaggedError("Retryable")<{
  readonly reason: string
  readonly retryAfter: Option.Option<Duration.Duration>
  /** 429 or 503: the service asks us to slow down. */
  readonly throttled: boolean
  /** The server answered (a status), so the body surely left; not for a network error or timeout. */
  readonly answered: boolean
}> {}

/** A 3xx or a 4xx other than 408, 413 and 429: sending the same body again can't succeed. */
/** @internal */
export class Rejected extends Data.TaggedError("Rejected")<{ readonly reason: string }> {}

/** 413: the body is too large for something between us and the service. */
/** @internal */
export class TooLarge extends Data.TaggedError("TooLarge")<{ readonly reason: string }> {}

/** @internal */
export type AttemptFailure = Retryable | Rejected | TooLarge

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

/**
 * The answer's body, capped as `readCapped` caps it. An answer that declares a small
 * `Content-Length` (the service's `"OK"`, and its error messages) is read whole: fetch holds it
 * to that length, and this skips the Stream machinery, which cost about 1.3 ms of CPU per
 * request, more than encoding and compressing a batch of 1,000 datapoints.
 */
const readAnswer = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<string> => {
  const declared = Number(response.headers["content-length"])
  return Number.isSafeInteger(declared) && declared >= 0 && declared <= MAX_SMALL_ANSWER_BYTES
    ? Effect.orElseSucceed(response.text, () => "")
    : readCapped(response.stream)
}

/** Answers up to this size are read in one piece (`readCapped` keeps 16 KiB). */
const MAX_SMALL_ANSWER_BYTES = 16 * 1024

/** @internal */
export const makeTransport = (options: ResolvedOptions): Effect.Effect<Transport, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const { client, headers: baseHeaders, run, scrub } = yield* secure(
      options.token,
      options.userAgent,
      options.endpoint
    )
    const clock = yield* Effect.clock

    // Appended, not resolved: an endpoint behind a path prefix (a proxy's /signalfx) keeps it.
    const base = options.endpoint.href.replace(/\/+$/, "")
    const post: Transport["post"] = (path, body, contentType, gzipped) => {
      const request = HttpClientRequest.post(base + path).pipe(
        HttpClientRequest.setHeaders(gzipped ? Headers.set(baseHeaders, "content-encoding", "gzip") : baseHeaders),
        HttpClientRequest.bodyUint8Array(body, contentType)
      )
      return run(
        client.execute(request).pipe(
          Effect.flatMap((response) => readAnswer(response).pipe(Effect.map((text) => ({ response, text })))),
          Effect.mapError((error): AttemptFailure => {
            const refused = crossOriginRefusal(error)
            if (refused !== undefined) return new Rejected({ reason: refused.message })
            return new Retryable({
              reason: scrub(`network error: ${error.message}${describeCause(error.cause)}`),
              retryAfter: Option.none(),
              throttled: false,
              answered: false
            })
          }),
          Effect.timeoutFail({
            duration: options.requestTimeout,
            onTimeout: () =>
              new Retryable({
                reason: `no answer within ${Duration.format(options.requestTimeout)}`,
                retryAfter: Option.none(),
                throttled: false,
                answered: false
              })
          }),
          Effect.flatMap(({ response, text }): Effect.Effect<void, AttemptFailure> => {
            const status = response.status
            if (status >= 200 && status < 300) return Effect.void
            // Scrubbed before the cut: a token straddling it would leave its prefix behind.
            const reason = `HTTP ${status}${describeBody(scrub(text))}`
            if (status === 408 || status === 429 || status >= 500) {
              return Effect.fail(
                new Retryable({
                  reason,
                  retryAfter: parseRetryAfter(response.headers["retry-after"], clock.unsafeCurrentTimeMillis()),
                  throttled: status === 429 || status === 503,
                  answered: true
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
          })
        )
      )
    }
    return { post, scrub }
  })

/**
 * The shared backoff (see `../http/retry.ts`), retrying only `Retryable` failures.
 * @internal
 */
export const retrySchedule = (
  retry: ResolvedOptions["retry"]
): Schedule.Schedule<unknown, AttemptFailure> =>
  backoff<AttemptFailure>(retry, {
    isRetryable: (failure) => failure._tag === "Retryable",
    retryAfter: (failure) => failure._tag === "Retryable" ? failure.retryAfter : Option.none()
  })
