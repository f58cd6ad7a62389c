/**
 * One running SignalFlow computation (a job): it emits the windows of its range in order, each
 * once the window has closed and `maxDelay` has passed, so that a range in the past comes at
 * once and a live one follows the clock; it ends at `stop`, or when stopped or detached.
 *
 * What it emits, in the service's order: `STREAM_START`, `JOB_START` (with the handle); per
 * logical timestamp, the metadata of any output series not seen before and one data batch per
 * published stream (empty when nothing had a value, so a client can count batches per timestamp);
 * after the first timestamp's batches, the info messages (`JOB_RUNNING_RESOLUTION`,
 * `FETCH_NUM_TIMESERIES`, `FIND_MATCHED_NO_TIMESERIES`); at the end `END_OF_CHANNEL`, or
 * `CHANNEL_ABORT` with the reason. The official Python and JavaScript clients count the data
 * batches of the first timestamp until the first info message, which is why info comes after them.
 */
import { randomBytes } from "node:crypto"
import { peerText } from "../../peerText.js"
import { setEntry } from "../../record.js"
import { parseRelativeTime } from "../../time.js"
import type { Filter, Plan, Publish } from "./compile.js"
import type { OutputSeries } from "./evaluate.js"
import { evaluateWindow, matchingSeries } from "./evaluate.js"
import type { Series, SeriesStore } from "./store.js"
import type { ProgramError } from "./syntax.js"
import type { DataPoint } from "./wire.js"
import { TsId } from "./wire.js"

export type JsonMessage = Readonly<Record<string, unknown>> & { readonly type: string }

export type Outbound =
  | { readonly _tag: "Json"; readonly message: JsonMessage }
  | { readonly _tag: "Data"; readonly logicalTimestampMs: number; readonly points: ReadonlyArray<DataPoint> }

/** Where a computation's messages go: a WebSocket channel or an SSE response. */
export interface Sink {
  readonly send: (message: Outbound) => void
  /** Called once, after the computation's last message. */
  readonly end: () => void
}

/** The execute parameters, resolved: times in milliseconds since the epoch. */
export interface Timing {
  readonly start: number
  readonly stop: number | undefined
  readonly resolution: number
  readonly maxDelay: number
}

const DEFAULT_RESOLUTION_MS = 1000
const DEFAULT_MAX_DELAY_MS = 1000
/** More windows than this in a range make the computation run at a coarser resolution. */
const MAX_WINDOWS = 10_000
const RESOLUTIONS = [1000, 10_000, 60_000, 300_000, 3_600_000, 86_400_000]

/** The resolution the computation runs at: the one asked for, coarsened as the service does for long ranges. */
const runningResolution = (requested: number, start: number, stop: number | undefined, now: number): number => {
  const end = Math.min(stop ?? now, now)
  const windows = (resolution: number) => Math.max(0, end - start) / resolution
  if (windows(requested) <= MAX_WINDOWS) return requested
  return RESOLUTIONS.find((resolution) => resolution > requested && windows(resolution) <= MAX_WINDOWS) ??
    RESOLUTIONS[RESOLUTIONS.length - 1]!
}

/** A request the server refuses before any computation starts: a bad parameter. */
export class RequestError {
  constructor(readonly message: string) {}
}

/** Milliseconds from a JSON number or a query-string value; 0 means "not given", as the Go client sends it. */
const millis = (name: string, raw: unknown, expected = "a number of milliseconds"): number | undefined => {
  if (raw === undefined || raw === null) return undefined
  const parsed = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN
  if (!Number.isFinite(parsed)) {
    throw new RequestError(`${name} must be ${expected}, not ${peerText(JSON.stringify(raw))}`)
  }
  return parsed === 0 ? undefined : Math.round(parsed)
}

/**
 * `start` or `stop` in milliseconds since the epoch: given as such, as a negative number of
 * milliseconds back from now, as a relative time as the official JavaScript client documents it
 * (`-10m`, `-1h30m`, `+5m`), or as `now`.
 */
const instant = (name: string, raw: unknown, now: number): number | undefined => {
  const relative = typeof raw === "string" ? parseRelativeTime(raw, now) : undefined
  if (relative !== undefined) return relative
  const value = millis(name, raw, "milliseconds since the epoch, a relative time such as \"-10m\", or \"now\"")
  return value === undefined ? undefined : value < 0 ? now + value : value
}

/**
 * The timing of an execute request: `start` and `stop` in milliseconds since the epoch (a
 * negative one counts back from now) or relative times (`-10m`, `-1h`; units ms, s, m, h, d, w;
 * or `now`), `resolution` and `maxDelay` in milliseconds. Without `start` the computation starts
 * now; without `stop` it runs until stopped.
 */
export const resolveTiming = (
  raw: {
    readonly start?: unknown
    readonly stop?: unknown
    readonly resolution?: unknown
    readonly maxDelay?: unknown
  },
  now: number
): Timing => {
  const start = instant("start", raw.start, now) ?? now
  const stop = instant("stop", raw.stop, now)
  const resolution = millis("resolution", raw.resolution) ?? DEFAULT_RESOLUTION_MS
  if (resolution < 1) throw new RequestError(`resolution must be a positive number of milliseconds, not ${resolution}`)
  const maxDelay = millis("maxDelay", raw.maxDelay) ?? DEFAULT_MAX_DELAY_MS
  if (maxDelay < 0) throw new RequestError(`maxDelay must not be negative, not ${maxDelay}`)
  return { start, stop, resolution: runningResolution(resolution, start, stop, now), maxDelay }
}

/** A computation's handle, in the shape of the service's ids. */
const newHandle = (): string => randomBytes(8).toString("base64url")

export const control = (event: string, fields: Readonly<Record<string, unknown>> = {}): Outbound => ({
  _tag: "Json",
  message: { type: "control-message", event, timestampMs: Date.now(), ...fields }
})

/** The service's error message for a program it refuses. */
export const programErrorMessage = (error: ProgramError, program: string): JsonMessage => ({
  type: "error",
  error: 400,
  errorType: error.errorType,
  message: error.message,
  context: {
    line: error.position.line,
    column: error.position.column,
    programText: program,
    ...(error.reference === undefined ? {} : { reference: error.reference })
  }
})

const filterQuery = (filter: Filter): string => {
  switch (filter._tag) {
    case "Match": {
      const terms = filter.patterns.map((pattern) => `${filter.key}:${pattern}`)
      return terms.length === 1 ? terms[0]! : `(${terms.join(" OR ")})`
    }
    case "And":
      return `(${filterQuery(filter.left)} AND ${filterQuery(filter.right)})`
    case "Or":
      return `(${filterQuery(filter.left)} OR ${filterQuery(filter.right)})`
    case "Not":
      return `NOT ${filterQuery(filter.operand)}`
  }
}

/** What a `data()` block looked for, in the service's query syntax, for FIND_MATCHED_NO_TIMESERIES. */
const describeQuery = (publish: Publish): string =>
  `sf_metric:${publish.stream.metric}${
    publish.stream.filter === undefined ? "" : ` AND ${filterQuery(publish.stream.filter)}`
  }`

export class Computation {
  readonly handle = newHandle()
  private nextWindow: number
  private timer: ReturnType<typeof setTimeout> | undefined
  private finished = false
  private infoSent = false
  /** Per publish block, the output series whose metadata was sent, by identity. */
  private readonly announced: ReadonlyArray<Map<string, TsId>>

  constructor(
    private readonly plan: Plan,
    private readonly timing: Timing,
    private readonly store: SeriesStore,
    private readonly sink: Sink
  ) {
    this.nextWindow = Math.floor(timing.start / timing.resolution) * timing.resolution
    this.announced = plan.publishes.map(() => new Map())
  }

  start(): void {
    this.sink.send(control("STREAM_START", { traceId: randomBytes(8).toString("hex") }))
    this.sink.send(control("JOB_START", { handle: this.handle }))
    this.pump()
  }

  /** Ends the computation early: with `CHANNEL_ABORT` and its reason, or silently when its connection is gone. */
  abort(abortInfo?: { readonly state: string; readonly reason: string }): void {
    if (this.finished) return
    this.finished = true
    clearTimeout(this.timer)
    if (abortInfo !== undefined) {
      this.sink.send(
        control("CHANNEL_ABORT", {
          abortInfo: { sf_job_abortState: abortInfo.state, sf_job_abortReason: abortInfo.reason }
        })
      )
    }
    this.sink.end()
  }

  private pump(): void {
    try {
      this.step()
    } catch (error) {
      // A bug here must end this computation visibly, never crash the server or hang the client.
      this.abort({ state: "FAILED", reason: `the local SignalFlow server failed: ${String(error)}` })
    }
  }

  private step(): void {
    if (this.finished) return
    const { maxDelay, resolution, stop } = this.timing
    const now = Date.now()
    const inputs = this.plan.publishes.map((publish) => matchingSeries(publish.stream, this.store))
    while (
      (stop === undefined || this.nextWindow < stop) && this.nextWindow + resolution + maxDelay <= now
    ) {
      this.emitWindow(this.nextWindow, inputs)
      this.nextWindow += resolution
    }
    if (stop !== undefined && this.nextWindow >= stop) {
      this.sendInfo(inputs)
      this.finished = true
      this.sink.send(control("END_OF_CHANNEL"))
      this.sink.end()
      return
    }
    // At most a minute at a time: Node fires longer timeouts at once.
    const wait = Math.min(this.nextWindow + resolution + maxDelay - now, 60_000)
    this.timer = setTimeout(() => this.pump(), wait)
    // A live computation alone does not keep the process alive; its connection does.
    this.timer.unref()
  }

  private emitWindow(window: number, inputs: ReadonlyArray<ReadonlyArray<Series>>): void {
    this.plan.publishes.forEach((publish, index) => {
      const outputs = evaluateWindow(publish.stream, inputs[index]!, window, window + this.timing.resolution)
      const points: Array<DataPoint> = []
      const announced = this.announced[index]!
      for (const output of outputs) {
        let tsId = announced.get(output.identity)
        if (tsId === undefined) {
          // Derived from what the series is, so a re-executed program names its series alike.
          tsId = TsId.of(JSON.stringify([index, publish.label ?? null, output.identity]))
          announced.set(output.identity, tsId)
          this.sink.send({
            _tag: "Json",
            message: { type: "metadata", tsId: tsId.text, properties: this.properties(publish, index, output) }
          })
        }
        points.push({ tsId, value: output.value })
      }
      this.sink.send({ _tag: "Data", logicalTimestampMs: window, points })
    })
    this.sendInfo(inputs)
  }

  private sendInfo(inputs: ReadonlyArray<ReadonlyArray<unknown>>): void {
    if (this.infoSent) return
    this.infoSent = true
    const logicalTimestampMs = Math.floor(this.timing.start / this.timing.resolution) * this.timing.resolution
    const info = (
      blockSerialNumber: number,
      messageCode: string,
      numInputTimeSeries: number,
      contents: Readonly<Record<string, unknown>>
    ): Outbound => ({
      _tag: "Json",
      message: {
        type: "message",
        logicalTimestampMs,
        message: {
          blockSerialNumber,
          timestampMs: Date.now(),
          messageCode,
          messageLevel: "INFO",
          numInputTimeSeries,
          contents
        }
      }
    })
    this.sink.send(info(0, "JOB_RUNNING_RESOLUTION", 0, { resolutionMs: this.timing.resolution }))
    this.plan.publishes.forEach((publish, index) => {
      const count = inputs[index]!.length
      this.sink.send(info(index, "FETCH_NUM_TIMESERIES", count, {}))
      if (count === 0) {
        this.sink.send(info(index, "FIND_MATCHED_NO_TIMESERIES", 0, { query: describeQuery(publish) }))
      }
    })
  }

  /** The metadata the service writes for an output series. */
  private properties(publish: Publish, index: number, output: OutputSeries): Record<string, unknown> {
    const properties: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(output.dimensions)) setEntry(properties, name, value)
    const dimensionNames = Object.keys(output.dimensions).sort()
    if (output.metric !== undefined) {
      properties.sf_metric = output.metric
      properties.sf_originatingMetric = output.metric
      properties.sf_key = [...dimensionNames, "sf_metric"]
      properties.jobId = this.handle
      properties.sf_isPreQuantized = false
    } else {
      properties.sf_metric = `_SF_COMP_${this.handle}_${String(index + 1).padStart(2, "0")}-PUBLISH_METRIC`
      properties.sf_originatingMetric = publish.stream.metric
      properties.sf_key = [
        ...(dimensionNames.length === 0 ? ["jobId"] : dimensionNames),
        "sf_originatingMetric",
        "sf_metric"
      ]
      properties.jobId = this.handle
      properties.sf_isPreQuantized = true
    }
    properties.sf_type = "MetricTimeSeries"
    properties.sf_resolutionMs = this.timing.resolution
    properties.sf_organizationID = "local"
    if (publish.label !== undefined) properties.sf_streamLabel = publish.label
    return properties
  }
}
