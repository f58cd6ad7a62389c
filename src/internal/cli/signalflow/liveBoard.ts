/**
 * What the live display knows of a running computation, and the frame it draws from it: a header
 * (the program, the last logical timestamp, the resolution), then a row per time series (its
 * name, its last 10 values as a sparkline, its last value, its minimum and maximum) and the
 * latest events, cut to the terminal's width and height.
 *
 * Everything it keeps is bounded: at most {@link MAX_SERIES} time series (a computation with more
 * is followed for the first ones, and the frame says so), ten values each, names of bounded
 * length, and the last {@link MAX_EVENTS} events.
 */
import type * as SignalFlow from "../../../SignalFlow.js"
import type { Tone } from "../output.js"
import {
  cut,
  displayWidth,
  fit,
  formatDuration,
  formatTime,
  formatValue,
  oneLine,
  seriesLabel,
  textOf
} from "./liveText.js"
import { sparkline } from "./sparkline.js"

/** How many of its last values a row's sparkline shows, as signalflow-cli's does. */
const SPARK_LENGTH = 10

/** The time series followed: past it, a computation's further series are counted out, not kept. @internal */
export const MAX_SERIES = 10_000

/** The events shown below the rows, the latest first. */
const MAX_EVENTS = 3

/** The longest line an event becomes before the display cuts it to the terminal's width. */
const MAX_EVENT_LENGTH = 300

/** The properties an event line shows, of those with a plain value. */
const MAX_EVENT_PROPERTIES = 6

/** The narrowest the time series column gets before columns to its right are left out. */
const MIN_NAME_WIDTH = 12

/** The widest a value column gets (a `bigint` is cut). */
const MAX_VALUE_WIDTH = 16

const GAP = "  "

interface Row {
  label: string
  last: number | bigint | null | undefined
  min: number | undefined
  max: number | undefined
  /** The values of the last {@link SPARK_LENGTH} timestamps, oldest first; `null` where none came. */
  readonly recent: Array<number | null>
}

/** How a frame is drawn: the terminal's size and the colours of the command's output. @internal */
export interface Layout {
  readonly columns: number
  readonly rows: number
  readonly paint: (tone: Tone, text: string) => string
}

const numeric = (value: number | bigint | null): number | null =>
  value === null ? null : typeof value === "bigint" ? Number(value) : Number.isFinite(value) ? value : null

/**
 * The state of one computation's display: `push` each message, `render` a frame when it is time
 * to draw.
 * @internal
 */
export class Board {
  private readonly rows = new Map<string, Row>()
  /** The rows' ids sorted by name; recomputed when a row comes or goes. */
  private order: ReadonlyArray<string> | undefined = undefined
  private events: Array<string> = []
  private timestamp: number | undefined = undefined
  private resolution: number | undefined = undefined
  private progress: number | undefined = undefined
  private matchedNothing = false
  /** Time series left out once {@link MAX_SERIES} were followed. */
  private overflow = false
  /** Whether the computation started: a program refused at once (after `STREAM_START`) draws no frame. */
  started = false

  constructor(private readonly program: string) {}

  push(message: SignalFlow.Message): void {
    if (message.type !== "control-message" || message.event !== "STREAM_START") this.started = true
    switch (message.type) {
      case "control-message":
        if (message.event === "JOB_PROGRESS") this.progress = message.progress
        return
      case "message":
        if (message.message.messageCode === "JOB_RUNNING_RESOLUTION") {
          const resolution = message.message.contents?.resolutionMs
          if (typeof resolution === "number" && resolution > 0) this.resolution = resolution
        } else if (message.message.messageCode === "FIND_MATCHED_NO_TIMESERIES") {
          this.matchedNothing = true
        }
        return
      case "metadata": {
        const row = this.row(message.tsId)
        if (row !== undefined) {
          row.label = seriesLabel(message.properties, message.tsId)
          this.order = undefined
        }
        return
      }
      case "expired-tsid":
        if (this.rows.delete(message.tsId)) this.order = undefined
        return
      case "data":
        this.data(message)
        return
      case "event":
        this.event(message)
        return
    }
  }

  /** The row of `tsId`, made when it is new and there is room. */
  private row(tsId: string): Row | undefined {
    const known = this.rows.get(tsId)
    if (known !== undefined) return known
    if (this.rows.size >= MAX_SERIES) {
      this.overflow = true
      return undefined
    }
    const row: Row = {
      label: seriesLabel(undefined, tsId),
      last: undefined,
      min: undefined,
      max: undefined,
      recent: Array.from({ length: SPARK_LENGTH }, () => null)
    }
    this.rows.set(tsId, row)
    this.order = undefined
    return row
  }

  private data(message: SignalFlow.DataMessage): void {
    if (message.logicalTimestampMs !== this.timestamp) {
      // A new timestamp moves every sparkline one step; a series without a value there gets a gap.
      for (const row of this.rows.values()) {
        row.recent.shift()
        row.recent.push(null)
      }
      this.timestamp = message.logicalTimestampMs
    }
    for (const point of message.data) {
      const row = this.row(point.tsId)
      if (row === undefined) continue
      row.last = point.value
      const value = numeric(point.value)
      row.recent[SPARK_LENGTH - 1] = value
      if (value !== null) {
        row.min = row.min === undefined ? value : Math.min(row.min, value)
        row.max = row.max === undefined ? value : Math.max(row.max, value)
      }
    }
  }

  private event(message: SignalFlow.EventMessage): void {
    const properties: Array<string> = []
    for (const name in message.properties) {
      if (properties.length >= MAX_EVENT_PROPERTIES) break
      const text = textOf(message.properties[name])
      if (text !== undefined) properties.push(`${name}=${text}`)
    }
    const line = oneLine(
      [formatTime(message.timestampMs), seriesLabel(message.metadata, message.tsId), ...properties].join(" "),
      MAX_EVENT_LENGTH
    )
    this.events = [line, ...this.events].slice(0, MAX_EVENTS)
  }

  private status(): string {
    if (this.timestamp === undefined) {
      if (this.matchedNothing) return "no time series matched"
      return this.progress === undefined ? "waiting for data" : `waiting for data (${this.progress}%)`
    }
    const resolution = this.resolution === undefined ? "" : ` @${formatDuration(this.resolution)}`
    return `${formatTime(this.timestamp)}${resolution}`
  }

  private header(layout: Layout, width: number): string {
    const status = this.status()
    const statusWidth = displayWidth(status)
    const programWidth = width - statusWidth - GAP.length
    if (programWidth < MIN_NAME_WIDTH) return layout.paint("heading", cut(status, width))
    return `${layout.paint("heading", fit(oneLine(this.program, programWidth + 1), programWidth))}${GAP}${
      layout.paint("accent", status)
    }`
  }

  /** The frame's lines: never wider than the terminal, never taller than it less one line. */
  render(layout: Layout): ReadonlyArray<string> {
    // One column spare: a line that fills the last column leaves some terminals' cursor past it.
    const width = Math.max(1, layout.columns - 1)
    const lines = [this.header(layout, width)]
    if (this.rows.size === 0 && this.events.length === 0) return lines
    const order = this.order ??= [...this.rows.entries()]
      .sort(([, a], [, b]) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
      .map(([tsId]) => tsId)
    const notes = this.overflow ? 1 : 0
    let eventLines = this.events.length === 0 ? 0 : 1 + this.events.length
    // The header, the column headings, and one line spare so that the frame never scrolls.
    let budget = layout.rows - 3 - notes - eventLines
    if (budget < 2) {
      eventLines = 0
      budget = Math.max(1, layout.rows - 3 - notes)
    }
    const shown = order.length <= budget ? order : order.slice(0, Math.max(1, budget - 1))
    const rows = shown.flatMap((tsId) => {
      const row = this.rows.get(tsId)
      return row === undefined ? [] : [row]
    })
    if (rows.length > 0) { for (const line of this.table(rows, layout, width)) lines.push(line) }
    if (shown.length < order.length) {
      lines.push(layout.paint("dim", cut(`+${order.length - shown.length} more series`, width)))
    }
    if (this.overflow) {
      lines.push(layout.paint("warn", cut(`only the first ${MAX_SERIES} time series are followed`, width)))
    }
    if (eventLines > 0) {
      lines.push(layout.paint("heading", cut("events", width)))
      for (const event of this.events) lines.push(cut(`  ${event}`, width))
    }
    return lines
  }

  /** The column headings and a line per row, the columns that fit the width. */
  private table(rows: ReadonlyArray<Row>, layout: Layout, width: number): Array<string> {
    const cells = rows.map((row) => ({
      label: row.label,
      spark: sparkline(row.recent),
      last: formatValue(row.last),
      min: formatValue(row.min),
      max: formatValue(row.max)
    }))
    const valueWidth = Math.min(
      MAX_VALUE_WIDTH,
      Math.max(4, ...cells.flatMap((cell) => [cell.last.length, cell.min.length, cell.max.length]))
    )
    const valueColumn = GAP.length + valueWidth
    const sparkColumn = GAP.length + SPARK_LENGTH
    // The most columns that leave the names their narrowest width: all, then without min and
    // max, then the last value alone, then the names alone.
    const fits = (extra: number) => width - extra >= MIN_NAME_WIDTH
    const columns = fits(sparkColumn + 3 * valueColumn)
      ? { spark: true, last: true, range: true }
      : fits(sparkColumn + valueColumn)
      ? { spark: true, last: true, range: false }
      : fits(valueColumn)
      ? { spark: false, last: true, range: false }
      : { spark: false, last: false, range: false }
    const others = (columns.spark ? sparkColumn : 0) + (columns.last ? valueColumn : 0) +
      (columns.range ? 2 * valueColumn : 0)
    const nameWidth = Math.min(
      width - others,
      Math.max(displayWidth("TIME SERIES"), ...cells.map((cell) => displayWidth(cell.label)))
    )
    const line = (
      label: string,
      spark: string,
      last: string,
      min: string,
      max: string,
      paint: { readonly label?: Tone; readonly spark?: Tone; readonly last?: Tone; readonly range?: Tone }
    ) => {
      const tone = (which: Tone | undefined, text: string) => which === undefined ? text : layout.paint(which, text)
      let text = tone(paint.label, fit(label, nameWidth))
      if (columns.spark) text += GAP + tone(paint.spark, fit(spark, SPARK_LENGTH))
      if (columns.last) text += GAP + tone(paint.last, fit(last, valueWidth, "right"))
      if (columns.range) {
        text += GAP + tone(paint.range, fit(min, valueWidth, "right"))
        text += GAP + tone(paint.range, fit(max, valueWidth, "right"))
      }
      return text.trimEnd()
    }
    const heading: Tone = "dim"
    return [
      line("TIME SERIES", "LAST 10", "LAST", "MIN", "MAX", {
        label: heading,
        spark: heading,
        last: heading,
        range: heading
      }),
      ...cells.map((cell) =>
        line(cell.label, cell.spark, cell.last, cell.min, cell.max, { spark: "accent", last: "heading" })
      )
    ]
  }
}
