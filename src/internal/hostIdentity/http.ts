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
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import { describeCause, harden, originOf, readUpTo } from "../http/transport.js"
import { direct } from "../proxy/client.js"
import { dimensionValue } from "../rules.js"

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

/** @internal */
export const makeRequest: Effect.Effect<Request, never, HttpClient.HttpClient> = Effect.map(
  harden(AWS_TOKEN_HEADER),
  ({ client, run }) => (method, url, headers, timeout) =>
    // A metadata server answers only on the host's own network: never through a proxy.
    direct(run(
      originOf(url),
      client.execute(HttpClientRequest.make(method)(url, { headers })).pipe(
        Effect.flatMap((response) =>
          readUpTo(response.stream, MAX_BODY_BYTES).pipe(
            Effect.map((body): Answer => ({ url, status: response.status, headers: response.headers, body }))
          )
        ),
        Effect.mapError((error) =>
          new Unreachable({
            reason: `${method} ${url}: ${error.message}${describeCause(error.cause)}`,
            timedOut: false
          })
        ),
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () =>
            new Unreachable({
              reason: `${method} ${url}: no answer within ${Duration.format(timeout)}`,
              timedOut: true
            })
        })
      )
    ))
)

/** @internal */
export const isSuccess = (answer: Answer): boolean => answer.status >= 200 && answer.status < 300

/**
 * The failure for an answer that is not a success: a 5xx is a server in trouble, retried like
 * no answer at all; anything else says this is not the cloud asked about.
 * @internal
 */
export const unsuccessful = (answer: Answer, method: "GET" | "PUT" = "GET"): Unreachable | NotThere =>
  answer.status >= 500
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
