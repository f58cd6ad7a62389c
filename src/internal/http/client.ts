/**
 * One call to the metadata REST API: the URL built from percent-encoded path segments, the
 * answer classified and decoded, and retries of what can be retried. An idempotent call (GET, PUT,
 * PATCH with the same body, DELETE, a POST that only checks) is retried on network errors,
 * timeouts, 408, 429 and 5xx, honouring `Retry-After`; one marked `idempotent: false` only on 429.
 */
import * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { RestRequestError } from "../../SignalFxError.js"
import { formatCount } from "../english.js"
import type { ResolvedOptions } from "../metadata/options.js"
import { ErrorBody } from "../metadata/schema.js"
import { backoff, parseRetryAfter } from "./retry.js"
import {
  crossOriginRefusal,
  describeBody,
  describeCause,
  readBounded,
  readCapped,
  secure,
  TOKEN_HEADER,
  truncate
} from "./transport.js"

/** @internal */
export type Method = "GET" | "PUT" | "PATCH" | "DELETE" | "POST"

/** @internal */
export interface Call {
  readonly method: Method
  /** The path after `/v2/`, one raw segment per element: each is percent-encoded on its own. */
  readonly segments: ReadonlyArray<string>
  /** A list of values is sent as the parameter repeated, once per value. */
  readonly params?: Readonly<Record<string, string | ReadonlyArray<string>>> | undefined
  /** Sent as JSON; none for GET and DELETE. */
  readonly body?: unknown
  /**
   * `false` for a call that must not be repeated once it may have reached the service (a POST
   * that creates): only a 429, which the service answers before doing anything, is retried.
   */
  readonly idempotent?: boolean | undefined
  /** Sends no `X-SF-Token` (a login: the service refuses an empty or unknown token there). */
  readonly withoutToken?: boolean | undefined
}

/** @internal */
export interface Client {
  /** The call's JSON answer, decoded with `schema`. */
  readonly json: <A, I>(call: Call, schema: Schema.Schema<A, I>) => Effect.Effect<A, RestRequestError>
  /** A call whose answer has no body (204). */
  readonly empty: (call: Call) => Effect.Effect<void, RestRequestError>
}

/** A failed attempt worth repeating, carrying the error to fail with when retries run out. */
class Retry extends Data.TaggedError("Retry")<{
  readonly error: RestRequestError
  readonly retryAfter: Option.Option<Duration.Duration>
}> {}

type AttemptFailure = Retry | RestRequestError

const parseErrorMessage = (text: string): string | undefined => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return undefined
  }
  return Option.getOrUndefined(Option.map(Schema.decodeUnknownOption(ErrorBody)(json), (body) => body.message))
}

/**
 * Why a path segment cannot be sent: URLs have no way to carry an empty segment, or a `.` or `..`
 * one (fetch resolves them, percent-encoded or not), without changing the route.
 */
const unsendable = (segment: string): string | undefined =>
  segment === ""
    ? "an empty name"
    : segment === "." || segment === ".."
    ? `the name ${JSON.stringify(segment)}, which no URL path can carry`
    : undefined

/** @internal */
export const makeClient = (options: ResolvedOptions): Effect.Effect<Client, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const { client, headers, run, scrub } = yield* secure(options.token, options.userAgent, options.endpoint)
    const clock = yield* Effect.clock
    const requestHeaders = Headers.set(headers, "accept", "application/json")
    // A base URL with a path (a proxy's prefix) keeps it: `/v2/...` goes below it.
    const base = `${options.endpoint.origin}${options.endpoint.pathname.replace(/\/+$/, "")}`
    const schedule = backoff<AttemptFailure>(options.retry, {
      isRetryable: (failure) => failure._tag === "Retry",
      retryAfter: (failure) => failure._tag === "Retry" ? failure.retryAfter : Option.none()
    })

    const execute = <A>(
      call: Call,
      onSuccess: (
        response: HttpClientResponse.HttpClientResponse,
        fail: (reason: "Decode" | "Transport" | "TooLarge", description: string) => RestRequestError
      ) => Effect.Effect<A, AttemptFailure>
    ): Effect.Effect<A, RestRequestError> => {
      const searchParams = new URLSearchParams()
      for (const [name, value] of Object.entries(call.params ?? {})) {
        for (const item of typeof value === "string" ? [value] : value) searchParams.append(name, item)
      }
      const query = searchParams.toString()
      const retryable = (error: RestRequestError, retryAfter: Option.Option<Duration.Duration>) =>
        call.idempotent === false ? error : new Retry({ error, retryAfter })
      const path = `/v2/${call.segments.map(encodeURIComponent).join("/")}${query === "" ? "" : `?${query}`}`
      const failure = (
        reason: RestRequestError["reason"],
        description: string,
        status?: { readonly status: number; readonly serviceMessage: string | undefined }
      ) =>
        new RestRequestError({
          reason,
          method: call.method,
          path: scrub(path),
          ...(status === undefined ? {} : { status: status.status }),
          ...(status?.serviceMessage === undefined ? {} : { serviceMessage: scrub(status.serviceMessage) }),
          description: scrub(description)
        })
      const problem = call.segments.map(unsendable).find((reason) => reason !== undefined)
      if (problem !== undefined) return Effect.fail(failure("InvalidRequest", `cannot request ${problem}`))

      const classify = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<A, AttemptFailure> => {
        const status = response.status
        if (status >= 200 && status < 300) return onSuccess(response, failure)
        // Scrubbed before any cut: a token straddling it would leave its prefix behind.
        return readCapped(response.stream).pipe(
          Effect.map(scrub),
          Effect.flatMap((text): Effect.Effect<never, AttemptFailure> => {
            const serviceMessage = parseErrorMessage(text)
            const detail = serviceMessage === undefined ? describeBody(text) : `: ${truncate(serviceMessage)}`
            const error = (note = "") =>
              failure("StatusCode", `HTTP ${status}${detail}${note}`, { status, serviceMessage })
            if (status === 408 || status === 429 || status >= 500) {
              const retryAfter = parseRetryAfter(response.headers["retry-after"], clock.unsafeCurrentTimeMillis())
              return Effect.fail(
                status === 429 ? new Retry({ error: error(), retryAfter }) : retryable(error(), retryAfter)
              )
            }
            if (status >= 300 && status < 400) {
              return Effect.fail(error(": a redirect, not followed so that the token stays with its host"))
            }
            if (status === 401 || status === 403) return Effect.fail(error(": the access token was refused"))
            return Effect.fail(error())
          })
        )
      }

      const attempt = (request: HttpClientRequest.HttpClientRequest): Effect.Effect<A, AttemptFailure> =>
        client.execute(request).pipe(
          Effect.mapError((error): AttemptFailure => {
            const refused = crossOriginRefusal(error)
            if (refused !== undefined) return failure("Transport", refused.message)
            return retryable(
              failure("Transport", `network error: ${error.message}${describeCause(error.cause)}`),
              Option.none()
            )
          }),
          Effect.flatMap(classify),
          Effect.timeoutFail({
            duration: options.requestTimeout,
            onTimeout: () =>
              retryable(
                failure("Timeout", `no answer within ${Duration.format(options.requestTimeout)}`),
                Option.none()
              )
          })
        )

      const request = HttpClientRequest.make(call.method)(`${base}${path}`).pipe(
        HttpClientRequest.setHeaders(
          call.withoutToken === true ? Headers.remove(requestHeaders, TOKEN_HEADER) : requestHeaders
        )
      )
      return (call.body === undefined ? Effect.succeed(request) : HttpClientRequest.bodyJson(request, call.body)).pipe(
        Effect.mapError((error) => failure("InvalidRequest", `the body is not JSON: ${String(error.reason.error)}`)),
        Effect.flatMap((request) => Effect.retry(attempt(request), schedule)),
        Effect.catchTag("Retry", (retry) => Effect.fail(retry.error)),
        run
      )
    }

    const json: Client["json"] = (call, schema) =>
      execute(call, (response, fail) =>
        readBounded(response.stream, options.maxResponseBytes).pipe(
          // The body broke off: the connection failed mid-answer, which a retry may cure (unless
          // the call did something that a second one would do again).
          Effect.mapError((error) => {
            const broken = fail("Transport", `the answer broke off: ${error.message}`)
            return call.idempotent === false ? broken : new Retry({ error: broken, retryAfter: Option.none() })
          }),
          Effect.flatMap((text) => {
            if (text === undefined) {
              return Effect.fail(
                fail(
                  "TooLarge",
                  `the answer is longer than maxResponseBytes (${formatCount(options.maxResponseBytes)} bytes); ` +
                    "it was not read further"
                )
              )
            }
            let body: unknown
            try {
              body = JSON.parse(text)
            } catch {
              return Effect.fail(fail("Decode", `the answer is not JSON${describeBody(scrub(text))}`))
            }
            return Either.match(Schema.decodeUnknownEither(schema)(body), {
              onLeft: (error) => Effect.fail(fail("Decode", `unexpected answer: ${truncate(scrub(error.message))}`)),
              onRight: Effect.succeed
            })
          })
        ))

    const empty: Client["empty"] = (call) => execute(call, () => Effect.void)

    return { json, empty }
  })
