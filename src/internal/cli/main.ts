/**
 * The `effect-signalfx` command: its subcommands, how it runs, and how a failure becomes one
 * sentence on stderr and an exit code (`exit.ts`).
 */
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Terminal from "@effect/platform/Terminal"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import { Console as NodeConsole } from "node:console"
import { Writable } from "node:stream"
import { stripVTControlCharacters } from "node:util"
import { peerText } from "../../core/peerText.js"
import { VERSION as version } from "../http/options.js"
import { detectorsCommand } from "./detectors.js"
import { ExitCode, toCliError } from "./exit.js"
import { describe } from "./help.js"
import { incidentsCommand } from "./incidents.js"
import { loginCommand } from "./login.js"
import { dimensionsCommand, metricsCommand, tagsCommand, timeSeriesCommand } from "./metadata.js"
import * as Output from "./output.js"
import { eventCommand, sendCommand } from "./send.js"
import { serverCommand } from "./server.js"
import { signalflowCommand } from "./signalflow.js"

const root = Command.make("effect-signalfx").pipe(
  Command.withDescription(describe(
    [
      "Send datapoints and events to SignalFx (Splunk Observability Cloud), look up and tag metadata, keep detectors in files, and watch SignalFlow computations live.",
      "The token comes from --token-file, SPLUNK_ACCESS_TOKEN, or the session `login` saved; the realm from --realm or SPLUNK_REALM; the endpoints from SPLUNK_INGEST_URL, SPLUNK_API_URL and SPLUNK_STREAM_URL. HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured.",
      "Exit codes: 0 done, 2 usage, 3 token refused or missing, 4 not found, 5 network, 6 invalid program, 7 refused or not delivered, 130 interrupted, 1 anything else."
    ],
    [
      ["send a gauge", "effect-signalfx send gauge cpu.utilization 42.5 --dimension host=web-1"],
      ["watch a metric live", "effect-signalfx signalflow \"data('cpu.utilization').mean(by=['host']).publish()\""],
      ["apply a folder of detectors", "effect-signalfx detectors apply detectors/*.yaml"],
      ["try everything against the local server", "effect-signalfx server --port 9943"]
    ]
  )),
  Command.withSubcommands([
    sendCommand,
    eventCommand,
    signalflowCommand,
    metricsCommand,
    dimensionsCommand,
    timeSeriesCommand,
    tagsCommand,
    detectorsCommand,
    incidentsCommand,
    loginCommand,
    serverCommand
  ])
)

const cli = Command.run(root, { name: "effect-signalfx", version })

/**
 * The bash completion script. @effect/cli 0.77 writes one whose subcommand cases name the
 * command `effect__signalfx` (a hyphen made shell-safe) while its first step sets it to
 * `effect-signalfx`, so that nothing past the first word ever completed: the first step's cases
 * are given the name it sets.
 */
const bashCompletions: Effect.Effect<string> = Effect.map(
  Command.getBashCompletions(root, "effect-signalfx"),
  (lines) => lines.map((line) => line.replace(/^(\s+)effect__signalfx,/, "$1effect-signalfx,")).join("\n")
)

/**
 * A writable that removes terminal escapes on their way to `target`: colours off. It reports each
 * write done at once: writes to a terminal, a pipe or a file are synchronous on Linux, and a
 * write left waiting for its callback would hold back the next one past `process.exit`.
 */
const stripping = (target: NodeJS.WriteStream): Writable =>
  new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      target.write(stripVTControlCharacters(chunk.toString()))
      callback()
    }
  })

/**
 * The library's own warnings (a request retried, a computation resumed) as plain lines on stderr,
 * `effect-signalfx: …`, away from the results on stdout; below a warning, nothing.
 */
const loggerFor = (output: Output.Service): Layer.Layer<never> =>
  Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ logLevel, message }) => {
      if (LogLevel.greaterThanEqual(logLevel, LogLevel.Warning)) {
        output.unsafeWarn(peerText((Array.isArray(message) ? message : [message]).map(String).join(" "), 1000))
      }
    })
  )

/**
 * The `Console` @effect/cli prints help and usage mistakes with, without colours when they are
 * off: it renders its help with ANSI styles whatever the output is.
 */
const consoleFor = (output: Output.Service): Console.Console => {
  const base = Effect.runSync(Effect.console)
  const errorColor = Output.colorFor(process.stderr, process.env)
  if (output.color && errorColor) return base
  const unsafe = new NodeConsole({
    stdout: output.color ? process.stdout : stripping(process.stdout),
    stderr: errorColor ? process.stderr : stripping(process.stderr)
  })
  return {
    ...base,
    log: (...args) => Effect.sync(() => unsafe.log(...args)),
    info: (...args) => Effect.sync(() => unsafe.info(...args)),
    error: (...args) => Effect.sync(() => unsafe.error(...args)),
    warn: (...args) => Effect.sync(() => unsafe.warn(...args)),
    unsafe
  }
}

/** Colour and style escapes (SGR), not the cursor movements a prompt redraws itself with. */
// eslint-disable-next-line no-control-regex
const STYLES = /\u001b\[[0-9;]*m/g

/**
 * The terminal @effect/cli's prompts (login's email and password) draw on, without colours when
 * they are off: they style their text whatever the terminal, and a prompt needs its cursor
 * movements kept, so only the styles are removed.
 */
const withoutStyles = (terminal: Terminal.Terminal): Terminal.Terminal => ({
  ...terminal,
  display: (text) => terminal.display(text.replace(STYLES, ""))
})

/**
 * Runs the command line `argv` (as `process.argv`: the runtime and the script first) and
 * completes with the exit code. A usage mistake @effect/cli has already explained on stderr; any
 * other failure is one sentence there. A defect (a bug) is one sentence too, unless
 * `EFFECT_SIGNALFX_DEBUG` is set, which prints the whole cause.
 * @internal
 */
export const program = (argv: ReadonlyArray<string>): Effect.Effect<number> =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const args = argv.slice(2)
    const run = args.length === 2 && args[0] === "--completions" && args[1] === "bash"
      ? Effect.flatMap(bashCompletions, Console.log)
      : cli(argv)
    return yield* run.pipe(
      Effect.as(ExitCode.ok),
      Effect.catchAll((error) => {
        if (ValidationError.isValidationError(error)) {
          return Effect.succeed(ValidationError.isHelpRequested(error) ? ExitCode.ok : ExitCode.usage)
        }
        const failure = toCliError(error)
        return Effect.as(Console.error(`effect-signalfx: ${failure.message}`), ExitCode[failure.kind])
      }),
      Effect.catchAllDefect((defect) =>
        Effect.as(
          Console.error(
            process.env.EFFECT_SIGNALFX_DEBUG
              ? Cause.pretty(Cause.die(defect))
              : `effect-signalfx: an unexpected failure (set EFFECT_SIGNALFX_DEBUG=1 for details): ${
                defect instanceof Error ? defect.message : String(defect)
              }`
          ),
          ExitCode.failure
        )
      ),
      Effect.withConsole(consoleFor(output)),
      Effect.updateService(Terminal.Terminal, (terminal) => output.color ? terminal : withoutStyles(terminal)),
      Effect.provide(loggerFor(output))
    )
  }).pipe(Effect.provide(Layer.merge(NodeContext.layer, Output.layer)))

/**
 * Runs the command in this process and exits with its code; ^C (or SIGTERM) interrupts it, its
 * finalizers run (queued datapoints are flushed, computations stopped), and it exits with 130.
 * @internal
 */
export const main = (argv: ReadonlyArray<string>): void => {
  let code: number = ExitCode.failure
  NodeRuntime.runMain(
    Effect.map(program(argv), (programCode) => {
      code = programCode
    }),
    {
      disableErrorReporting: true,
      // loggerFor's logger, not the pretty one, which writes to stdout.
      disablePrettyLogger: true,
      // Exits even on success: a handle left open (a terminal's stdin, a pooled connection) must
      // not keep a finished command alive. Writes to a terminal, a pipe or a file are done by then:
      // on Linux they are synchronous.
      teardown: (exit) =>
        process.exit(Exit.isSuccess(exit) ? code : Exit.isInterrupted(exit) ? ExitCode.interrupted : ExitCode.failure)
    }
  )
}
