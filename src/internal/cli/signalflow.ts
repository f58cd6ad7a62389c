/**
 * A STAND-IN for `effect-signalfx signalflow`, on the cli-live branch only: the real command
 * (relative times, --resolution, --max-delay, the csv, json and chart outputs) is written on the
 * cli-sflow branch and replaces this file when they are merged. This one is just enough to run
 * the live display and the prompt in a terminal and test them: a program argument, --start and
 * --stop in milliseconds since the epoch, --output live; with no program on a terminal, the
 * prompt.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as SignalFlow from "../../SignalFlow.js"
import { connectionOptions, resolveConnection, signalFlowLayer } from "./common.js"
import { fail, toCliError } from "./exit.js"
import { describe } from "./help.js"
import { Output } from "./output.js"
import { live } from "./signalflow/live.js"
import type { Settings } from "./signalflow/prompt.js"
import { interactive } from "./signalflow/prompt.js"

const options = {
  ...connectionOptions,
  start: Options.integer("start").pipe(
    Options.withDescription("The start, in milliseconds since the epoch (default: now)."),
    Options.optional
  ),
  stop: Options.integer("stop").pipe(
    Options.withDescription("The stop, in milliseconds since the epoch (default: none, it runs until ^C)."),
    Options.optional
  ),
  output: Options.choice("output", ["live"]).pipe(
    Options.withDescription("How to show the output."),
    Options.withDefault("live")
  ),
  program: Args.text({ name: "program" }).pipe(Args.optional)
} as const

const millis = (settings: Settings, name: string) => {
  const text = settings[name]
  if (text === undefined) return Effect.succeed(undefined)
  const value = Number(text)
  return Number.isSafeInteger(value)
    ? Effect.succeed(value)
    : Effect.fail(fail("usage", `${name} ${text} is not a number of milliseconds`))
}

/** @internal */
export const signalflowCommand = Command.make("signalflow", options, (args) =>
  Effect.gen(function*() {
    const connection = yield* resolveConnection(args)
    const output = yield* Output
    const session = Effect.gen(function*() {
      const signalflow = yield* SignalFlow.SignalFlow
      const run = (program: string, settings: Settings) =>
        Effect.gen(function*() {
          if (settings.output !== undefined && settings.output !== "live") {
            return yield* fail("usage", `the output ${settings.output} is not one this stand-in shows`)
          }
          const start = yield* millis(settings, "start")
          const stop = yield* millis(settings, "stop")
          yield* live(signalflow.execute(program, { start, stop }), { program })
        }).pipe(Effect.mapError(toCliError), Effect.provideService(Output, output))
      const settings: Settings = {
        ...Option.match(args.start, { onNone: () => ({}), onSome: (start) => ({ start: String(start) }) }),
        ...Option.match(args.stop, { onNone: () => ({}), onSome: (stop) => ({ stop: String(stop) }) }),
        output: args.output
      }
      if (Option.isSome(args.program)) return yield* run(args.program.value, settings)
      if (process.stdin.isTTY) return yield* interactive(run, settings)
      return yield* fail("usage", "give a program to run")
    })
    return yield* Effect.provide(session, signalFlowLayer(connection))
  })).pipe(
    Command.withDescription(describe(
      "Runs a SignalFlow program and shows its output live (a stand-in on this branch).",
      [["watch a metric live", "effect-signalfx signalflow \"data('cpu.utilization').publish()\""]]
    ))
  )
