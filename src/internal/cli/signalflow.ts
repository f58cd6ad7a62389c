/**
 * `effect-signalfx signalflow [PROGRAM]`: runs a SignalFlow program with the library's SignalFlow
 * service and shows its output live, as CSV, as JSON lines or as a chart; with no program on a
 * terminal, signalflow-cli's interactive prompt.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as SignalFlow from "../../SignalFlow.js"
import { connectionOptions, resolveConnection, signalFlowLayer } from "./common.js"
import { toCliError } from "./exit.js"
import type { CliError } from "./exit.js"
import { describe } from "./help.js"
import { Output } from "./output.js"
import type { Settings } from "./signalflow/prompt.js"
import { interactive } from "./signalflow/prompt.js"
import { runProgram } from "./signalflow/run.js"
import type { Spelling } from "./signalflow/settings.js"
import { parseSettings } from "./signalflow/settings.js"
import { readProgram } from "./signalflow/source.js"

const setting = (name: string, description: string) =>
  Options.text(name).pipe(Options.withDescription(description), Options.optional)

const options = {
  ...connectionOptions,
  program: Args.text({ name: "program" }).pipe(
    Args.withDescription("The SignalFlow program; - reads it from the standard input."),
    Args.optional
  ),
  file: Options.text("file").pipe(
    Options.withAlias("f"),
    Options.withDescription("Read the program from this file (- for the standard input)."),
    Options.optional
  ),
  start: setting(
    "start",
    "Where the computation starts: milliseconds since the epoch, an ISO time (2024-05-01T12:00:00Z), a time relative to now (-15m, -1h, -1d) or now. Default: a minute before the stop, or -1m."
  ),
  stop: setting(
    "stop",
    "Where it stops, in the same forms. Without it the computation runs live until ^C; with it, it ends by itself."
  ),
  resolution: setting("resolution", "The resolution wanted (10s, 1m, or milliseconds); default: the service's."),
  maxDelay: setting("max-delay", "How long to wait for late data (10s, 1m, or milliseconds); default: the service's."),
  output: setting(
    "output",
    "live (a row per time series, redrawn in place), csv (signalflow-cli's: a timestamp column in milliseconds, then a column per series), json (an object per value, one a line) or chart (in the terminal, or an SVG file with --out). Default: live on a terminal; csv elsewhere, as signalflow-cli writes it for scripts and spreadsheets (json for a stream whose series come and go)."
  ),
  out: Options.text("out").pipe(
    Options.withDescription("Draw the chart into this SVG file (implies --output chart; needs --stop)."),
    Options.optional
  )
} as const

/**
 * How long the command tries to reach SignalFlow (and to reach it again after a drop) before it
 * gives up with exit code 5: a person is waiting, unlike the library's default five minutes. Tries at
 * most 2 seconds apart.
 */
const RECONNECT = Schedule.exponential("250 millis").pipe(
  Schedule.union(Schedule.spaced("2 seconds")),
  Schedule.jittered,
  Schedule.upTo("10 seconds")
)

/** The settings given on the command line, by their names at the prompt. */
const givenSettings = (args: {
  readonly start: Option.Option<string>
  readonly stop: Option.Option<string>
  readonly resolution: Option.Option<string>
  readonly maxDelay: Option.Option<string>
  readonly output: Option.Option<string>
}): Settings => {
  const given: Record<string, string> = {}
  const entries = [
    ["start", args.start],
    ["stop", args.stop],
    ["resolution", args.resolution],
    ["max-delay", args.maxDelay],
    ["output", args.output]
  ] as const
  for (const [name, value] of entries) {
    if (Option.isSome(value)) given[name] = value.value
  }
  return given
}

/** @internal */
export const signalflowCommand = Command.make("signalflow", options, (args) =>
  Effect.gen(function*() {
    const output = yield* Output
    const settings = givenSettings(args)
    // A bad option is told before anything is read or connected.
    yield* parseSettings(settings, yield* Clock.currentTimeMillis)
    const argument = Option.getOrUndefined(args.program)
    const file = Option.getOrUndefined(args.file)
    const prompting = argument === undefined && file === undefined && process.stdin.isTTY === true
    const program = prompting ? undefined : yield* readProgram(argument, file)
    const connection = yield* resolveConnection(args)
    const svgFile = Option.getOrUndefined(args.out)
    return yield* Effect.gen(function*() {
      const signalflow = yield* SignalFlow.SignalFlow
      const run = (spelling: Spelling) => (text: string, current: Settings): Effect.Effect<void, CliError> =>
        Clock.currentTimeMillis.pipe(
          Effect.flatMap((now) => parseSettings(current, now, spelling)),
          Effect.flatMap((parsed) => runProgram(text, parsed, { svgFile })),
          Effect.provideService(SignalFlow.SignalFlow, signalflow),
          Effect.provideService(Output, output),
          Effect.mapError(toCliError)
        )
      return yield* program === undefined ? interactive(run("prompt"), settings) : run("option")(program, settings)
    }).pipe(Effect.provide(signalFlowLayer(connection, { reconnect: RECONNECT })))
  })).pipe(
    Command.withDescription(describe(
      [
        "Runs a SignalFlow program and shows its output. The program comes from the argument, from --file, or from the standard input; with none on a terminal, an interactive prompt opens (signalflow-cli's: type a program, ^D runs it, `.start -15m` sets a setting, ^C stops a run, ^D on an empty prompt leaves).",
        "A range with --stop ends by itself; without, the computation runs live until ^C. Times are milliseconds since the epoch, ISO times or relative to now (-15m); durations are 10s, 1m or milliseconds.",
        "Outputs: live (a row per time series: its dimensions, last value, min, max and a sparkline), csv (signalflow-cli's: a timestamp column, then a column per series named by its metric and dimensions; a past range is kept until it ends so the header names every series), json (one object per value: type, timestamp, tsId, metric, dimensions, label, value; events as type event), chart (asciichart in the terminal, drawn when a past range ends or redrawn live; with --out an SVG file drawn by Vega).",
        "Exit codes: 2 for a bad option or program file, 3 for a refused token, 5 when the service cannot be reached, 6 for a program the service refuses."
      ],
      [
        [
          "watch a metric live, a row per host",
          "effect-signalfx signalflow \"data('cpu.utilization').mean(by=['host']).publish()\""
        ],
        [
          "the last 15 minutes as CSV, a value a minute",
          "effect-signalfx signalflow --start=-15m --stop now --resolution 1m --output csv \"data('requests').sum().publish()\""
        ],
        [
          "one JSON object per value, for jq",
          "effect-signalfx signalflow --start=-1h --stop now --output json -f program.flow | jq .value"
        ],
        [
          "a chart of the last hour, in the terminal and as an SVG file",
          "effect-signalfx signalflow --start=-1h --stop now --output chart \"data('cpu.utilization').publish()\"\n$ effect-signalfx signalflow --start=-1h --stop now --out cpu.svg \"data('cpu.utilization').publish()\""
        ],
        ["the interactive prompt", "effect-signalfx signalflow"]
      ]
    ))
  )
