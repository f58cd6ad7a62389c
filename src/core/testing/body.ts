/**
 * Reading a request body within bounds: on the bytes received, and for a gzip body on the bytes
 * it inflates to, counted as they come. A bound crossed ends the reading at once: nothing more is
 * kept or inflated, so a gzip bomb or an endless upload costs the bound, not the body.
 *
 * What arrives after a refusal is read and thrown away (up to the bound again, or 20 MiB when the
 * bound is smaller), so that a client still writing its body reads the answer instead of a
 * reset; past that, the connection is destroyed.
 */
import type * as http from "node:http"
import * as zlib from "node:zlib"
import { peerText } from "../peerText.js"

/**
 * The bound on a body, as sent and as inflated, when the options set none: 20 MiB, what the
 * OpenTelemetry Collector's SignalFx receiver accepts decompressed (the service documents no
 * limit). Ten times a batch of 5,000 datapoints with ten dimensions each.
 * @internal
 */
export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024

/** @internal */
export interface Limits {
  /** The most bytes read off the wire. */
  readonly maxBytes: number
  /** The most bytes a gzip body may inflate to. */
  readonly maxDecodedBytes: number
}

/**
 * A body read within its limits: its bytes with `Content-Encoding` undone, or why they could not
 * be (the route decides whether that matters, so that a 401 still comes before a 415); or a body
 * over a limit, refused before the rest of it was read.
 * @internal
 */
export type Body =
  | { readonly _tag: "Read"; readonly size: number; readonly bytes: Buffer }
  | { readonly _tag: "Undecodable"; readonly size: number; readonly status: 400 | 415; readonly message: string }
  | { readonly _tag: "TooLarge"; readonly size: number; readonly message: string }

const declaredLength = (req: http.IncomingMessage): number | undefined => {
  const header = req.headers["content-length"]
  if (header === undefined || !/^\d+$/.test(header)) return undefined
  return Number(header)
}

/** How much of a refused body is read and thrown away before the connection is dropped. */
const discardAllowance = (limits: Limits): number => Math.max(limits.maxBytes, DEFAULT_MAX_BODY_BYTES)

/** Throws away what still arrives after a refusal, up to `allowance` bytes; then drops the connection. */
const discardRest = (req: http.IncomingMessage, allowance: number): void => {
  let discarded = 0
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length
    if (discarded > allowance) req.socket.destroy()
  })
  req.resume()
}

/**
 * Reads `req`'s body within `limits`. Rejects when the client goes away before the end of it.
 * @internal
 */
export const readBody = (req: http.IncomingMessage, limits: Limits): Promise<Body> =>
  new Promise((resolve, reject) => {
    const declared = declaredLength(req)
    if (declared !== undefined && declared > limits.maxBytes) {
      discardRest(req, discardAllowance(limits))
      resolve({
        _tag: "TooLarge",
        size: 0,
        message: `the body is ${declared} bytes, more than the ${limits.maxBytes} allowed`
      })
      return
    }
    const encoding = req.headers["content-encoding"]
    const name = encoding?.trim().toLowerCase()
    const gunzip = name === "gzip" ? zlib.createGunzip() : undefined
    const unsupported = gunzip === undefined && name !== undefined && name !== "" && name !== "identity"
    const chunks: Array<Buffer> = []
    let size = 0
    let decodedSize = 0
    let gzipError: string | undefined
    let settled = false

    const settle = (body: Body): void => {
      if (settled) return
      settled = true
      req.off("data", onData)
      req.off("end", onEnd)
      req.off("close", onClose)
      resolve(body)
    }
    const refuse = (message: string): void => {
      if (settled) return
      chunks.length = 0
      gunzip?.destroy()
      settle({ _tag: "TooLarge", size, message })
      discardRest(req, discardAllowance(limits))
    }
    const finish = (): void => {
      if (unsupported) {
        settle({
          _tag: "Undecodable",
          size,
          status: 415,
          message: `unsupported Content-Encoding ${peerText(JSON.stringify(encoding))}`
        })
      } else if (gzipError !== undefined) {
        settle({
          _tag: "Undecodable",
          size,
          status: 400,
          message: `the body is not valid gzip: ${peerText(gzipError)}`
        })
      } else {
        settle({ _tag: "Read", size, bytes: Buffer.concat(chunks) })
      }
    }

    function onData(chunk: Buffer): void {
      size += chunk.length
      if (size > limits.maxBytes) {
        refuse(`the body is more than the ${limits.maxBytes} bytes allowed`)
        return
      }
      // An unsupported encoding is refused once the token was checked; its bytes need not be kept.
      if (unsupported) return
      if (gunzip === undefined) {
        chunks.push(chunk)
      } else if (gzipError === undefined && !gunzip.write(chunk)) {
        // Inflating is slower than the wire: wait, rather than queue up the body in zlib.
        req.pause()
        gunzip.once("drain", () => req.resume())
      }
    }
    function onEnd(): void {
      if (gunzip === undefined || gzipError !== undefined) finish()
      else gunzip.end()
    }
    function onClose(): void {
      if (!req.complete) {
        settled = true
        gunzip?.destroy()
        reject(new Error("the client went away before the end of the body"))
      }
    }

    gunzip?.on("data", (inflated: Buffer) => {
      decodedSize += inflated.length
      if (decodedSize > limits.maxDecodedBytes) {
        refuse(`the body inflates to more than the ${limits.maxDecodedBytes} bytes allowed`)
        return
      }
      chunks.push(inflated)
    })
    gunzip?.on("end", finish)
    gunzip?.on("error", (error) => {
      gzipError = error.message
      chunks.length = 0
      req.resume()
      if (req.complete) finish()
    })
    req.on("data", onData)
    req.on("end", onEnd)
    req.on("close", onClose)
  })
