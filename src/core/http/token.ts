/**
 * The access token on the wire, and kept out of every text we show: a server may echo it back, in
 * a body, a message or a header, and a socket error may hold the request that carried it.
 */
import * as util from "node:util"

/** The header that carries the access token. @internal */
export const TOKEN_HEADER = "x-sf-token"

/**
 * Removes the secret from a text that is about to be shown. Every service's messages go through
 * it, the WebSocket's too.
 * @internal
 */
export const scrubber = (secret: string): (text: string) => string => (text) =>
  text.includes(secret) ? text.split(secret).join("<redacted>") : text

/**
 * The cause as it is, unless showing it (its message, an inspection, a stack) would show the
 * secret: then only its scrubbed message, as a new `Error`.
 * @internal
 */
export const scrubCause = (cause: unknown, secret: string): unknown =>
  util.inspect(cause, { depth: 10 }).includes(secret)
    ? new Error(scrubber(secret)(cause instanceof Error ? cause.message : String(cause)))
    : cause
