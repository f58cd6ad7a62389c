/**
 * The text of the live display: a time series' name from its metadata (bounded and stripped of
 * terminal escapes, as everything a server sends), values and durations written short, and text
 * measured and cut in terminal columns, so that no row wraps and breaks the redraw in place.
 */
import { peerText } from "../../../core/peerText.js"

/** The longest name a time series is given; the display cuts it further to the terminal's width. */
const MAX_LABEL_LENGTH = 300

/** The longest piece (the metric, a dimension's name or value) taken from the metadata. */
const MAX_PART_LENGTH = 100

/** Properties the service adds to every time series: not what tells one series from another. */
const NOT_DIMENSIONS = new Set([
  "sf_metric",
  "sf_originatingMetric",
  "sf_eventType",
  "sf_originatingEventType",
  "sf_key",
  "sf_type",
  "sf_streamLabel",
  "sf_resolutionMs",
  "sf_organizationID",
  "sf_isPreQuantized",
  "sf_singletonFixedDimensions",
  "jobId",
  "programId",
  "computationId"
])

/** A property's value as text when it is a string, a number or a boolean. @internal */
export const textOf = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : undefined

/** A generated name (`_SF_COMP_…-PUBLISH_METRIC`) means nothing to a person: the originating one does. */
const metricOf = (properties: Readonly<Record<string, unknown>>): string | undefined => {
  const metric = textOf(properties.sf_metric) ?? textOf(properties.sf_eventType)
  const originating = textOf(properties.sf_originatingMetric) ?? textOf(properties.sf_originatingEventType)
  return metric !== undefined && !metric.toLowerCase().startsWith("_sf_") ? metric : originating ?? metric
}

/** The dimensions' names: those of `sf_key` when the service sent it, else every property not its own. */
const dimensionNames = (properties: Readonly<Record<string, unknown>>): Array<string> => {
  const key = properties.sf_key
  const names = Array.isArray(key)
    ? key.filter((name): name is string => typeof name === "string")
    : Object.keys(properties).filter((name) => !name.startsWith("sf_"))
  return names.filter((name) => !NOT_DIMENSIONS.has(name)).sort()
}

/**
 * A time series' name as a person reads it: its stream label, its metric, then its dimensions as
 * `key=value`, sorted by key (`cpu.utilization host=web-1 region=eu`). Each piece is peer text
 * (control characters escaped, bounded), and the whole is at most {@link MAX_LABEL_LENGTH}
 * characters; `fallback` (the time series id) when the metadata names nothing.
 * @internal
 */
export const seriesLabel = (properties: Readonly<Record<string, unknown>> | undefined, fallback: string): string => {
  const parts: Array<string> = []
  let length = 0
  const add = (part: string) => {
    if (length > MAX_LABEL_LENGTH) return
    parts.push(part)
    length += part.length + 1
  }
  if (properties !== undefined) {
    const label = textOf(properties.sf_streamLabel)
    if (label !== undefined && label !== "") add(`${peerText(label, MAX_PART_LENGTH)}:`)
    const metric = metricOf(properties)
    if (metric !== undefined) add(peerText(metric, MAX_PART_LENGTH))
    for (const name of dimensionNames(properties)) {
      const value = textOf(properties[name])
      if (value !== undefined) add(`${peerText(name, MAX_PART_LENGTH)}=${peerText(value, MAX_PART_LENGTH)}`)
    }
  }
  const text = parts.length === 0 ? peerText(fallback, MAX_PART_LENGTH) : parts.join(" ")
  return text.length > MAX_LABEL_LENGTH ? `${text.slice(0, MAX_LABEL_LENGTH - 1)}…` : text
}

/**
 * A value written short for a column: integers as they are (a `bigint` exactly), others to six
 * significant digits, very large or small ones in exponent form, `-` for none.
 * @internal
 */
export const formatValue = (value: number | bigint | null | undefined): string => {
  if (value === null || value === undefined) return "-"
  if (typeof value === "bigint" || !Number.isFinite(value)) return String(value)
  const magnitude = Math.abs(value)
  if (magnitude >= 1e12 || (magnitude < 1e-4 && value !== 0)) return value.toExponential(3)
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)))
}

const UNITS: ReadonlyArray<readonly [suffix: string, millis: number]> = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000]
]

/** A duration in the largest unit that divides it (`10s`, `5m`, `1h`), else in milliseconds. @internal */
export const formatDuration = (millis: number): string => {
  const unit = UNITS.find(([, size]) => millis >= size && millis % size === 0)
  return unit === undefined ? `${millis}ms` : `${millis / unit[1]}${unit[0]}`
}

/** A time as a person reads it in a log: ISO 8601, UTC. @internal */
export const formatTime = (millis: number): string => {
  const date = new Date(millis)
  return Number.isNaN(date.getTime()) ? String(millis) : date.toISOString()
}

/** A program on one line (its whitespace runs made one space) with no terminal escapes. @internal */
export const oneLine = (text: string, max: number): string => peerText(text.replace(/\s+/g, " ").trim(), max)

/** Zero-width: combining marks (variation selectors among them). */
const COMBINING = /^\p{M}$/u

/** Zero-width spaces, joiners and marks of direction, and the word joiner. */
const isZeroWidthSpace = (code: number): boolean => (code >= 0x200b && code <= 0x200f) || code === 0x2060

/** Two columns wide: East Asian wide and fullwidth characters, and emoji. */
const DOUBLE_WIDTH =
  /^[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]$/u

const widthOf = (character: string): number =>
  COMBINING.test(character) || isZeroWidthSpace(character.codePointAt(0) ?? 0)
    ? 0
    : DOUBLE_WIDTH.test(character)
    ? 2
    : 1

/** The columns `text` takes on a terminal (`text` has no escapes: it is peer text or ours). @internal */
export const displayWidth = (text: string): number => {
  let width = 0
  for (const character of text) width += widthOf(character)
  return width
}

/** `text` in at most `width` columns, ending in `…` when it was cut. @internal */
export const cut = (text: string, width: number): string => {
  if (displayWidth(text) <= width) return text
  if (width <= 0) return ""
  let kept = ""
  let used = 0
  for (const character of text) {
    const size = widthOf(character)
    if (used + size > width - 1) break
    kept += character
    used += size
  }
  return `${kept}…`
}

/** `text` cut to `width` columns and padded to exactly `width`, on the right or (`right`) on the left. @internal */
export const fit = (text: string, width: number, align: "left" | "right" = "left"): string => {
  const kept = cut(text, width)
  const padding = " ".repeat(Math.max(0, width - displayWidth(kept)))
  return align === "left" ? kept + padding : padding + kept
}
