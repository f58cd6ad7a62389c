/**
 * The prompt's settings commands, as signalflow-cli's: `.name value` sets a setting (`.start
 * -15m`), `.name` shows it, `.` or `.settings` shows them all, and `.name none` clears it (back
 * to the command's default). Names are the command line's options (`max-delay`; signalflow-cli's
 * `max_delay` is taken too). The values are checked when a program runs, by the command.
 */

/** The longest value a setting takes: a time, a duration or an output's name is a few characters. */
const MAX_VALUE_LENGTH = 200

/** The word that clears a setting. @internal */
export const CLEAR = "none"

/** @internal */
export type SettingsCommand =
  | { readonly _tag: "ShowAll" }
  | { readonly _tag: "Show"; readonly name: string }
  | { readonly _tag: "Set"; readonly name: string; readonly value: string }
  | { readonly _tag: "Clear"; readonly name: string }
  | { readonly _tag: "Invalid"; readonly message: string }

/** A line that starts with `.` (trimmed), as a command over the settings named `known`. @internal */
export const parseSettingsCommand = (line: string, known: ReadonlyArray<string>): SettingsCommand => {
  const [word = "", ...rest] = line.slice(1).trim().split(/\s+/)
  if (word === "" || word === "settings") return { _tag: "ShowAll" }
  const name = word.toLowerCase().replaceAll("_", "-")
  if (!known.includes(name)) {
    return {
      _tag: "Invalid",
      message: `there is no setting ${name.slice(0, 40)}; the settings are ${known.join(", ")}`
    }
  }
  const value = rest.join(" ")
  if (value === "") return { _tag: "Show", name }
  if (value.length > MAX_VALUE_LENGTH) {
    return { _tag: "Invalid", message: `the value of ${name} is longer than ${MAX_VALUE_LENGTH} characters` }
  }
  return value === CLEAR ? { _tag: "Clear", name } : { _tag: "Set", name, value }
}

/** A setting as the prompt shows it: `name  value`, or `(default)` when it is not set. @internal */
export const showSetting = (settings: Readonly<Record<string, string>>, name: string, width: number): string =>
  `${name.padEnd(width)}  ${settings[name] ?? "(default)"}`
