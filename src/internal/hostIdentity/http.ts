/**
 * One request to a metadata server, through the request core: straight to the metadata server,
 * never through a proxy, each pinned to its own URL's origin, bounded by a timeout, redirects
 * never followed, the body read with a size cap, the IMDSv2 token a redacted header, and no
 * tracing, so that looking up the host creates no spans about itself. What the answers mean is
 * the core's (`core/hostIdentity/`).
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { Answer, LookupFailure, MetadataRequest, Read, Unreachable } from "../../core/hostIdentity/lookup.js"
import { AWS_TOKEN_HEADER, MAX_BODY_BYTES, unreachable } from "../../core/hostIdentity/lookup.js"
import { makeRequests } from "../http/request.js"
import { describeCause, readUpTo } from "../http/transport.js"

/** @internal */
export type Request = (request: MetadataRequest, timeout: Duration.Duration) => Effect.Effect<Answer, Unreachable>

/** @internal */
export const makeRequest: Effect.Effect<Request, never, HttpClient.HttpClient> = Effect.map(
  makeRequests({ secretHeader: AWS_TOKEN_HEADER, direct: true }),
  ({ answer }) => ({ headers, method, url }, timeout) =>
    answer(HttpClientRequest.make(method)(url, { headers }), {
      timeout,
      read: (response, verdict) =>
        readUpTo(response.stream, MAX_BODY_BYTES).pipe(
          Effect.map((body): Answer => ({ url, status: response.status, verdict, headers: response.headers, body }))
        )
    }).pipe(
      Effect.mapError((failure) =>
        failure._tag === "RequestFailure"
          ? unreachable(`${method} ${url}: ${failure.error.description}`, failure.error.reason === "Timeout")
          // The answer broke off.
          : unreachable(`${method} ${url}: ${failure.message}${describeCause(failure.cause)}`, false)
      )
    )
)

/** What the core read from an answer, as an Effect. @internal */
export const fromRead = <A>(read: Read<A>): Effect.Effect<A, LookupFailure> =>
  read.ok ? Effect.succeed(read.value) : Effect.fail(read.failure)
