/**
 * Where the Promise facade's warnings go: plain lines on stderr by default, or the application's
 * own logger (`console`, pino, winston), or nowhere. A logger that throws never breaks the
 * client: its line goes to stderr instead.
 */
import * as Cause from "effect/Cause"
import type * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"

/** @internal */
export interface LineLogger {
  readonly warn: (message: string) => void
  readonly error: (message: string) => void
}

const writeStderr = (line: string): void => {
  try {
    process.stderr.write(`${line}\n`)
  } catch {
    // stderr closed under us: there is nowhere left to say it.
  }
}

/**
 * Plain lines on stderr, as a command-line tool writes its warnings: not Effect's logfmt on
 * stdout, which mixes with the program's own output.
 */
const stderrLogger: LineLogger = { warn: writeStderr, error: writeStderr }

/** The text of a log entry: `effect-signalfx: <message>`, then the cause if there is one. */
const lineOf = (message: unknown, cause: Cause.Cause<unknown>): string => {
  const parts: ReadonlyArray<unknown> = Array.isArray(message) ? message : [message]
  return `effect-signalfx: ${parts.map(String).join(" ")}${Cause.isEmpty(cause) ? "" : `\n${Cause.pretty(cause)}`}`
}

/**
 * The `logger` option as a layer: provided under the services, so their background fibers, forked
 * while the layer is built, log through it too. Warnings and errors only.
 * @internal
 */
export const loggerLayer = (logger: LineLogger | false | undefined): Layer.Layer<never> => {
  if (logger === false) return Logger.replace(Logger.defaultLogger, Logger.none)
  const target = logger ?? stderrLogger
  return Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ cause, logLevel, message }) => {
      if (LogLevel.lessThan(logLevel, LogLevel.Warning)) return
      const line = lineOf(message, cause)
      try {
        if (LogLevel.greaterThanEqual(logLevel, LogLevel.Error)) target.error(line)
        else target.warn(line)
      } catch {
        // The application's logger failed; the client goes on, and the line is not lost.
        writeStderr(line)
      }
    })
  )
}
