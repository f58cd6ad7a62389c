/**
 * signalflow-cli's interactive prompt: `> `, a program over one or more lines, ^D to run it,
 * `.name value` to change a setting, ^C to stop a running program (the prompt comes back) or to
 * clear what was typed, ^D on an empty prompt to leave.
 *
 * The line editing is node:readline's (arrows, history, ^A/^E, …), one interface per program
 * typed: readline ends an interface on ^D at an empty line, which is the "run it" key here, and
 * reports ^C at the prompt as an event rather than a signal. @effect/platform's `Terminal` was not
 * taken: its `readLine` neither echoes nor edits what is typed on a terminal in raw mode, and its
 * `readInput` ends on ^C and ^D. While a program runs, the terminal stays in raw mode and ^C is
 * read as a key: it stops that run, where a SIGINT would end the whole command.
 */
import * as Effect from "effect/Effect"
import * as readline from "node:readline"
import { MAX_PROGRAM_LENGTH } from "../../../core/signalflow/requests.js"
import type { CliError } from "../exit.js"
import { Output } from "../output.js"
import { parseSettingsCommand, SETTING_NAMES, showSetting } from "./promptSettings.js"

/**
 * The settings typed at the prompt (`.start -15m` sets `start`), by option name as on the
 * command line (`start`, `stop`, `resolution`, `max-delay`, `output`).
 * @internal
 */
export type Settings = Readonly<Record<string, string>>

const PROMPT = "> "
/** The prompt of a program's second and later lines, as signalflow-cli's `>>`. */
const CONTINUATION = ">> "
/** The lines kept for the up arrow. */
const MAX_HISTORY = 200
/** ETX, what ^C sends on a terminal in raw mode. */
const CONTROL_C = 0x03

const BANNER = [
  "effect-signalfx · SignalFlow console",
  "Type a program (over several lines if you like), then ^D to run it; ^C stops it.",
  "Settings: \".start -15m\" sets one, \".start\" shows it, \".\" shows them all, \".stop none\" clears it.",
  "^C clears what you typed; ^D on an empty prompt leaves."
]

/** What one turn at the prompt gave. */
type Entry =
  | { readonly _tag: "Program"; readonly text: string }
  | { readonly _tag: "Command"; readonly text: string }
  | { readonly _tag: "Cleared" }
  | { readonly _tag: "TooLong" }
  | { readonly _tag: "Exit" }

interface Key {
  readonly ctrl?: boolean | undefined
  readonly name?: string | undefined
}

/**
 * One turn at the prompt: the lines of a program up to ^D, a settings command, ^C, or ^D on an
 * empty prompt. `history` is what the up arrow recalls; `remember` gets it back with this turn's
 * lines.
 */
const readEntry = (
  history: ReadonlyArray<string>,
  remember: (history: ReadonlyArray<string>) => void
): Effect.Effect<Entry> =>
  Effect.async<Entry>((resume) => {
    const stdin = process.stdin
    const rl = readline.createInterface({
      input: stdin,
      output: process.stdout,
      terminal: true,
      history: [...history],
      historySize: MAX_HISTORY,
      removeHistoryDuplicates: true,
      prompt: PROMPT
    })
    const lines: Array<string> = []
    let length = 0
    let done = false
    const finish = (entry: Entry) => {
      if (done) return
      done = true
      stdin.off("keypress", onKeypress)
      rl.close()
      // readline leaves the terminal cooked: keys typed before the next prompt would be echoed.
      stdin.setRawMode?.(true)
      resume(Effect.succeed(entry))
    }
    const program = (): Entry => lines.length === 0 ? { _tag: "Cleared" } : { _tag: "Program", text: lines.join("\n") }
    /** Takes a line; whether the turn is over. */
    const take = (line: string): boolean => {
      if (lines.length === 0) {
        const trimmed = line.trim()
        if (trimmed === "") return false
        if (trimmed.startsWith(".")) {
          finish({ _tag: "Command", text: trimmed })
          return true
        }
      }
      lines.push(line)
      length += line.length + 1
      if (length > MAX_PROGRAM_LENGTH) {
        finish({ _tag: "TooLong" })
        return true
      }
      return false
    }
    // ^D after text on the line runs the program with that line, as ^D on an empty line does.
    // Heard before readline's own keypress listener, which sees this ^D as "delete right": the
    // line is taken as it was, and the turn ends once readline is done with the key.
    function onKeypress(_text: string | undefined, key: Key | undefined) {
      if (key?.ctrl !== true || key.name !== "d" || rl.line === "") return
      const line = rl.line
      setImmediate(() => {
        if (done) return
        process.stdout.write("\n")
        if (!take(line)) finish(program())
      })
    }
    stdin.prependListener("keypress", onKeypress)
    rl.on("history", remember)
    rl.on("line", (line) => {
      if (take(line)) return
      rl.setPrompt(lines.length === 0 ? PROMPT : CONTINUATION)
      rl.prompt()
    })
    rl.on("SIGINT", () => {
      process.stdout.write("^C\n")
      finish({ _tag: "Cleared" })
    })
    // readline ends itself on ^D at an empty line.
    rl.on("close", () => {
      if (done) return
      process.stdout.write("\n")
      finish(lines.length === 0 ? { _tag: "Exit" } : program())
    })
    rl.prompt()
    return Effect.sync(() => {
      done = true
      stdin.off("keypress", onKeypress)
      rl.close()
    })
  })

/**
 * Completes when ^C is typed (the terminal is in raw mode: ^C is a key, not a signal). What else
 * is typed meanwhile is dropped, not kept for the next prompt.
 */
const controlC: Effect.Effect<void> = Effect.async<void>((resume) => {
  const stdin = process.stdin
  const onData = (chunk: Buffer | string) => {
    if (typeof chunk === "string" ? chunk.includes(String.fromCharCode(CONTROL_C)) : chunk.includes(CONTROL_C)) {
      resume(Effect.void)
    }
  }
  stdin.on("data", onData)
  stdin.resume()
  return Effect.sync(() => {
    stdin.off("data", onData)
    stdin.pause()
  })
})

/** The terminal in raw mode for the whole session (readline's prompts, the runs between them), then back. */
const rawMode = Effect.acquireRelease(
  Effect.sync(() => process.stdin.setRawMode?.(true)),
  () => Effect.sync(() => process.stdin.setRawMode?.(false))
)

/**
 * signalflow-cli's prompt: `> `, a program over one or more lines, ^D to run it with the current
 * settings, `.name value` to change a setting, ^C to stop a running program, ^D on an empty
 * prompt to leave. A failed run (a bad setting, an invalid program) prints its sentence and the
 * prompt comes back.
 * @internal
 */
export const interactive = (
  run: (program: string, settings: Settings) => Effect.Effect<void, CliError>,
  initialSettings: Settings
): Effect.Effect<void, CliError, Output> =>
  Effect.gen(function*() {
    const output = yield* Output
    yield* rawMode
    const names = [...new Set([...SETTING_NAMES, ...Object.keys(initialSettings)])]
    const nameWidth = Math.max(...names.map((name) => name.length))
    let settings = initialSettings
    let history: ReadonlyArray<string> = []
    yield* output.line(output.paint("heading", BANNER[0] ?? ""))
    for (const line of BANNER.slice(1)) yield* output.line(output.paint("dim", line))
    for (;;) {
      const entry = yield* readEntry(history, (lines) => {
        history = lines
      })
      switch (entry._tag) {
        case "Exit":
          return
        case "Cleared":
          break
        case "TooLong":
          yield* output.warn(`a program is at most ${MAX_PROGRAM_LENGTH} characters; this one was dropped`)
          break
        case "Command": {
          const command = parseSettingsCommand(entry.text, names)
          switch (command._tag) {
            case "ShowAll":
              for (const name of names) yield* output.line(showSetting(settings, name, nameWidth))
              break
            case "Show":
              yield* output.line(showSetting(settings, command.name, nameWidth))
              break
            case "Set":
              settings = { ...settings, [command.name]: command.value }
              yield* output.line(showSetting(settings, command.name, nameWidth))
              break
            case "Clear": {
              const { [command.name]: _cleared, ...rest } = settings
              settings = rest
              yield* output.line(showSetting(settings, command.name, nameWidth))
              break
            }
            case "Invalid":
              yield* output.warn(command.message)
              break
          }
          break
        }
        case "Program": {
          const outcome = yield* Effect.raceFirst(
            Effect.either(run(entry.text, settings)),
            Effect.as(controlC, undefined)
          )
          if (outcome === undefined) yield* output.line(output.paint("dim", "stopped"))
          else if (outcome._tag === "Left") yield* output.warn(outcome.left.message)
          break
        }
      }
    }
  }).pipe(Effect.scoped)
