/**
 * The settings of a SignalFlow run (`start`, `stop`, `resolution`, `max-delay`, `output`) parsed
 * from text, the same way whether they come from the command line's options or from the
 * interactive prompt's `.start -15m`: one parser, so both accept and refuse the same values.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
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

const UNIT_MILLIS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000
}

/** `15m`, `1h30m`, `500ms`: SignalFlow's and signalflow-cli's compact durations. */
const COMPACT_DURATION = /^(?:\d{1,9}(?:ms|s|m|h|d|w))+$/
const DURATION_TERM = /(\d+)(ms|s|m|h|d|w)/g
const RELATIVE_TIME = /^([+-])(\S+)$/
const MILLIS = /^\d{1,16}$/
/** An ISO 8601 date, with or without a time and a zone; `Date.parse` alone takes far too much. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i

const compactMillis = (text: string): number | undefined => {
  if (!COMPACT_DURATION.test(text)) return undefined
  let total = 0
  for (const [, amount, unit] of text.matchAll(DURATION_TERM)) {
    total += Number(amount) * (UNIT_MILLIS[unit ?? "ms"] ?? 1)
  }
  return total
}

/**
 * A duration in milliseconds: a number of milliseconds, a compact duration (`10s`, `1m30s`), or
 * what Effect's `Duration` reads (`10 seconds`); `undefined` for anything else.
 * @internal
 */
export const parseDuration = (text: string): number | undefined => {
  const trimmed = text.trim()
  if (MILLIS.test(trimmed)) return Number(trimmed)
  const compact = compactMillis(trimmed)
  if (compact !== undefined) return compact
  return Option.match(Duration.decodeUnknown(trimmed), {
    onNone: () => undefined,
    onSome: (duration) => Duration.isFinite(duration) ? Duration.toMillis(duration) : undefined
  })
}

/**
 * A time in milliseconds since the epoch: such a number, `now`, a time relative to now (`-15m`,
 * `-1h30m`, `+5m`), or an ISO time (`2024-05-01T12:00:00Z`; without a zone, local time);
 * `undefined` for anything else.
 * @internal
 */
export const parseTime = (text: string, now: number): number | undefined => {
  const trimmed = text.trim()
  if (trimmed.toLowerCase() === "now") return now
  if (MILLIS.test(trimmed)) return Number(trimmed)
  const relative = RELATIVE_TIME.exec(trimmed)
  if (relative !== null) {
    const offset = parseDuration(relative[2] ?? "")
    return offset === undefined ? undefined : relative[1] === "-" ? now - offset : now + offset
  }
  if (!ISO_TIME.test(trimmed)) return undefined
  const parsed = Date.parse(trimmed.replace(" ", "T"))
  return Number.isFinite(parsed) ? parsed : undefined
}

/** How a setting is named in a message: as an option (`--start`) or as a prompt command (`.start`). @internal */
export type Spelling = "option" | "prompt"

const TIME_FORMS =
  "milliseconds since the epoch, an ISO time (2024-05-01T12:00:00Z), a relative time (-15m, -1h) or now"
const DURATION_FORMS = "a duration such as 10s, 1m or 500ms, or a number of milliseconds"

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
          ? yield* refuse(setting, value, `${least > 0 ? "a positive" : "a"} duration: give ${DURATION_FORMS}`)
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
