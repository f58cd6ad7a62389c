/**
 * signalflow-cli's interactive prompt: `> `, a program over one or more lines, ^D to run it,
 * `.name value` to change a setting, ^C to stop a running program (the prompt comes back) or to
 * clear what was typed, ^D on an empty prompt to leave.
 *
 * The line editing is node:readline's (arrows, history, ^A/^E, …): it reports ^C at the prompt as
 * an event rather than a signal, and ends its interface on ^D at an empty line, the "run it" key
 * here (a new interface takes the next prompt). @effect/platform's `Terminal` was not taken: its
 * `readLine` neither echoes nor edits what is typed on a terminal in raw mode, and its `readInput`
 * ends on ^C and ^D. The terminal stays in raw mode for the whole session, so that while a
 * program runs ^C is read as a key and stops that run, where a SIGINT would end the command.
 */
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as readline from "node:readline"
import { MAX_PROGRAM_LENGTH } from "../../../core/signalflow/requests.js"
import type { CliError } from "../exit.js"
import { Output } from "../output.js"
import { hasControlC } from "./liveScreen.js"
import { parseSettingsCommand, showSetting } from "./promptSettings.js"
import { SETTING_NAMES } from "./settings.js"

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

const BANNER = [
  "effect-signalfx · SignalFlow console",
  "Type a program (over several lines if you like), then ^D to run it; ^C stops it.",
  "Settings: \".start -15m\" sets one, \".start\" shows it, \".\" shows them all, \".stop none\" clears it.",
  "^C clears what you typed; ^D on an empty prompt leaves."
]

/**
 * What the line editor heard: a line (Enter), ^C, or ^D: at an empty line (`pending` undefined),
 * or after text on the line, which counts as the program's last line.
 */
type Heard =
  | { readonly _tag: "Line"; readonly line: string }
  | { readonly _tag: "Interrupt" }
  | { readonly _tag: "End"; readonly pending: string | undefined }

interface Key {
  readonly ctrl?: boolean | undefined
  readonly name?: string | undefined
}

/**
 * The line editor of the session. What it hears is queued, so that keys typed ahead (a pasted
 * program, a setting and the next line) are all taken, in order, while the last one is handled.
 * Its readline interface lives from one prompt to the next ^D or ^C (then nothing is left in its
 * line); while a program runs there is none, and the keys are the run's.
 */
interface Reader {
  /** The next thing heard; first `prompt` is shown, unless something typed ahead is waiting. */
  readonly next: (prompt: string) => Effect.Effect<Heard>
}

const makeReader: Effect.Effect<Reader, never, Scope.Scope> = Effect.gen(function*() {
  const heard = yield* Queue.unbounded<Heard>()
  const stdin = process.stdin
  let current: readline.Interface | undefined
  let history: ReadonlyArray<string> = []
  /** Ends the interface without a word: the caller says what it meant. */
  const shut = () => {
    const closing = current
    current = undefined
    closing?.close()
  }
  const open = (): readline.Interface => {
    if (current !== undefined) return current
    const rl = readline.createInterface({
      input: stdin,
      output: process.stdout,
      terminal: true,
      history: [...history],
      historySize: MAX_HISTORY,
      removeHistoryDuplicates: true
    })
    // ^D after text on the line ends the program with that line. Heard before readline's own
    // listener, which takes this ^D for "delete right": the line is taken as it was, and the
    // interface ends once readline is done with the key.
    const onKeypress = (_text: string | undefined, key: Key | undefined) => {
      if (key?.ctrl !== true || key.name !== "d" || rl.line === "") return
      const line = rl.line
      setImmediate(() => {
        if (current !== rl) return
        shut()
        process.stdout.write("\n")
        heard.unsafeOffer({ _tag: "End", pending: line })
      })
    }
    stdin.prependListener("keypress", onKeypress)
    rl.on("history", (lines: Array<string>) => {
      history = lines
    })
    rl.on("line", (line) => heard.unsafeOffer({ _tag: "Line", line }))
    rl.on("SIGINT", () => {
      shut()
      process.stdout.write("^C\n")
      heard.unsafeOffer({ _tag: "Interrupt" })
    })
    rl.on("close", () => {
      stdin.off("keypress", onKeypress)
      // readline leaves the terminal cooked: keys typed before the next prompt would be echoed.
      stdin.setRawMode?.(true)
      // Closed by readline itself: ^D at an empty line.
      if (current === rl) {
        current = undefined
        process.stdout.write("\n")
        heard.unsafeOffer({ _tag: "End", pending: undefined })
      }
    })
    current = rl
    return rl
  }
  yield* Effect.addFinalizer(() => Effect.sync(shut))
  return {
    next: (prompt) =>
      Effect.gen(function*() {
        if (yield* Queue.isEmpty(heard)) {
          const rl = open()
          rl.setPrompt(prompt)
          rl.prompt(true)
        }
        return yield* Queue.take(heard)
      })
  }
})

/**
 * Completes when ^C is typed (the terminal is in raw mode: ^C is a key, not a signal). What else
 * is typed meanwhile is dropped, not kept for the next prompt.
 */
const controlC: Effect.Effect<void> = Effect.async<void>((resume) => {
  const stdin = process.stdin
  const onData = (chunk: Buffer | string) => {
    if (hasControlC(chunk)) resume(Effect.void)
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
    const reader = yield* makeReader
    const names = [...new Set([...SETTING_NAMES, ...Object.keys(initialSettings)])]
    const nameWidth = Math.max(...names.map((name) => name.length))
    let settings = initialSettings
    let lines: Array<string> = []
    let length = 0

    const command = (text: string) => {
      const parsed = parseSettingsCommand(text, names)
      switch (parsed._tag) {
        case "ShowAll":
          return Effect.forEach(names, (name) => output.line(showSetting(settings, name, nameWidth)), { discard: true })
        case "Show":
          return output.line(showSetting(settings, parsed.name, nameWidth))
        case "Set":
          settings = { ...settings, [parsed.name]: parsed.value }
          return output.line(showSetting(settings, parsed.name, nameWidth))
        case "Clear": {
          const { [parsed.name]: _cleared, ...rest } = settings
          settings = rest
          return output.line(showSetting(settings, parsed.name, nameWidth))
        }
        case "Invalid":
          return output.warn(parsed.message)
      }
    }

    /** A line typed: the next line of the program, or, first, a settings command. */
    const take = (line: string) => {
      if (lines.length === 0) {
        const trimmed = line.trim()
        if (trimmed === "") return Effect.void
        if (trimmed.startsWith(".")) return command(trimmed)
      }
      lines.push(line)
      length += line.length + 1
      if (length <= MAX_PROGRAM_LENGTH) return Effect.void
      lines = []
      length = 0
      return output.warn(`a program is at most ${MAX_PROGRAM_LENGTH} characters; this one was dropped`)
    }

    /** Runs the program typed until ^C stops it; a failure is its sentence. */
    const runProgram = (program: string) =>
      Effect.gen(function*() {
        const outcome = yield* Effect.raceFirst(
          Effect.either(run(program, settings)),
          Effect.as(controlC, undefined)
        )
        if (outcome === undefined) yield* output.line(output.paint("dim", "stopped"))
        else if (outcome._tag === "Left") yield* output.warn(outcome.left.message)
      })

    yield* output.line(output.paint("heading", BANNER[0] ?? ""))
    for (const line of BANNER.slice(1)) yield* output.line(output.paint("dim", line))
    for (;;) {
      const event = yield* reader.next(lines.length === 0 ? PROMPT : CONTINUATION)
      switch (event._tag) {
        case "Line":
          yield* take(event.line)
          break
        case "Interrupt":
          lines = []
          length = 0
          break
        case "End": {
          if (event.pending !== undefined) yield* take(event.pending)
          if (lines.length === 0) {
            if (event.pending === undefined) return
            break
          }
          const program = lines.join("\n")
          lines = []
          length = 0
          yield* runProgram(program)
          break
        }
      }
    }
  }).pipe(Effect.scoped)
