/**
 * Where a SignalFlow program comes from: the command line, a file, or the standard input, each
 * read up to a bound, as UTF-8 text.
 */
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import { MAX_PROGRAM_LENGTH } from "../../../core/signalflow/requests.js"
import type { CliError } from "../exit.js"
import { fail } from "../exit.js"

/**
 * The most bytes read of a program: the service takes 50,000 characters, which UTF-8 writes in
 * at most four bytes each. A longer program is refused before it is sent, with its length.
 * @internal
 */
export const MAX_PROGRAM_BYTES = 4 * MAX_PROGRAM_LENGTH

/**
 * Reads `stream` to its end as UTF-8 text, failing (and no longer reading) once it holds more
 * than `limit` bytes. `what` names it in a message (`the standard input`, `the file x`).
 * @internal
 */
export const readBounded = (
  stream: NodeJS.ReadableStream,
  what: string,
  limit: number = MAX_PROGRAM_BYTES
): Effect.Effect<string, CliError> =>
  Effect.async<Buffer, CliError>((resume) => {
    const chunks: Array<Buffer> = []
    let size = 0
    const stop = () => {
      stream.off("data", onData)
      stream.off("end", onEnd)
      stream.off("error", onError)
      stream.pause()
    }
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk
      size += bytes.length
      if (size > limit) {
        stop()
        resume(Effect.fail(fail("usage", `${what} holds more than ${limit} bytes, more than a program can be`)))
      } else {
        chunks.push(bytes)
      }
    }
    const onEnd = () => {
      stop()
      resume(Effect.succeed(Buffer.concat(chunks)))
    }
    const onError = (error: Error) => {
      stop()
      resume(Effect.fail(fail("usage", `cannot read ${what}: ${error.message}`)))
    }
    stream.on("data", onData)
    stream.on("end", onEnd)
    stream.on("error", onError)
    stream.resume()
    return Effect.sync(stop)
  }).pipe(
    Effect.flatMap((bytes) =>
      Effect.try({
        try: () => new TextDecoder("utf-8", { fatal: true }).decode(bytes),
        catch: () => fail("usage", `${what} is not UTF-8 text`)
      })
    )
  )

/**
 * The program in `file`, a usage mistake naming the file when it cannot be read or is not a
 * program's size. `-` is the standard input.
 * @internal
 */
export const readProgramFile = (file: string): Effect.Effect<string, CliError> => {
  if (file === "-") return readBounded(process.stdin, "the standard input")
  return Effect.acquireUseRelease(
    Effect.sync(() => fs.createReadStream(file)),
    (stream) => readBounded(stream, `the file ${file}`),
    (stream) => Effect.sync(() => stream.destroy())
  )
}

/**
 * The program as the command line gives it: the argument (`-` for the standard input), else
 * `--file`, else the standard input. Both an argument and `--file` is a mistake; an empty
 * program too.
 * @internal
 */
export const readProgram = (
  argument: string | undefined,
  file: string | undefined
): Effect.Effect<string, CliError> =>
  Effect.gen(function*() {
    if (argument !== undefined && file !== undefined) {
      return yield* fail("usage", "give the program either as an argument or with --file, not both")
    }
    const origin = argument === "-" || (argument === undefined && file === undefined)
      ? "the standard input"
      : file !== undefined
      ? `the file ${file}`
      : "the argument"
    const program = argument !== undefined && argument !== "-"
      ? argument
      : yield* readProgramFile(file ?? "-")
    if (program.trim() === "") return yield* fail("usage", `the program is empty: ${origin} holds no SignalFlow`)
    return program
  })
