/**
 * Reading what a user pipes in or names (stdin, a file) with a bound: the command never holds
 * more than the limit of any input, whatever is sent to it.
 */
import * as Effect from "effect/Effect"
import { formatCount } from "../../core/english.js"
import type { CliError } from "./exit.js"
import { fail } from "./exit.js"

/**
 * Reads `stream` to its end, failing (and no longer reading) once it holds more than `limit`
 * bytes, with a usage mistake that names it (`what`: `stdin`, `the file x`) and says what to do
 * (`advice`).
 * @internal
 */
export const readBounded = (
  stream: NodeJS.ReadableStream,
  what: string,
  limit: number,
  advice: string
): Effect.Effect<Buffer, CliError> =>
  Effect.async<Buffer, CliError>((resume) => {
    const chunks: Array<Buffer> = []
    let size = 0
    const stop = () => {
      stream.off("data", onData).off("end", onEnd).off("error", onError)
      stream.pause()
    }
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk
      size += bytes.length
      if (size <= limit) return void chunks.push(bytes)
      stop()
      resume(Effect.fail(fail("usage", `${what} holds more than ${formatCount(limit)} bytes, ${advice}`)))
    }
    const onEnd = () => {
      stop()
      resume(Effect.succeed(Buffer.concat(chunks)))
    }
    const onError = (error: Error) => {
      stop()
      resume(Effect.fail(fail("usage", `cannot read ${what}: ${error.message}`)))
    }
    stream.on("data", onData).on("end", onEnd).on("error", onError)
    stream.resume()
    return Effect.sync(stop)
  })
