/**
 * What a failed request's message says of the answer and of the error beneath: the body cut and on
 * one line, the REST API's own `{code, message}`, the socket error that fetch wraps.
 */
import { peerText } from "../peerText.js"
import type { Verdict } from "./status.js"
import { verdictNote } from "./status.js"

/** The most of an answer's body read for an error message: enough for any of them. @internal */
export const MAX_ERROR_BODY_BYTES = 16 * 1024

const MAX_MESSAGE_LENGTH = 300

/** Cuts a text of the service's for an error message, on one line (see `peerText`). @internal */
export const truncate = (text: string): string => peerText(text, MAX_MESSAGE_LENGTH)

/** `: <body>` for a non-empty body, capped; empty otherwise. @internal */
export const describeBody = (text: string): string => {
  const trimmed = text.trim()
  return trimmed === "" ? "" : `: ${truncate(trimmed)}`
}

/** ` (<the socket error>)`, or empty when the cause is no `Error`. @internal */
export const describeCause = (cause: unknown): string => {
  // fetch wraps the socket error (ECONNRESET, ECONNREFUSED) one level down.
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause
  return inner instanceof Error ? ` (${inner.message})` : ""
}

/**
 * The `message` of the REST API's error body, `{code, message}`, when the text is one; only the
 * message matters.
 * @internal
 */
export const serviceMessageOf = (text: string): string | undefined => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return undefined
  }
  return typeof json === "object" && json !== null && !Array.isArray(json) && "message" in json &&
      typeof json.message === "string"
    ? json.message
    : undefined
}

/**
 * What an error status's answer (its body read, capped and scrubbed) says: the service's own
 * message when the body is `{code, message}`, and the failure's description, `HTTP <status>:
 * <message or body>` and what the status means.
 * @internal
 */
export const describeStatus = (
  status: number,
  body: string,
  verdict: Verdict
): { readonly serviceMessage: string | undefined; readonly description: string } => {
  const serviceMessage = serviceMessageOf(body)
  const detail = serviceMessage === undefined ? describeBody(body) : `: ${truncate(serviceMessage)}`
  return { serviceMessage, description: `HTTP ${status}${detail}${verdictNote(verdict)}` }
}

/**
 * `Retry-After` in milliseconds from `now`: delay-seconds or an HTTP date (RFC 9110 §10.2.3);
 * `undefined` when absent or unreadable.
 * @internal
 */
export const retryAfterMillis = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * The chunks of a body read so far, to be read no further than a limit: a misbehaving peer
 * cannot make us buffer megabytes.
 * @internal
 */
export class Chunks {
  private readonly chunks: Array<Uint8Array> = []
  size = 0

  add(chunk: Uint8Array): void {
    this.chunks.push(chunk)
    this.size += chunk.length
  }

  /** The first `maxBytes` as text (all of it without a limit). */
  text(maxBytes?: number): string {
    const all = Buffer.concat(this.chunks)
    return (maxBytes === undefined ? all : all.subarray(0, maxBytes)).toString("utf8")
  }
}
