/**
 * Where a SignalFlow program comes from: the command line, a file, or the standard input, each
 * read up to a bound, as UTF-8 text.
 */
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import { MAX_PROGRAM_LENGTH } from "../../../core/signalflow/requests.js"
import type { CliError } from "../exit.js"
import { fail } from "../exit.js"
import { readBounded } from "../input.js"

/**
 * The most bytes read of a program: the service takes 50,000 characters, which UTF-8 writes in
 * at most four bytes each. A longer program is refused before it is sent, with its length.
 * @internal
 */
export const MAX_PROGRAM_BYTES = 4 * MAX_PROGRAM_LENGTH

/**
 * `stream` read to its end, at most {@link MAX_PROGRAM_BYTES}, as UTF-8 text (anything else is a
 * usage mistake). `what` names it in a message (`the standard input`, `the file x`).
 */
const readProgramText = (stream: NodeJS.ReadableStream, what: string): Effect.Effect<string, CliError> =>
  readBounded(stream, what, MAX_PROGRAM_BYTES, "more than a program can be").pipe(
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
  if (file === "-") return readProgramText(process.stdin, "the standard input")
  return Effect.acquireUseRelease(
    Effect.sync(() => fs.createReadStream(file)),
    (stream) => readProgramText(stream, `the file ${file}`),
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
