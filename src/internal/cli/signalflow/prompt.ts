/** A placeholder: the interactive prompt is being written. */
import * as Effect from "effect/Effect"
import type { CliError } from "../exit.js"
import type { Output } from "../output.js"

/**
 * The settings typed at the prompt (`.start -15m` sets `start`), by option name as on the
 * command line (`start`, `stop`, `resolution`, `max-delay`, `output`).
 * @internal
 */
export type Settings = Readonly<Record<string, string>>

/**
 * signalflow-cli's prompt: `> `, a program over one or more lines, ^D to run it with the current
 * settings, `.name value` to change a setting, ^C to stop a running program, ^D on an empty
 * prompt to leave. A failed run (a bad setting, an invalid program) prints its sentence and the
 * prompt comes back.
 * @internal
 */
export const interactive = (
  _run: (program: string, settings: Settings) => Effect.Effect<void, CliError>,
  _initial: Settings
): Effect.Effect<void, CliError, Output> => Effect.void
