/**
 * One POST to the ingest API through the request core (`../http/request.ts`): the token and the
 * User-Agent on every request, the answer's status classified there, the pipeline's delivery
 * accounting made of the verdict.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type { RequestFailure } from "../http/request.js"
import { makeRequests } from "../http/request.js"
import { readAnswer, TOKEN_HEADER } from "../http/transport.js"
import type { ResolvedOptions } from "./options.js"

/** @internal */
export interface Transport {
  readonly post: (
    path: string,
    body: Uint8Array,
    contentType: string,
    gzipped: boolean
  ) => Effect.Effect<void, RequestFailure>
}

/** @internal */
export const makeTransport = (options: ResolvedOptions): Effect.Effect<Transport, never, HttpClient.HttpClient> =>
  Effect.map(
    makeRequests({
      base: options.endpoint,
      headers: { [TOKEN_HEADER]: Redacted.value(options.token), "user-agent": options.userAgent },
      secretHeader: TOKEN_HEADER,
      secret: options.token,
      timeout: options.requestTimeout
    }),
    ({ send }) => ({
      // The answer ("OK") is read whole, so that the connection goes back to the pool.
      post: (path, body, contentType, gzipped) =>
        send(
          HttpClientRequest.post(path).pipe(
            gzipped ? HttpClientRequest.setHeader("content-encoding", "gzip") : (request) => request,
            HttpClientRequest.bodyUint8Array(body, contentType)
          ),
          { read: (response) => Effect.asVoid(readAnswer(response)) }
        )
    })
  )
