/**
 * What every request to SignalFx shares: redirects are never followed (the token must not travel
 * to another host), `X-SF-Token` is a redacted header name, Effect's tracing is off, error bodies
 * are read with a size cap, and failures are described without the token.
 *
 * Not following redirects ourselves is not enough: the application's own `HttpClient` may follow
 * them (`HttpClient.followRedirects`), copying every header, the token included, to wherever the
 * `Location` points. So every request leaving through our `run` is checked where it is sent:
 * the base client of `@effect/platform` asks `currentTracerDisabledWhen` about each request it is
 * about to send, redirected ones included, and ours refuses one bound for another origin before a
 * byte of it leaves. An answer that still comes from elsewhere (a client not built on the
 * platform's base) is refused too, so it is never counted as delivered.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { Chunks, MAX_ERROR_BODY_BYTES } from "../../core/http/answer.js"
import { crossOrigin, CrossOriginRequest } from "../../core/http/origin.js"
import { scrubber } from "../../core/http/token.js"

export { describeBody, describeCause, truncate } from "../../core/http/answer.js"
export { TOKEN_HEADER } from "../../core/http/token.js"

/**
 * At most the first `maxBytes` of a body, as text: a misbehaving peer cannot make us buffer
 * megabytes. A failure to read is the caller's to handle.
 * @internal
 */
export const readUpTo = <E>(stream: Stream.Stream<Uint8Array, E>, maxBytes: number): Effect.Effect<string, E> =>
  Effect.suspend(() =>
    Stream.runFoldWhile(stream, new Chunks(), (chunks) => chunks.size < maxBytes, (chunks, chunk) => {
      chunks.add(chunk)
      return chunks
    })
  ).pipe(Effect.map((chunks) => chunks.text(maxBytes)))

/**
 * The whole body as text when it is at most `maxBytes` long, `undefined` when it is longer: then
 * it is read no further than `maxBytes` and a little, and the connection is dropped.
 * @internal
 */
export const readBounded = <E>(
  stream: Stream.Stream<Uint8Array, E>,
  maxBytes: number
): Effect.Effect<string | undefined, E> =>
  Effect.suspend(() =>
    Stream.runFoldWhile(stream, new Chunks(), (chunks) => chunks.size <= maxBytes, (chunks, chunk) => {
      chunks.add(chunk)
      return chunks
    })
  ).pipe(Effect.map((chunks) => chunks.size > maxBytes ? undefined : chunks.text()))

/**
 * At most the first 16 KiB of a body, as text; an unreadable body is empty. Enough for any
 * error message.
 * @internal
 */
export const readCapped = (stream: Stream.Stream<Uint8Array, unknown>): Effect.Effect<string> =>
  readUpTo(stream, MAX_ERROR_BODY_BYTES).pipe(Effect.orElseSucceed(() => ""))

/**
 * An answer's body, capped as `readCapped` caps it. An answer that declares a small
 * `Content-Length` (the ingest service's `"OK"`, and error messages) is read whole: fetch holds
 * it to that length, and this skips the Stream machinery, which cost about 1.3 ms of CPU per
 * request, more than encoding and compressing a batch of 1,000 datapoints.
 * @internal
 */
export const readAnswer = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<string> => {
  const declared = Number(response.headers["content-length"])
  return Number.isSafeInteger(declared) && declared >= 0 && declared <= MAX_ERROR_BODY_BYTES
    ? Effect.orElseSucceed(response.text, () => "")
    : readCapped(response.stream)
}

/**
 * The refusal behind a failed request, if it was one: a redirect to another origin is not worth
 * retrying.
 * @internal
 */
export const crossOriginRefusal = (error: HttpClientError.HttpClientError): CrossOriginRequest | undefined =>
  error._tag === "RequestError" && error.cause instanceof CrossOriginRequest ? error.cause : undefined

/** The origin our requests may go to, set by `run` around them. */
const allowedOrigin = FiberRef.unsafeMake<string | undefined>(undefined)

/** The guard's throw: the request it stopped, and why. */
class Stopped {
  constructor(readonly request: HttpClientRequest.HttpClientRequest, readonly refused: CrossOriginRequest) {}
}

/**
 * Called by the platform's base client for every request it is about to send; returning `true`
 * also keeps the request out of traces. Throwing is the only way to stop the request there: the
 * base client turns it into a defect, which `refuseCrossOrigin` turns back into a failure.
 */
const guard = (origin: string) => (request: HttpClientRequest.HttpClientRequest): boolean => {
  const refused = crossOrigin(origin, request.url)
  if (refused !== undefined) throw new Stopped(request, refused)
  return true
}

const refusal = (request: HttpClientRequest.HttpClientRequest, refused: CrossOriginRequest) =>
  new HttpClientError.RequestError({ request, reason: "Transport", cause: refused, description: refused.message })

/** The client's answers, with the guard's defect back as a failure, and answers from elsewhere refused. */
const refuseCrossOrigin = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.transformResponse(client, (response) =>
    response.pipe(
      Effect.catchSomeDefect((defect) =>
        defect instanceof Stopped ? Option.some(Effect.fail(refusal(defect.request, defect.refused))) : Option.none()
      ),
      Effect.flatMap((answer) =>
        Effect.flatMap(FiberRef.get(allowedOrigin), (origin) => {
          const refused = origin === undefined ? undefined : crossOrigin(origin, answer.request.url)
          return refused === undefined ? Effect.succeed(answer) : Effect.fail(refusal(answer.request, refused))
        })
      )
    ))

/** @internal */
export interface Hardened {
  /** The `HttpClient` without trace-header propagation, refusing other origins. */
  readonly client: HttpClient.HttpClient
  /**
   * Runs requests to `origin`: no redirects followed, nor any request sent elsewhere,
   * `secretHeader` redacted, no tracing.
   */
  readonly run: <A, E, R>(origin: string, request: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/**
 * The request hardening shared by every service: redirects are never followed (a secret header
 * must not travel to another host), the header carrying the secret is a redacted name, and
 * Effect's tracing and trace headers are off, so talking to the service creates no telemetry
 * about itself.
 * @internal
 */
export const harden = (secretHeader: string): Effect.Effect<Hardened, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const client = (yield* HttpClient.HttpClient).pipe(HttpClient.withTracerPropagation(false), refuseCrossOrigin)
    const requestInit = yield* Effect.serviceOption(FetchHttpClient.RequestInit)
    const noRedirects: RequestInit = { ...Option.getOrElse(requestInit, () => ({})), redirect: "manual" }
    return {
      client,
      run: (origin, request) =>
        request.pipe(
          Effect.provideService(FetchHttpClient.RequestInit, noRedirects),
          Effect.locallyWith(Headers.currentRedactedNames, (names) => [...names, secretHeader]),
          // The guard answers `true` ("no span") for every request it lets through; the tracer
          // must be on for the base client to ask it at all.
          Effect.locally(HttpClient.currentTracerDisabledWhen, guard(origin)),
          Effect.locally(allowedOrigin, origin),
          Effect.withTracerEnabled(true)
        )
    }
  })

/**
 * Removes the token from a text that is about to be shown: a server may echo it back. Every
 * service's messages go through it, the WebSocket's too.
 * @internal
 */
export const scrubberOf = (token: Redacted.Redacted<string>): (text: string) => string =>
  scrubber(Redacted.value(token))
