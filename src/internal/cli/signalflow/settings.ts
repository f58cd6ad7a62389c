/**
 * The settings of a SignalFlow run (`start`, `stop`, `resolution`, `max-delay`, `output`) parsed
 * from text, the same way whether they come from the command line's options or from the
 * interactive prompt's `.start -15m`: one parser, so both accept and refuse the same values. Times and
 * durations are read in the grammar every command shares (src/core/time.ts).
 */
import * as Effect from "effect/Effect"
import { durationForms, parseDuration, parseTime, TIME_FORMS } from "../../../core/time.js"
import type { CliError } from "../exit.js"
import { fail } from "../exit.js"
import type { Settings } from "./prompt.js"

/** The ways to show a computation's output. @internal */
export const OUTPUTS = ["live", "csv", "json", "chart"] as const

/** @internal */
export type OutputKind = typeof OUTPUTS[number]

/** The names of the settings, as options (`--max-delay`) and at the prompt (`.max-delay`). @internal */
export const SETTING_NAMES = ["start", "stop", "resolution", "max-delay", "output"] as const

/** @internal */
export type SettingName = typeof SETTING_NAMES[number]

/**
 * The settings resolved: times in milliseconds since the epoch, durations in milliseconds;
 * `undefined` where the service (or, for `output`, the terminal) decides.
 * @internal
 */
export interface RunSettings {
  readonly start: number
  /** Without a stop the computation runs live until ^C. */
  readonly stop: number | undefined
  readonly resolution: number | undefined
  readonly maxDelay: number | undefined
  readonly output: OutputKind | undefined
}

/** How far back a computation starts when no start is given: signalflow-cli's `-1m`. */
const DEFAULT_LOOKBACK_MILLIS = 60_000

/** How a setting is named in a message: as an option (`--start`) or as a prompt command (`.start`). @internal */
export type Spelling = "option" | "prompt"

/**
 * Parses the settings given as text, e.g. `{ start: "-15m", resolution: "10s" }`. An empty value
 * is no value. A value that does not parse, an unknown name or a stop not after the start is a
 * usage mistake naming the setting (as `--start` or `.start`, per `spelling`) and the value.
 * Relative times are taken from `now`.
 * @internal
 */
export const parseSettings = (
  settings: Settings,
  now: number,
  spelling: Spelling = "option"
): Effect.Effect<RunSettings, CliError> =>
  Effect.gen(function*() {
    const name = (setting: string) => `${spelling === "option" ? "--" : "."}${setting}`
    const refuse = (setting: string, value: string, expected: string) =>
      fail("usage", `${name(setting)} ${JSON.stringify(value)} is not ${expected}`)
    const given = new Map<string, string>()
    for (const [setting, value] of Object.entries(settings)) {
      if (!SETTING_NAMES.some((known) => known === setting)) {
        return yield* fail(
          "usage",
          `there is no setting ${JSON.stringify(setting)}; the settings are ${SETTING_NAMES.join(", ")}`
        )
      }
      if (value.trim() !== "") given.set(setting, value)
    }
    const time = (setting: SettingName) =>
      Effect.gen(function*() {
        const value = given.get(setting)
        if (value === undefined) return undefined
        const parsed = parseTime(value, now)
        return parsed === undefined ? yield* refuse(setting, value, `a time: give ${TIME_FORMS}`) : parsed
      })
    const duration = (setting: SettingName, least: number) =>
      Effect.gen(function*() {
        const value = given.get(setting)
        if (value === undefined) return undefined
        const parsed = parseDuration(value)
        return parsed === undefined || parsed < least
          ? yield* refuse(setting, value, `${least > 0 ? "a positive" : "a"} duration: give ${durationForms("ms")}`)
          : parsed
      })
    const stop = yield* time("stop")
    const start = (yield* time("start")) ?? (stop ?? now) - DEFAULT_LOOKBACK_MILLIS
    if (stop !== undefined && stop <= start) {
      return yield* fail(
        "usage",
        `${name("stop")} ${JSON.stringify(given.get("stop"))} is not after the start (${new Date(start).toISOString()})`
      )
    }
    const resolution = yield* duration("resolution", 1)
    const maxDelay = yield* duration("max-delay", 0)
    const outputText = given.get("output")
    const output = outputText === undefined ? undefined : OUTPUTS.find((kind) => kind === outputText.trim())
    if (outputText !== undefined && output === undefined) {
      return yield* refuse("output", outputText, `an output: give ${OUTPUTS.join(", ")}`)
    }
    return { start, stop, resolution, maxDelay, output }
  })
