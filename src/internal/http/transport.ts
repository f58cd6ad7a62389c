/**
 * What every request to SignalFx shares: redirects are never followed (the token must not travel
 * to another host), `X-SF-Token` is a redacted header name, Effect's tracing is off, error bodies
 * are read with a size cap, and failures are described without the token.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"

/** @internal */
export const TOKEN_HEADER = "x-sf-token"

const MAX_RESPONSE_BYTES = 16 * 1024
const MAX_MESSAGE_LENGTH = 300

/**
 * At most the first `maxBytes` of a body, as text: a misbehaving peer cannot make us buffer
 * megabytes. A failure to read is the caller's to handle.
 * @internal
 */
export const readUpTo = <E>(stream: Stream.Stream<Uint8Array, E>, maxBytes: number): Effect.Effect<string, E> =>
  stream.pipe(
    Stream.runFoldWhile(
      { chunks: new Array<Uint8Array>(), size: 0 },
      (state) => state.size < maxBytes,
      (state, chunk) => {
        state.chunks.push(chunk)
        return { chunks: state.chunks, size: state.size + chunk.length }
      }
    ),
    Effect.map(({ chunks }) => Buffer.concat(chunks).subarray(0, maxBytes).toString("utf8"))
  )

/**
 * At most the first 16 KiB of a body, as text; an unreadable body is empty. Enough for any
 * error message.
 * @internal
 */
export const readCapped = (stream: Stream.Stream<Uint8Array, unknown>): Effect.Effect<string> =>
  readUpTo(stream, MAX_RESPONSE_BYTES).pipe(Effect.orElseSucceed(() => ""))

/** Cuts a text for an error message. @internal */
export const truncate = (text: string): string =>
  text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text

/** `: <body>` for a non-empty body, capped; empty otherwise. @internal */
export const describeBody = (text: string): string => {
  const trimmed = text.trim()
  return trimmed === "" ? "" : `: ${truncate(trimmed)}`
}

/** @internal */
export const describeCause = (cause: unknown): string => {
  // fetch wraps the socket error (ECONNRESET, ECONNREFUSED) one level down.
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause
  return inner instanceof Error ? ` (${inner.message})` : ""
}

/** @internal */
export interface Secured {
  /** The `HttpClient` without trace-header propagation. */
  readonly client: HttpClient.HttpClient
  /** The token and the User-Agent, to set on every request. */
  readonly headers: Headers.Headers
  /** Runs a request: no redirects followed, the token header redacted, no tracing. */
  readonly run: <A, E, R>(request: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Removes the token from a text that is about to be shown. */
  readonly scrub: (text: string) => string
}

/** @internal */
export interface Hardened {
  /** The `HttpClient` without trace-header propagation. */
  readonly client: HttpClient.HttpClient
  /** Runs a request: no redirects followed, `secretHeader` redacted, no tracing. */
  readonly run: <A, E, R>(request: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
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
    const client = (yield* HttpClient.HttpClient).pipe(HttpClient.withTracerPropagation(false))
    const requestInit = yield* Effect.serviceOption(FetchHttpClient.RequestInit)
    const noRedirects: RequestInit = { ...Option.getOrElse(requestInit, () => ({})), redirect: "manual" }
    return {
      client,
      run: (request) =>
        request.pipe(
          Effect.provideService(FetchHttpClient.RequestInit, noRedirects),
          Effect.locallyWith(Headers.currentRedactedNames, (names) => [...names, secretHeader]),
          Effect.withTracerEnabled(false)
        )
    }
  })

/** @internal */
export const secure = (
  token: Redacted.Redacted<string>,
  userAgent: string
): Effect.Effect<Secured, never, HttpClient.HttpClient> =>
  Effect.map(harden(TOKEN_HEADER), ({ client, run }) => {
    const secret = Redacted.value(token)
    return {
      client,
      headers: Headers.fromInput({ [TOKEN_HEADER]: secret, "user-agent": userAgent }),
      run,
      scrub: (text) => text.split(secret).join("<redacted>")
    }
  })
