/**
 * `--output csv`, as signalflow-cli writes it: a `timestamp` column (milliseconds since the
 * epoch), then a column per time series named by its identity (`series.ts`), a row per logical
 * timestamp. Cells are quoted as RFC 4180 says (a comma, a quote or a line break inside).
 *
 * A CSV's header comes first, and a series may appear after it. For a past range the rows are
 * kept until the computation ends, so that the header names every series; for a live one (and
 * for a past range past what is kept) the header is written with the series known by then, and
 * a series that appears later is left out, with a warning at the end.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type * as SignalFlow from "../../../SignalFlow.js"
import { Output } from "../output.js"
import { identityOf, seriesName } from "./series.js"

/** The values kept before the header is written; past it the header is written with what is known. */
const MAX_KEPT_VALUES = 1_000_000
/** The most series columns: a table wider than this is not read as one. */
const MAX_COLUMNS = 10_000

type Value = number | bigint | null

interface Row {
  readonly timestamp: number
  readonly values: Map<string, Value>
}

/** A cell as RFC 4180 writes it: quoted (its quotes doubled) when it holds a comma, a quote or a line break. */
const cell = (text: string): string => /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll("\"", "\"\"")}"` : text

const valueCell = (value: Value | undefined): string => value === undefined || value === null ? "" : value.toString()

/** The table being written: its columns, and the rows kept while its header is not written yet. */
class CsvTable {
  private readonly columns: Array<string> = []
  private readonly names = new Map<string, string>()
  private headerWritten = false
  private kept: Array<Row> = []
  private keptValues = 0
  private readonly leftOut = new Set<string>()

  constructor(private readonly keepUntilEnd: boolean) {}

  /** The lines this snapshot lets out: none while rows are kept. */
  add(snapshot: SignalFlow.Snapshot): ReadonlyArray<string> {
    const values = new Map<string, Value>()
    for (const { metadata, tsId, value } of snapshot.values) {
      if (!this.names.has(tsId)) {
        if (this.headerWritten || this.columns.length >= MAX_COLUMNS) {
          if (this.leftOut.size < MAX_COLUMNS) this.leftOut.add(tsId)
          continue
        }
        this.columns.push(tsId)
        this.names.set(tsId, seriesName(tsId, identityOf(metadata)))
      }
      values.set(tsId, value)
    }
    if (values.size === 0) return []
    if (this.headerWritten) return [this.line({ timestamp: snapshot.logicalTimestampMs, values })]
    const last = this.kept[this.kept.length - 1]
    if (last !== undefined && last.timestamp === snapshot.logicalTimestampMs) {
      for (const [tsId, value] of values) last.values.set(tsId, value)
    } else {
      this.kept.push({ timestamp: snapshot.logicalTimestampMs, values })
    }
    this.keptValues += values.size
    return this.keepUntilEnd && this.keptValues < MAX_KEPT_VALUES ? [] : this.writeHeader()
  }

  /** The lines still kept, at the end of the computation. */
  end(): ReadonlyArray<string> {
    return this.headerWritten ? [] : this.writeHeader()
  }

  /** How many series were left out of the columns (counted up to {@link MAX_COLUMNS}). */
  get leftOutCount(): number {
    return this.leftOut.size
  }

  private writeHeader(): ReadonlyArray<string> {
    if (this.columns.length === 0) return []
    this.headerWritten = true
    const lines = [
      ["timestamp", ...this.columns.map((tsId) => this.names.get(tsId) ?? tsId)].map(cell).join(","),
      ...this.kept.map((row) => this.line(row))
    ]
    this.kept = []
    this.keptValues = 0
    return lines
  }

  private line(row: Row): string {
    return [String(row.timestamp), ...this.columns.map((tsId) => valueCell(row.values.get(tsId)))].join(",")
  }
}

/**
 * Writes the snapshots as CSV on stdout. `past`: the computation ends by itself, so its rows are
 * kept (up to a bound) until then and the header names every series.
 * @internal
 */
export const writeCsv = <E, R>(
  snapshots: Stream.Stream<SignalFlow.Snapshot, E, R>,
  past: boolean
): Effect.Effect<void, E, R | Output> =>
  Effect.gen(function*() {
    const output = yield* Output
    const table = new CsvTable(past)
    const write = (lines: ReadonlyArray<string>) =>
      lines.length === 0 ? Effect.void : output.write(lines.map((line) => `${line}\n`).join(""))
    yield* Stream.runForEach(snapshots, (snapshot) => write(table.add(snapshot))).pipe(
      // ^C on a past range still prints what had come.
      Effect.onInterrupt(() => write(table.end()))
    )
    yield* write(table.end())
    if (table.leftOutCount > 0) {
      yield* output.warn(
        `${table.leftOutCount} time series are not in the CSV: they appeared after its header was written, or past its ${MAX_COLUMNS} columns; --output json shows every series`
      )
    }
  })
