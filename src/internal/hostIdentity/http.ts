/**
 * One request to a metadata server, and the three ways a lookup can end without an id.
 *
 * Metadata servers are local and answer in milliseconds; a machine outside that cloud either
 * refuses the connection, never answers, or answers something else. Every request is bounded
 * by a timeout, redirects are never followed, bodies are read with a size cap, the IMDSv2
 * token is a redacted header name, and Effect's tracing is off so that looking up the host
 * creates no spans about itself.
 */
import type * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import type { Verdict } from "../../core/http/status.js"
import { isRetryable } from "../../core/http/status.js"
import { dimensionValue } from "../../core/rules.js"
import { makeRequests } from "../http/request.js"
import { describeCause, readUpTo } from "../http/transport.js"

/**
 * No answer: the connection failed or nothing came back in time. Outside a cloud this is the
 * usual outcome; it is the only failure `retries` tries again.
 * @internal
 */
export class Unreachable extends Data.TaggedError("Unreachable")<{
  readonly reason: string
  readonly timedOut: boolean
}> {}

/**
 * An answer that says this is not the cloud asked about: a 404, another cloud's metadata
 * server at the same address, a GCP answer without the `Metadata-Flavor` echo.
 * @internal
 */
export class NotThere extends Data.TaggedError("NotThere")<{ readonly reason: string }> {}

/**
 * The metadata server answered as that cloud's does, yet no id can be made of it: malformed
 * JSON, missing fields, IMDSv2 required but no token to be had. Worth a warning.
 * @internal
 */
export class Unusable extends Data.TaggedError("Unusable")<{ readonly reason: string }> {}

/** @internal */
export type LookupFailure = Unreachable | NotThere | Unusable

/** @internal */
export interface Answer {
  readonly url: string
  readonly status: number
  /** What the status says, as every service reads it. */
  readonly verdict: Verdict
  readonly headers: Headers.Headers
  readonly body: string
}

/** @internal */
export type Request = (
  method: "GET" | "PUT",
  url: string,
  headers: Readonly<Record<string, string>>,
  timeout: Duration.Duration
) => Effect.Effect<Answer, Unreachable>

/** The IMDSv2 session token travels in this header; it is never logged. */
/** @internal */
export const AWS_TOKEN_HEADER = "x-aws-ec2-metadata-token"

/** Identity documents are well under 10 KiB; a larger body is not one. */
const MAX_BODY_BYTES = 64 * 1024

/**
 * Requests through the request core: straight to the metadata server, never through a proxy,
 * each pinned to its own URL's origin, the IMDSv2 token a redacted header.
 * @internal
 */
export const makeRequest: Effect.Effect<Request, never, HttpClient.HttpClient> = Effect.map(
  makeRequests({ secretHeader: AWS_TOKEN_HEADER, direct: true }),
  ({ answer }) => (method, url, headers, timeout) =>
    answer(HttpClientRequest.make(method)(url, { headers }), {
      timeout,
      read: (response, verdict) =>
        readUpTo(response.stream, MAX_BODY_BYTES).pipe(
          Effect.map((body): Answer => ({ url, status: response.status, verdict, headers: response.headers, body }))
        )
    }).pipe(
      Effect.mapError((failure) =>
        failure._tag === "RequestFailure"
          ? new Unreachable({
            reason: `${method} ${url}: ${failure.error.description}`,
            timedOut: failure.error.reason === "Timeout"
          })
          // The answer broke off.
          : new Unreachable({
            reason: `${method} ${url}: ${failure.message}${describeCause(failure.cause)}`,
            timedOut: false
          })
      )
    )
)

/** @internal */
export const isSuccess = (answer: Answer): boolean => answer.verdict === "ok"

/**
 * The failure for an answer that is not a success: a server in trouble (5xx, 408, 429) is
 * retried like no answer at all; anything else says this is not the cloud asked about.
 * @internal
 */
export const unsuccessful = (answer: Answer, method: "GET" | "PUT" = "GET"): Unreachable | NotThere =>
  isRetryable(answer.verdict)
    ? new Unreachable({ reason: `${method} ${answer.url}: answered ${answer.status}`, timedOut: false })
    : new NotThere({ reason: `${method} ${answer.url}: answered ${answer.status}` })

/**
 * The first problem of a Schema decoding, as `path: message`.
 * @internal
 */
export const describeParseError = (error: ParseResult.ParseError): string => {
  const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
  if (issue === undefined) return error.message
  return issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`
}

/**
 * An id becomes a dimension value, so it must be one.
 * @internal
 */
export const asDimensionValue = (id: string, source: string): Effect.Effect<string, Unusable> => {
  const problem = dimensionValue.check(id)
  return problem === undefined
    ? Effect.succeed(id)
    : Effect.fail(new Unusable({ reason: `the id made of ${source} is not usable: ${problem}` }))
}
