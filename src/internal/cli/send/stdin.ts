/**
 * Datapoints and events read from stdin for `send --stdin` and `event --stdin`: the read, bounded
 * in size, and the two formats each takes (one JSON object per line, or the ingest API's JSON
 * body), checked by the library's rules with every problem named by its line or index. A batch
 * is all or nothing: the caller sends it only when no entry has a problem.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import { describeType, shown } from "../../../core/english.js"
import * as Datapoint from "../../../Datapoint.js"
import * as Event from "../../../Event.js"
import type { ValidationError } from "../../../SignalFxError.js"
import type { CliError } from "../exit.js"
import { readBounded } from "../input.js"
import { parseTime } from "./time.js"

/**
 * The most of stdin read: about 150,000 datapoints of a hundred bytes. Everything is parsed and
 * checked before anything is sent, so all of it is held at once.
 * @internal
 */
export const MAX_STDIN_BYTES = 16 * 1024 * 1024

/** The problems listed one per line; the others are counted. */
const MAX_LISTED = 10

/**
 * What is wrong with a batch: the first problems, each prefixed with where it is (`line 3`,
 * `gauge[2]`), and how many more there are.
 * @internal
 */
export interface Problems {
  readonly listed: ReadonlyArray<string>
  readonly total: number
}

/**
 * Stdin as UTF-8 text (a byte-order mark dropped), at most {@link MAX_STDIN_BYTES}.
 * @internal
 */
export const readStdin: Effect.Effect<string, CliError> = Effect.map(
  readBounded(process.stdin, "stdin", MAX_STDIN_BYTES, "the most read at once: split it and send each part"),
  (bytes) => bytes.toString("utf8").replace(/^\uFEFF/, "")
)

class ProblemList {
  readonly listed: Array<string> = []
  total = 0

  add(where: string, text: string): void {
    this.total++
    if (this.listed.length < MAX_LISTED) this.listed.push(`${where}: ${text}`)
  }

  /** The library's issues with one entry, each path stripped of what `strip` matches. */
  addValidation(where: string, error: ValidationError, strip?: RegExp): void {
    for (const issue of error.issues) {
      const path = strip === undefined ? issue.path : issue.path.replace(strip, "")
      this.add(where, path === "" ? issue.message : `${path}: ${issue.message}`)
    }
    this.total += error.omitted ?? 0
  }

  get problems(): Problems {
    return { listed: this.listed, total: this.total }
  }
}

/** One entry of stdin and where it is (`line 3`, `gauge[2]`), or why it could not be read there. */
type Raw =
  | { readonly where: string; readonly value: unknown; readonly unreadable?: undefined }
  | { readonly where: string; readonly unreadable: string }

/** The whole text as one JSON value, or `undefined` when it is not one (then it is one per line). */
const parseWhole = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Each non-blank line's JSON value, named `line N`. */
const perLine = (text: string): Array<Raw> =>
  text.split("\n").flatMap((line, index): Array<Raw> => {
    if (line.trim() === "") return []
    const where = `line ${index + 1}`
    try {
      return [{ where, value: JSON.parse(line) }]
    } catch (error) {
      return [{ where, unreadable: `not JSON (${error instanceof Error ? error.message : String(error)})` }]
    }
  })

/** The entry as an object, or `undefined` after naming what it is instead. */
const objectOf = (raw: Raw, what: string, problems: ProblemList): Readonly<Record<string, unknown>> | undefined => {
  if (raw.unreadable !== undefined) return void problems.add(raw.where, raw.unreadable)
  if (Predicate.isRecord(raw.value)) return raw.value
  problems.add(raw.where, `${what} is a JSON object, got ${describeType(raw.value)}`)
  return undefined
}

/**
 * The entry's fields to check, with a timestamp written as text (ISO, relative) made
 * milliseconds; a field the format does not know is a problem (a misspelt `dimension` would
 * otherwise be dropped without a word).
 */
const checkedFields = (
  where: string,
  entry: Readonly<Record<string, unknown>>,
  known: ReadonlySet<string>,
  now: number,
  problems: ProblemList
): Record<string, unknown> => {
  const fields: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(entry)) {
    if (!known.has(key)) {
      problems.add(where, `unknown field ${JSON.stringify(key)}; the fields are ${[...known].join(", ")}`)
      continue
    }
    // A line's metric type, already read.
    if (key === "type") continue
    if (key === "timestamp" && typeof value === "string") {
      Either.match(parseTime(value, now), {
        onLeft: (reason) => problems.add(where, `timestamp: ${reason}`),
        onRight: (millis) => (fields.timestamp = millis)
      })
    } else {
      fields[key] = value
    }
  }
  return fields
}

const DATAPOINT_FIELDS: ReadonlySet<string> = new Set(["metric", "value", "dimensions", "timestamp"])
const LINE_FIELDS: ReadonlySet<string> = new Set(["type", ...DATAPOINT_FIELDS])
const EVENT_FIELDS: ReadonlySet<string> = new Set(["eventType", "category", "dimensions", "properties", "timestamp"])

/** The metric types by the names stdin uses for them, `cumulative` short for `cumulative_counter`. */
const TYPES: Readonly<Record<string, Datapoint.MetricType>> = {
  gauge: "gauge",
  counter: "counter",
  cumulative_counter: "cumulative_counter",
  cumulative: "cumulative_counter"
}

/** The ingest body's lists, by their keys there. */
const BODY_LISTS: ReadonlyArray<Datapoint.MetricType> = ["gauge", "counter", "cumulative_counter"]

/** The list of the library's `Datapoints` a type goes in. */
const LIST_OF = { gauge: "gauges", counter: "counters", cumulative_counter: "cumulativeCounters" } as const

/** The ingest body: an object of lists, not a datapoint of its own. */
const isBody = (value: unknown): value is Readonly<Record<string, unknown>> =>
  Predicate.isRecord(value) && !("type" in value) && !("metric" in value)

/** Each entry of stdin with its metric type, from the ingest body's list it is in, or else from its `type`. */
const datapointEntries = (
  text: string,
  problems: ProblemList
): Array<{ readonly raw: Raw; readonly type: Datapoint.MetricType | undefined }> => {
  const whole = parseWhole(text)
  if (!isBody(whole)) {
    const raws: Array<Raw> = whole === undefined ? perLine(text) : [{ where: "line 1", value: whole }]
    return raws.map((raw) => ({ raw, type: undefined }))
  }
  return Object.entries(whole).flatMap(([key, list]) => {
    const type = BODY_LISTS.find((name) => name === key)
    if (type === undefined) {
      problems.add(key, `unknown key; the ingest body has ${BODY_LISTS.join(", ")}`)
      return []
    }
    if (!Array.isArray(list)) {
      problems.add(key, `a list of datapoints, got ${describeType(list)}`)
      return []
    }
    return list.map((value: unknown, index) => ({ raw: { where: `${key}[${index}]`, value }, type }))
  })
}

/** The type a line names, or `undefined` after naming the problem. */
const typeOfLine = (where: string, entry: Readonly<Record<string, unknown>>, problems: ProblemList) => {
  const type = typeof entry.type === "string" ? TYPES[entry.type] : undefined
  if (type === undefined) {
    problems.add(where, `"type" is gauge, counter or cumulative_counter, got ${shown(entry.type)}`)
  }
  return type
}

/**
 * The datapoints of stdin, each checked by the library's rules: one JSON object per line, each
 * with a `type`, or the ingest API's body, `{"gauge": […], "counter": […], "cumulative_counter": […]}`.
 * `now` is what relative timestamps count back from. No datapoint at all is no problem here.
 * @internal
 */
export const parseDatapoints = (
  text: string,
  now: number
): Either.Either<{ readonly datapoints: Datapoint.Datapoints; readonly count: number }, Problems> => {
  const problems = new ProblemList()
  const valid: Array<Datapoint.Validated> = []
  for (const { raw, type: listType } of datapointEntries(text, problems)) {
    const entry = objectOf(raw, "a datapoint", problems)
    if (entry === undefined) continue
    const type = listType ?? typeOfLine(raw.where, entry, problems)
    const fields = checkedFields(
      raw.where,
      entry,
      listType === undefined ? LINE_FIELDS : DATAPOINT_FIELDS,
      now,
      problems
    )
    if (type === undefined) continue
    Either.match(Datapoint.validate({ [LIST_OF[type]]: [fields] }), {
      onLeft: (error) => problems.addValidation(raw.where, error, /^\w+\[0\]\.?/),
      onRight: (points) => {
        for (const point of points) valid.push(point)
      }
    })
  }
  if (problems.total > 0) return Either.left(problems.problems)
  const ofType = (type: Datapoint.MetricType) => valid.filter((point) => point.type === type)
  return Either.right({
    datapoints: {
      gauges: ofType("gauge"),
      counters: ofType("counter"),
      cumulativeCounters: ofType("cumulative_counter")
    },
    count: valid.length
  })
}

/**
 * The events of stdin, each checked by the library's rules: one JSON object per line, or the
 * ingest API's body, a JSON array of events.
 * @internal
 */
export const parseEvents = (text: string, now: number): Either.Either<ReadonlyArray<Event.Validated>, Problems> => {
  const problems = new ProblemList()
  const whole = parseWhole(text)
  const raws: Array<Raw> = Array.isArray(whole)
    ? whole.map((value: unknown, index) => ({ where: `[${index}]`, value }))
    : whole === undefined
    ? perLine(text)
    : [{ where: "line 1", value: whole }]
  const valid: Array<Event.Validated> = []
  for (const raw of raws) {
    const entry = objectOf(raw, "an event", problems)
    if (entry === undefined) continue
    Either.match(Event.validate(checkedFields(raw.where, entry, EVENT_FIELDS, now, problems)), {
      onLeft: (error) => problems.addValidation(raw.where, error),
      onRight: (event) => valid.push(event)
    })
  }
  return problems.total > 0 ? Either.left(problems.problems) : Either.right(valid)
}
