/**
 * The one request core every service sends through: ingest's POSTs, the REST calls, host
 * identity's metadata-server lookups and SignalFlow's server-sent events. It is the user's
 * `HttpClient`, hardened once (see `transport.ts`: the origin pinned, the secret header
 * redacted, no redirects followed, no telemetry about itself), with the base URL and the
 * headers set by `HttpClient.mapRequest`. One attempt sends a request, classifies its status
 * (`status.ts`) and fails with a `RequestFailure`: the `RestRequestError` to report, with what
 * the retry policy (`retry.ts`) and each service's own accounting need to know.
 *
 * The HTTP client's `filterStatusOk` is not used: its `StatusCodeError` holds the request, whose
 * headers carry the token, and it does not read the body the error message quotes.
 */
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Headers from "effect/http/Headers"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { describeCause, describeStatus } from "../../core/http/answer.js"
import { baseOf, originOf } from "../../core/http/origin.js"
import type { Verdict } from "../../core/http/status.js"
import { classify, isRetryable } from "../../core/http/status.js"
import { scrubber, scrubCause } from "../../core/http/token.js"
import { RestRequestError } from "../../SignalFxError.js"
import { parseRetryAfter } from "./retry.js"
import { crossOriginRefusal, direct, harden, readAnswer } from "./transport.js"

/** @internal */
export interface Settings {
  /**
   * Requests are paths below this URL (a path of its own, a proxy's prefix, is kept) and go only
   * to its origin. Without it, each request is a whole URL, pinned to its own origin.
   */
  readonly base?: URL | undefined
  /** Sent with every request: the token and the User-Agent. */
  readonly headers?: Headers.Input | undefined
  /** The header that carries the secret, a redacted name in traces and logs. */
  readonly secretHeader: string
  /** The secret, removed from any text an error shows (a server may echo it). */
  readonly secret?: Redacted.Redacted<string> | undefined
  /**
   * For the whole attempt, the answer read; none for a stream that lasts (SignalFlow's events).
   * A request may ask for its own.
   */
  readonly timeout?: Duration.Duration | undefined
  /** Straight to the host, never through a proxy: a cloud's metadata server is on the host's own link. */
  readonly direct?: boolean | undefined
}

/**
 * A failed attempt: the error to report, and what the retry policy and the service's accounting
 * need to know of it.
 * @internal
 */
export class RequestFailure extends Data.TaggedError("RequestFailure")<{
  readonly error: RestRequestError
  /** What the status said; none when no status came (the network, a timeout, a refused redirect). */
  readonly verdict: Verdict | undefined
  /** Worth another attempt: see {@link Requests.send}. */
  readonly retryable: boolean
  readonly retryAfter: Option.Option<Duration.Duration>
  /** The answer's body, capped and scrubbed, for an error status; empty otherwise. */
  readonly body: string
}> {}

/** Builds a failure of the attempt at `request` from what a service read. @internal */
export type Fail = (
  reason: RestRequestError["reason"],
  description: string,
  options?: { readonly cause?: unknown; readonly retryable?: boolean }
) => RequestFailure

/** @internal */
export interface SendOptions<A, E> {
  /**
   * `false` for a request that must not be repeated once it may have reached the service (a
   * POST that creates): only a 429, which the service answers before doing anything, is then
   * worth another attempt.
   */
  readonly idempotent?: boolean | undefined
  /** Sends no secret header (a login, which the service refuses with an unknown token). */
  readonly withoutSecret?: boolean | undefined
  /** Reads a 2xx answer, within the timeout. */
  readonly read: (response: HttpClientResponse.HttpClientResponse, fail: Fail) => Effect.Effect<A, E>
}

/** @internal */
export interface Requests {
  /**
   * One attempt: `request` sent, its status classified, a 2xx read by `read`, all within the
   * timeout. A network error, a timeout, 408, 429 and 5xx are retryable (for a request that is
   * not idempotent, 429 only); an error status fails with its body read, capped, for the message.
   */
  readonly send: <A, E>(
    request: HttpClientRequest.HttpClientRequest,
    options: SendOptions<A, E>
  ) => Effect.Effect<A, E | RequestFailure>
  /**
   * One attempt whose every status is an answer for `read` (a metadata server's 404 says which
   * cloud this is not); only the network and the timeout fail.
   */
  readonly answer: <A, E>(
    request: HttpClientRequest.HttpClientRequest,
    options: {
      readonly timeout?: Duration.Duration | undefined
      readonly read: (response: HttpClientResponse.HttpClientResponse, verdict: Verdict) => Effect.Effect<A, E>
    }
  ) => Effect.Effect<A, E | RequestFailure>
  /** Removes the secret from a text that is about to be shown. */
  readonly scrub: (text: string) => string
}

/** @internal */
export const makeRequests = (settings: Settings): Effect.Effect<Requests, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const { client: hardened, run } = yield* harden(settings.secretHeader)
    const clock = yield* Clock.Clock
    const origin = settings.base?.origin
    const secret = settings.secret === undefined ? undefined : Redacted.value(settings.secret)
    const scrub = secret === undefined ? (text: string) => text : scrubber(secret)
    const base = settings.base === undefined ? undefined : baseOf(settings.base)
    const located = base === undefined ? hardened : HttpClient.mapRequest(hardened, HttpClientRequest.prependUrl(base))
    const headers = Headers.fromInput(settings.headers ?? {})
    const withSecret = HttpClient.mapRequest(located, HttpClientRequest.setHeaders(headers))
    const withoutSecret = HttpClient.mapRequest(
      located,
      HttpClientRequest.setHeaders(Headers.remove(headers, settings.secretHeader))
    )

    /** The cause without the secret. Never the request, whose headers hold the secret. */
    const safeCause = (cause: unknown): unknown =>
      cause === undefined || secret === undefined ? cause : scrubCause(cause, secret)

    const failureOf = (request: HttpClientRequest.HttpClientRequest) =>
    (
      reason: RestRequestError["reason"],
      description: string,
      details: {
        readonly cause?: unknown
        readonly retryable: boolean
        readonly verdict?: Verdict
        readonly status?: number
        readonly serviceMessage?: string | undefined
        readonly retryAfter?: Option.Option<Duration.Duration>
        readonly body?: string
      }
    ) =>
      new RequestFailure({
        error: new RestRequestError({
          reason,
          method: request.method,
          path: scrub(request.url),
          ...(details.status === undefined ? {} : { status: details.status }),
          ...(details.serviceMessage === undefined ? {} : { serviceMessage: scrub(details.serviceMessage) }),
          description: scrub(description),
          ...(details.cause === undefined ? {} : { cause: safeCause(details.cause) })
        }),
        verdict: details.verdict,
        retryable: details.retryable,
        retryAfter: details.retryAfter ?? Option.none(),
        body: details.body ?? ""
      })

    const attempt = <A, E>(
      request: HttpClientRequest.HttpClientRequest,
      client: HttpClient.HttpClient,
      idempotent: boolean,
      timeout: Duration.Duration | undefined,
      read: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, E>
    ): Effect.Effect<A, E | RequestFailure> => {
      const fail = failureOf(request)
      const sent = client.execute(request).pipe(
        Effect.mapError((error) => {
          const refused = crossOriginRefusal(error)
          if (refused !== undefined) return fail("Transport", refused.message, { retryable: false, cause: refused })
          // The socket error, not the HttpClientError: that one holds the request and its headers.
          return fail("Transport", `network error: ${error.message}${describeCause(error.cause)}`, {
            retryable: idempotent,
            cause: error.cause
          })
        }),
        Effect.flatMap(read)
      )
      const timed = timeout === undefined ? sent : Effect.timeoutOrElse(sent, {
        duration: timeout,
        orElse: () =>
          Effect.fail(fail("Timeout", `no answer within ${Duration.format(timeout)}`, { retryable: idempotent }))
      })
      const pinned = run(origin ?? originOf(request.url), timed)
      return settings.direct === true ? direct(pinned) : pinned
    }

    /** An error status as a failure, its body read for the message: `filterStatusOk`, with the body. */
    const refuse = (
      request: HttpClientRequest.HttpClientRequest,
      response: HttpClientResponse.HttpClientResponse,
      verdict: Verdict,
      idempotent: boolean
    ): Effect.Effect<never, RequestFailure> =>
      Effect.flatMap(readAnswer(response), (text) => {
        const status = response.status
        // Scrubbed before any cut: a token straddling it would leave its prefix behind.
        const body = scrub(text)
        const { description, serviceMessage } = describeStatus(status, body, verdict)
        return Effect.fail(
          failureOf(request)("StatusCode", description, {
            verdict,
            status,
            serviceMessage,
            body,
            retryable: isRetryable(verdict) && (idempotent || status === 429),
            retryAfter: isRetryable(verdict)
              ? parseRetryAfter(response.headers["retry-after"], clock.currentTimeMillisUnsafe())
              : Option.none()
          })
        )
      })

    const send = <A, E>(
      request: HttpClientRequest.HttpClientRequest,
      options: SendOptions<A, E>
    ): Effect.Effect<A, E | RequestFailure> => {
      const idempotent = options.idempotent !== false
      const fail: Fail = (reason, description, details) =>
        failureOf(request)(reason, description, {
          ...details,
          retryable: details?.retryable === true && idempotent
        })
      return attempt(
        request,
        options.withoutSecret === true ? withoutSecret : withSecret,
        idempotent,
        settings.timeout,
        (response): Effect.Effect<A, E | RequestFailure> => {
          const verdict = classify(response.status)
          return verdict === "ok" ? options.read(response, fail) : refuse(request, response, verdict, idempotent)
        }
      )
    }

    const answer: Requests["answer"] = (request, { read, timeout }) =>
      attempt(
        request,
        withSecret,
        true,
        timeout ?? settings.timeout,
        (response) => read(response, classify(response.status))
      )

    return { send, answer, scrub }
  })
