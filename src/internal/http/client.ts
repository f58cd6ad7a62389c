/**
 * One call to the REST API through the request core (`request.ts`): the URL built from
 * percent-encoded path segments, the answer decoded, and retries by the one retry policy
 * (`retry.ts`). An idempotent call (GET, PUT, PATCH with the same body, DELETE, a POST that only
 * checks) is retried on network errors, timeouts, 408, 429 and 5xx, honouring `Retry-After`; one
 * marked `idempotent: false` only on 429.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { formatCount } from "../../core/english.js"
import * as restPath from "../../core/http/restPath.js"
import { RestRequestError } from "../../SignalFxError.js"
import type { ResolvedOptions } from "../metadata/options.js"
import type { Fail, RequestFailure } from "./request.js"
import { makeRequests } from "./request.js"
import { retryPolicy } from "./retry.js"
import { describeBody, readBounded, TOKEN_HEADER, truncate } from "./transport.js"

/** @internal */
export type Method = restPath.Method

/** @internal */
export interface Call {
  readonly method: Method
  /** The path after `/v2/`, one raw segment per element: each is percent-encoded on its own. */
  readonly segments: ReadonlyArray<string>
  /** A list of values is sent as the parameter repeated, once per value. */
  readonly params?: restPath.Params | undefined
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

/** @internal */
export const makeClient = (options: ResolvedOptions): Effect.Effect<Client, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const { scrub, send } = yield* makeRequests({
      base: options.endpoint,
      headers: {
        [TOKEN_HEADER]: Redacted.value(options.token),
        "user-agent": options.userAgent,
        accept: "application/json"
      },
      secretHeader: TOKEN_HEADER,
      secret: options.token,
      timeout: options.requestTimeout
    })
    const schedule = retryPolicy<RequestFailure>(options.retry)

    const execute = <A>(
      call: Call,
      read: (response: HttpClientResponse.HttpClientResponse, fail: Fail) => Effect.Effect<A, RequestFailure>
    ): Effect.Effect<A, RestRequestError> => {
      const { path, problem } = restPath.restPath(call.segments, call.params)
      const invalid = (description: string) =>
        new RestRequestError({ reason: "InvalidRequest", method: call.method, path: scrub(path), description })
      if (problem !== undefined) return Effect.fail(invalid(problem))
      const request = HttpClientRequest.make(call.method)(path)
      return (call.body === undefined ? Effect.succeed(request) : HttpClientRequest.bodyJson(request, call.body)).pipe(
        Effect.mapError((error) => invalid(scrub(`the body is not JSON: ${String(error.reason.error)}`))),
        Effect.flatMap((request) =>
          send(request, { idempotent: call.idempotent, withoutSecret: call.withoutToken, read }).pipe(
            Effect.retry(schedule),
            Effect.mapError((failure) => failure.error)
          )
        )
      )
    }

    const json: Client["json"] = (call, schema) =>
      execute(call, (response, fail) =>
        readBounded(response.stream, options.maxResponseBytes).pipe(
          // The body broke off: the connection failed mid-answer, which a retry may cure (unless
          // the call did something that a second one would do again).
          Effect.mapError((error) =>
            fail("Transport", `the answer broke off: ${error.message}`, { cause: error.cause, retryable: true })
          ),
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
            } catch (error) {
              return Effect.fail(fail("Decode", `the answer is not JSON${describeBody(scrub(text))}`, { cause: error }))
            }
            return Either.match(Schema.decodeUnknownEither(schema)(body), {
              onLeft: (error) =>
                Effect.fail(fail("Decode", `unexpected answer: ${truncate(scrub(error.message))}`, { cause: error })),
              onRight: Effect.succeed
            })
          })
        ))

    const empty: Client["empty"] = (call) => execute(call, () => Effect.void)

    return { json, empty }
  })
