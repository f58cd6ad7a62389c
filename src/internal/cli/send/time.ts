/**
 * The times and durations `send` and `event` read from the command line and from stdin: a
 * timestamp as milliseconds since the epoch, an ISO time or a time relative to now, and the
 * `--timeout` duration.
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"

const UNIT_MILLIS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000
}

const RELATIVE = /^-(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/
const EPOCH_MILLIS = /^\d+$/
// A date, optionally a time of day, optionally a zone: what `Date.parse` reads the same everywhere.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i

/** What a timestamp may be written as, for the help and for the error naming a bad one. @internal */
export const TIME_FORMS =
  "milliseconds since the epoch (1765137600000), an ISO time (2026-12-07T20:00:00Z; without a zone, local time) or a time relative to now (-30s, -5m, -2h, -1d, -1w)"

/**
 * A timestamp in milliseconds since the epoch, `now` being the command's start: `"now"`, digits
 * (milliseconds, taken as they are: the library refuses ones that look like seconds), an ISO time,
 * or `-<n><unit>` before now. `Left` is why `text` is none of them.
 * @internal
 */
export const parseTime = (text: string, now: number): Either.Either<number, string> => {
  const trimmed = text.trim()
  if (trimmed === "now") return Either.right(now)
  if (EPOCH_MILLIS.test(trimmed)) return Either.right(Number(trimmed))
  const relative = RELATIVE.exec(trimmed)
  if (relative !== null) {
    const [, amount = "", unit = ""] = relative
    return Either.right(Math.round(now - Number(amount) * (UNIT_MILLIS[unit] ?? Number.NaN)))
  }
  if (ISO_TIME.test(trimmed)) {
    const millis = Date.parse(trimmed)
    if (!Number.isNaN(millis)) return Either.right(millis)
  }
  return Either.left(`${JSON.stringify(text)} is not a time: give ${TIME_FORMS}`)
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/

/**
 * A positive duration: a number of seconds, or a number with a unit (`500ms`, `30s`, `2m`, `1h`).
 * @internal
 */
export const parseDuration = (text: string): Either.Either<Duration.Duration, string> => {
  const match = DURATION.exec(text.trim())
  const millis = match === null ? Number.NaN : Number(match[1]) * (UNIT_MILLIS[match[2] ?? "s"] ?? Number.NaN)
  return millis > 0
    ? Either.right(Duration.millis(millis))
    : Either.left(
      `${JSON.stringify(text)} is not a duration: give seconds (30) or a number and a unit (500ms, 30s, 2m)`
    )
}
