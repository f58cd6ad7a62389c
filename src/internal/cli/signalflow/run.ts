/**
 * One run of a SignalFlow program with its settings: the computation executed by the library's
 * SignalFlow service, its output shown the way the settings say (`live`, `csv`, `json`, `chart`),
 * a progress line while it has not given data, and its warnings (no time series matched, …)
 * on stderr.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { peerText } from "../../../core/peerText.js"
import * as SignalFlow from "../../../SignalFlow.js"
import type { CliError } from "../exit.js"
import { fail } from "../exit.js"
import { Output } from "../output.js"
import { watchChart, writeChart } from "./chart.js"
import { writeCsv } from "./csv.js"
import { writeJson } from "./json.js"
import type { OutputKind, RunSettings } from "./settings.js"

/** @internal */
export interface RunOptions {
  /** `--out`: the SVG file a chart is drawn into, instead of the terminal. */
  readonly svgFile: string | undefined
}

/**
 * The output when none is asked for: `chart` with an SVG file; else `live` on a terminal, and
 * signalflow-cli's CSV elsewhere (a spreadsheet or a script reads it as it is).
 * @internal
 */
export const defaultOutput = (isTTY: boolean, options: RunOptions): OutputKind =>
  options.svgFile !== undefined ? "chart" : isTTY ? "live" : "csv"

/** What an information message warns of, if anything: the service's warnings and errors, and an empty match. */
const warningOf = (message: SignalFlow.InfoMessage): string | undefined => {
  const { contents, messageCode, messageLevel } = message.message
  if (messageCode === "FIND_MATCHED_NO_TIMESERIES") {
    const query = typeof contents?.query === "string" ? `: ${contents.query}` : ""
    return peerText(`the program's data() matched no time series${query}`)
  }
  if (messageLevel === "WARNING" || messageLevel === "ERROR") {
    return peerText(
      `${messageLevel.toLowerCase()} from the computation, ${messageCode} ${JSON.stringify(contents ?? {})}`
    )
  }
  return undefined
}

/**
 * Runs `program` with `settings` and shows its output until it ends (a past range) or ^C (a live
 * one). Fails with the service's errors (`ComputationFailedError` for an invalid program), or a
 * usage mistake for an output that cannot show this range.
 * @internal
 */
export const runProgram = (
  program: string,
  settings: RunSettings,
  options: RunOptions
): Effect.Effect<void, SignalFlow.SignalFlowError | CliError, SignalFlow.SignalFlow | Output> =>
  Effect.gen(function*() {
    const output = yield* Output
    const signalflow = yield* SignalFlow.SignalFlow
    const kind = settings.output ?? defaultOutput(output.isTTY, options)
    const past = settings.stop !== undefined
    if (options.svgFile !== undefined && kind !== "chart") {
      return yield* fail("usage", `--out draws a chart into a file: it goes with --output chart, not --output ${kind}`)
    }
    if (kind === "chart" && !past && (options.svgFile !== undefined || !output.isTTY)) {
      return yield* fail(
        "usage",
        `a chart of a live range (no --stop) is redrawn as data arrives, which only a terminal can show: give --stop${
          options.svgFile === undefined ? ", or --output csv or json" : ""
        }`
      )
    }
    const messages = signalflow.execute(program, {
      start: settings.start,
      stop: settings.stop,
      resolution: settings.resolution,
      maxDelay: settings.maxDelay
    })
    if (kind === "live") {
      // Loaded when shown: the live display and its sparkline library are not parsed for `--help`.
      const { live } = yield* Effect.promise(() => import("./live.js"))
      return yield* live(messages, { program })
    }
    return yield* Effect.scoped(Effect.gen(function*() {
      const progress = yield* output.progress("Requesting the computation…")
      let receiving = false
      const watched = Stream.tap(messages, (message) => {
        switch (message.type) {
          case "control-message":
            if (message.event === "JOB_START") progress("Computation started; waiting for data…")
            else if (message.event === "JOB_PROGRESS") progress(`Computation started; priming: ${message.progress}%`)
            return Effect.void
          case "message": {
            const warning = warningOf(message)
            return warning === undefined ? Effect.void : output.warn(warning)
          }
          case "data":
            if (!receiving) {
              receiving = true
              // The output goes on the same terminal: the progress line makes way for it.
              progress("")
            }
            return Effect.void
          default:
            return Effect.void
        }
      })
      switch (kind) {
        case "csv":
          return yield* writeCsv(SignalFlow.byTimestamp(watched), past)
        case "json":
          return yield* writeJson(watched)
        case "chart":
          return yield* past
            ? writeChart(SignalFlow.byTimestamp(watched), { program, svgFile: options.svgFile })
            : watchChart(SignalFlow.byTimestamp(watched))
      }
    }))
  })
