/**
 * Where the Promise facade's warnings go: plain lines on stderr by default, or the application's
 * own logger (`console`, pino, winston), or nowhere. A logger that throws never breaks the
 * client: its line goes to stderr instead.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as HashSet from "effect/HashSet"
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

/** The `logger` option as an Effect logger: warnings and errors only. */
const loggerOf = (logger: LineLogger | false | undefined): Logger.Logger<unknown, void> => {
  if (logger === false) return Logger.none
  const target = logger ?? stderrLogger
  return Logger.make(({ cause, logLevel, message }) => {
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
}

/**
 * The `logger` option as a layer: provided under the services, so their background fibers, forked
 * while the layer is built, log through it too.
 * @internal
 */
export const loggerLayer = (logger: LineLogger | false | undefined): Layer.Layer<never> =>
  Logger.replace(Logger.defaultLogger, loggerOf(logger))

/**
 * The effect with the `logger` option in place of Effect's default logger, as {@link loggerLayer}
 * does for a layer: the fibers it forks, and a runtime it captures, keep it.
 * @internal
 */
export const withLogger = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  logger: LineLogger | false | undefined
): Effect.Effect<A, E, R> =>
  Effect.locallyWith(
    effect,
    FiberRef.currentLoggers,
    (loggers) => HashSet.add(HashSet.remove(loggers, Logger.defaultLogger), loggerOf(logger))
  )
