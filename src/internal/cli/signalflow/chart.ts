/**
 * `--output chart`: a line chart of the computation, a line per time series, drawn in the
 * terminal with asciichart (one colour per series when colours are on) under the range it
 * covers and above a legend; or, with `--out FILE.svg`, drawn by Vega into an SVG file
 * (`svg.ts`). A past range is drawn when the computation ends. A live range is redrawn in place
 * as its timestamps arrive, on a terminal only (elsewhere the redrawing would pile up: the
 * command refuses it).
 *
 * What is kept is bounded: the first {@link MAX_CHART_SERIES} series, the last
 * {@link MAX_POINTS} values of each.
 */
import * as asciichart from "asciichart"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as fs from "node:fs/promises"
import type * as SignalFlow from "../../../SignalFlow.js"
import { fail } from "../exit.js"
import type { CliError } from "../exit.js"
import { Output } from "../output.js"
import { identityOf, seriesName } from "./series.js"

/** The series drawn: past a few dozen, lines and colours are no longer told apart. */
const MAX_CHART_SERIES = 30
/** The series not drawn that are counted: past it the count says "at least". */
const MAX_COUNTED = 100_000
/** The values kept per series (the latest ones): far more than a terminal's or an SVG's width. */
const MAX_POINTS = 10_000
/** The chart's height in rows, its value axis included. */
const CHART_ROWS = 12
/** The value labels' width, e.g. ` 1.235M`. */
const LABEL_WIDTH = 9
/** What the chart's left edge takes: the labels, a space and the axis. */
const AXIS_WIDTH = LABEL_WIDTH + 2
/** A live chart is redrawn at most this often: the first timestamps of a range come at once. */
const REDRAW_MILLIS = 250

/** asciichart's colours, in the order series take them. */
const PALETTE = [
  asciichart.blue,
  asciichart.green,
  asciichart.yellow,
  asciichart.magenta,
  asciichart.cyan,
  asciichart.red,
  asciichart.lightblue,
  asciichart.lightgreen,
  asciichart.lightyellow,
  asciichart.lightmagenta,
  asciichart.lightcyan,
  asciichart.lightred
]

/**
 * One series of the chart: its name and its values by timestamp, oldest first.
 * @internal
 */
export interface ChartSeries {
  readonly name: string
  readonly points: Array<readonly [timestamp: number, value: number | null]>
}

/**
 * The series gathered from a computation's snapshots, bounded.
 * @internal
 */
export class ChartData {
  readonly series = new Map<string, ChartSeries>()
  /** Series not drawn, past {@link MAX_CHART_SERIES} (counted up to a bound). */
  private readonly leftOut = new Set<string>()

  add(snapshot: SignalFlow.Snapshot): void {
    for (const { metadata, tsId, value } of snapshot.values) {
      let series = this.series.get(tsId)
      if (series === undefined) {
        if (this.series.size >= MAX_CHART_SERIES) {
          if (this.leftOut.size < MAX_COUNTED) this.leftOut.add(tsId)
          continue
        }
        series = { name: seriesName(tsId, identityOf(metadata)), points: [] }
        this.series.set(tsId, series)
      }
      series.points.push([snapshot.logicalTimestampMs, value === null ? null : Number(value)])
      // Dropped in slices, not one at a time: a live chart keeps its latest values cheaply.
      if (series.points.length > MAX_POINTS + MAX_POINTS / 10) {
        series.points.splice(0, series.points.length - MAX_POINTS)
      }
    }
  }

  get leftOutCount(): number {
    return this.leftOut.size
  }

  /** The series with at least one value: those a chart can draw. */
  drawable(): ReadonlyArray<ChartSeries> {
    return [...this.series.values()].filter((series) => series.points.some(([, value]) => value !== null))
  }
}

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumSignificantDigits: 4 })

const timeText = (timestamp: number): string => new Date(timestamp).toISOString().replace(".000Z", "Z")

/**
 * Each series' values on `columns` columns over the timestamps of all: a column shows the last
 * value that fell in it; a column without one repeats the value before it (the first value, at
 * the start), as asciichart draws only numbers.
 */
const resample = (series: ReadonlyArray<ChartSeries>, columns: number) => {
  const timestamps = [...new Set(series.flatMap(({ points }) => points.map(([timestamp]) => timestamp)))].sort((a, b) =>
    a - b
  )
  const width = Math.max(1, Math.min(columns, timestamps.length))
  const column = new Map(
    timestamps.map((timestamp, index) => [timestamp, Math.floor(index * width / timestamps.length)])
  )
  const lines = series.map(({ points }) => {
    const line: Array<number | undefined> = new Array(width).fill(undefined)
    for (const [timestamp, value] of points) {
      const at = column.get(timestamp)
      if (value !== null && at !== undefined) line[at] = value
    }
    const first = line.find((value) => value !== undefined) ?? 0
    let previous = first
    return line.map((value) => (previous = value ?? previous))
  })
  return { lines, from: timestamps[0] ?? 0, to: timestamps[timestamps.length - 1] ?? 0 }
}

/**
 * The chart as terminal text: the range, the chart `width` columns wide, the legend (each
 * series with its last value). Colour codes only when `color`.
 * @internal
 */
export const renderChart = (data: ChartData, width: number, color: boolean): string => {
  const series = data.drawable()
  const notDrawn = data.leftOutCount > 0 ? [`(${data.leftOutCount} more time series not drawn)`] : []
  if (series.length === 0) {
    return [data.series.size === 0 ? "No values to draw." : "No values to draw: every value was empty.", ...notDrawn]
      .join("\n")
  }
  const { from, lines, to } = resample(series, Math.max(10, width - AXIS_WIDTH - 1))
  const colors = color ? series.map((_, index) => PALETTE[index % PALETTE.length]) : undefined
  const chart = asciichart.plot(lines, {
    height: CHART_ROWS - 1,
    format: (value) => compact.format(value).padStart(LABEL_WIDTH),
    ...(colors === undefined ? {} : { colors })
  })
  const span = timeText(from)
  const end = timeText(to)
  const plotWidth = lines[0]?.length ?? 0
  const axis = " ".repeat(AXIS_WIDTH) + span + " ".repeat(Math.max(2, plotWidth - span.length - end.length)) + end
  const legend = series.map(({ name, points }, index) => {
    const last = [...points].reverse().find(([, value]) => value !== null)?.[1]
    const swatch = colors === undefined ? "──" : asciichart.colored("──", colors[index])
    return `${swatch} ${name}  ${last === undefined || last === null ? "" : `last ${compact.format(last)}`}`.trimEnd()
  })
  return [chart, axis, "", ...legend, ...notDrawn].join("\n")
}

/**
 * Draws the chart of a past range in the terminal when the computation ends, or into the SVG
 * file `svgFile`.
 * @internal
 */
export const writeChart = <E, R>(
  snapshots: Stream.Stream<SignalFlow.Snapshot, E, R>,
  options: { readonly program: string; readonly svgFile: string | undefined }
): Effect.Effect<void, E | CliError, R | Output> =>
  Effect.gen(function*() {
    const output = yield* Output
    const data = new ChartData()
    yield* Stream.runForEach(snapshots, (snapshot) => Effect.sync(() => data.add(snapshot)))
    if (options.svgFile === undefined) return yield* output.line(renderChart(data, output.columns(), output.color))
    const file = options.svgFile
    const series = data.drawable()
    if (series.length === 0) {
      return yield* fail("failure", `no values to draw: the computation gave no value, so ${file} was not written`)
    }
    yield* Effect.tryPromise({
      try: () => import("./svg.js").then(({ renderSvg }) => renderSvg(series, options.program)),
      catch: (error) =>
        fail("failure", `the chart could not be drawn: ${error instanceof Error ? error.message : error}`)
    }).pipe(
      Effect.flatMap((svg) =>
        Effect.tryPromise({
          try: () => fs.writeFile(file, svg),
          catch: (error) => fail("usage", `cannot write ${file}: ${error instanceof Error ? error.message : error}`)
        })
      )
    )
    const from = Math.min(...series.map(({ points }) => points[0]?.[0] ?? Infinity))
    const to = Math.max(...series.map(({ points }) => points[points.length - 1]?.[0] ?? -Infinity))
    const notDrawn = data.leftOutCount > 0 ? ` (${data.leftOutCount} more not drawn)` : ""
    yield* output.line(`Wrote ${file}: ${series.length} time series${notDrawn}, ${timeText(from)} to ${timeText(to)}.`)
  })

/**
 * Draws the chart of a live range in the terminal, redrawn in place as timestamps arrive, until
 * ^C.
 * @internal
 */
export const watchChart = <E, R>(
  snapshots: Stream.Stream<SignalFlow.Snapshot, E, R>
): Effect.Effect<void, E, R | Output> =>
  Effect.gen(function*() {
    const output = yield* Output
    const data = new ChartData()
    let drawnLines = 0
    let drawnAt = 0
    const draw = (now: number) => {
      const text = renderChart(data, output.columns(), output.color)
      // Up to the first line drawn last time, then clear what is below: the chart redrawn in place.
      const erase = drawnLines === 0 ? "" : `\x1b[${drawnLines}F\x1b[J`
      drawnLines = text.split("\n").length
      drawnAt = now
      return output.write(`${erase}${text}\n`)
    }
    yield* Stream.runForEach(snapshots, (snapshot) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        data.add(snapshot)
        return now - drawnAt >= REDRAW_MILLIS ? draw(now) : Effect.void
      }))
  })
