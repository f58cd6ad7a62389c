import { Effect, FiberRef, HashSet, Layer, Logger, LogLevel } from "effect"
import type { Scope } from "effect"

/** A log line as the tests read it: `LEVEL message`. */
const lineOf = (logLevel: LogLevel.LogLevel, message: unknown): string =>
  `${logLevel.label} ${Array.isArray(message) ? message.join(" ") : String(message)}`

/**
 * A logger that keeps each line (`LEVEL message`) in `lines` instead of printing it, for the
 * effects `layer` is provided to; with `debug`, debug lines too. Provide it before a service is
 * built when the service logs from callbacks with the runtime it was built in.
 */
export const captureLogLines = (options: { readonly debug?: boolean } = {}) => {
  const lines: Array<string> = []
  const replaced = Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ logLevel, message }) => {
      lines.push(lineOf(logLevel, message))
    })
  )
  return {
    lines,
    layer: options.debug === true ? Layer.merge(replaced, Logger.minimumLogLevel(LogLevel.Debug)) : replaced
  }
}

/**
 * For the rest of the current scope (the test's, in `it.scoped` and `it.scopedLive`), the log lines
 * of this fiber and of every fiber it forks from then on, the services' included, are kept in the
 * array this returns instead of being printed, as `LEVEL message`: a passing test prints nothing,
 * and a test asserts on the warnings it provokes.
 */
export const captureLogsScoped: Effect.Effect<ReadonlyArray<string>, never, Scope.Scope> = Effect.gen(function*() {
  const lines: Array<string> = []
  const capture = Logger.make(({ logLevel, message }) => {
    lines.push(lineOf(logLevel, message))
  })
  yield* Effect.locallyScopedWith(
    FiberRef.currentLoggers,
    (loggers) => HashSet.add(HashSet.remove(loggers, Logger.defaultLogger), capture)
  )
  return lines
})
