/**
 * Times and durations written as text, read one way wherever they are written: `send --timestamp`
 * and the timestamps on its stdin, `send --timeout`, `signalflow --start/--stop/--resolution/
 * --max-delay` and the prompt's `.start -15m`, and the relative times of the local server's
 * SignalFlow requests. One grammar, so every place accepts and refuses the same values.
 *
 * A time is `now`, milliseconds since the epoch, an ISO 8601 date or time, or a time relative to
 * now (`-15m`, `-1h30m`, `+5m`). A duration is a compact one (`500ms`, `10s`, `1m30s`, `1.5m`), a
 * number and a unit word as Effect's `Duration` reads it (`10 seconds`), or a bare number in the
 * unit its caller documents. What does not parse is `undefined`: the caller names the option or
 * the field in its message, with {@link TIME_FORMS} or {@link durationForms}.
 */

/** Milliseconds in each unit of a compact duration (`ms`, `s`, `m`, `h`, `d`, `w`). @internal */
export const UNIT_MILLIS = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000
} as const

/** @internal */
export type DurationUnit = keyof typeof UNIT_MILLIS

const isDurationUnit = (unit: string): unit is DurationUnit => Object.hasOwn(UNIT_MILLIS, unit)

/** The unit words Effect's `Duration` reads (`10 seconds`) that a millisecond clock can honour. */
const UNIT_WORDS: Readonly<Record<string, DurationUnit>> = {
  milli: "ms",
  millis: "ms",
  second: "s",
  seconds: "s",
  minute: "m",
  minutes: "m",
  hour: "h",
  hours: "h",
  day: "d",
  days: "d",
  week: "w",
  weeks: "w"
}

/** What a time may be written as, for a help text and for the message refusing one. @internal */
export const TIME_FORMS =
  "milliseconds since the epoch (1765137600000), an ISO time (2026-12-07T20:00:00Z; without a zone, local time), a time relative to now (-30s, -15m, -1h30m, +5m) or now"

const UNIT_NAMES: Readonly<Record<DurationUnit, string>> = {
  ms: "milliseconds",
  s: "seconds",
  m: "minutes",
  h: "hours",
  d: "days",
  w: "weeks"
}

/**
 * What a duration may be written as, for a help text and for the message refusing one; a bare
 * number counts in `bareNumberUnit`.
 * @internal
 */
export const durationForms = (bareNumberUnit: DurationUnit): string =>
  `a number and a unit (500ms, 10s, 1m30s, 2h) or a number of ${UNIT_NAMES[bareNumberUnit]} (${
    bareNumberUnit === "ms" ? 2500 : 30
  })`

/** Longer text is none of the forms; the bound keeps the patterns' work small whatever is given. */
const MAX_TEXT_LENGTH = 100
/** Date's range: a time beyond it has no ISO form, and is surely a mistake. */
const MAX_TIME_MILLIS = 8.64e15

const AMOUNT = String.raw`\d{1,9}(?:\.\d{1,9})?`
/** `15m`, `1h30m`, `500ms`, `1.5m`: SignalFlow's and signalflow-cli's compact durations. */
const COMPACT_DURATION = new RegExp(`^(?:${AMOUNT}(?:ms|s|m|h|d|w))+$`)
const COMPACT_TERM = new RegExp(`(${AMOUNT})(ms|s|m|h|d|w)`, "g")
const WORD_DURATION = new RegExp(`^(${AMOUNT})\\s+([a-z]+)$`)
const BARE_NUMBER = /^\d{1,16}(?:\.\d{1,9})?$/
const EPOCH_MILLIS = /^\d{1,16}$/
const RELATIVE_TIME = /^([+-])(.+)$/
/** An ISO 8601 date, with or without a time and a zone; `Date.parse` alone takes far too much. */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i

const compactMillis = (text: string): number | undefined => {
  if (!COMPACT_DURATION.test(text)) return undefined
  let total = 0
  for (const [, amount = "", unit = ""] of text.matchAll(COMPACT_TERM)) {
    if (isDurationUnit(unit)) total += Number(amount) * UNIT_MILLIS[unit]
  }
  return total
}

const wordMillis = (text: string): number | undefined => {
  const [, amount, word = ""] = WORD_DURATION.exec(text.toLowerCase()) ?? []
  const unit = UNIT_WORDS[word]
  return amount === undefined || unit === undefined ? undefined : Number(amount) * UNIT_MILLIS[unit]
}

/**
 * A duration in whole milliseconds, never negative: a compact duration (`500ms`, `10s`, `1m30s`,
 * `1.5m`), a number and a unit word (`10 seconds`), or a bare number counted in `bareNumberUnit`
 * (milliseconds unless the caller documents another unit); `undefined` for anything else.
 * Whether zero will do is the caller's to say.
 * @internal
 */
export const parseDuration = (text: string, bareNumberUnit: DurationUnit = "ms"): number | undefined => {
  const trimmed = text.trim()
  if (trimmed.length > MAX_TEXT_LENGTH) return undefined
  const millis = BARE_NUMBER.test(trimmed)
    ? Number(trimmed) * UNIT_MILLIS[bareNumberUnit]
    : compactMillis(trimmed) ?? wordMillis(trimmed)
  return millis === undefined || !Number.isFinite(millis) ? undefined : Math.round(millis)
}

const withinDateRange = (millis: number): number | undefined =>
  Number.isFinite(millis) && Math.abs(millis) <= MAX_TIME_MILLIS ? millis : undefined

/**
 * `now`, or a time relative to `now` as a sign and a compact duration (`-15m`, `-1h30m`, `+5m`),
 * in milliseconds since the epoch; `undefined` for anything else, a signed bare number included
 * (which unit it would count in is anyone's guess).
 * @internal
 */
export const parseRelativeTime = (text: string, now: number): number | undefined => {
  const trimmed = text.trim()
  if (trimmed.toLowerCase() === "now") return now
  if (trimmed.length > MAX_TEXT_LENGTH) return undefined
  const [, sign, duration = ""] = RELATIVE_TIME.exec(trimmed) ?? []
  const offset = sign === undefined ? undefined : compactMillis(duration)
  return offset === undefined ? undefined : withinDateRange(Math.round(sign === "-" ? now - offset : now + offset))
}

/** An ISO date that names a day of the calendar: `Date.parse` rolls 2026-02-30 over into March. */
const isCalendarDate = (year: string, month: string, day: string): boolean => {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
  return date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day)
}

const isoMillis = (text: string): number | undefined => {
  const [, year = "", month = "", day = ""] = ISO_TIME.exec(text) ?? []
  if (year === "" || !isCalendarDate(year, month, day)) return undefined
  return withinDateRange(Date.parse(text.toUpperCase().replace(" ", "T")))
}

/**
 * A time in milliseconds since the epoch: such a number (taken as it is), `now`, a time relative
 * to `now` (`-15m`, `-1h30m`, `+5m`), or an ISO time (`2026-12-07T20:00:00Z`; a date alone is
 * midnight UTC, a time without a zone is local time); `undefined` for anything else.
 * @internal
 */
export const parseTime = (text: string, now: number): number | undefined => {
  const trimmed = text.trim()
  if (trimmed.length > MAX_TEXT_LENGTH) return undefined
  if (EPOCH_MILLIS.test(trimmed)) return withinDateRange(Number(trimmed))
  return parseRelativeTime(trimmed, now) ?? isoMillis(trimmed)
}
