import { Effect, FiberRef, HashSet, Logger } from "effect"
import type { Scope } from "effect"

/**
 * For the rest of the current scope (the test's, in `it.scoped` and `it.scopedLive`), the log lines
 * of this fiber and of every fiber it forks from then on, the services' included, are kept in the
 * array this returns instead of being printed, as `LEVEL message`: a passing test prints nothing,
 * and a test asserts on the warnings it provokes.
 */
export const captureLogsScoped: Effect.Effect<ReadonlyArray<string>, never, Scope.Scope> = Effect.gen(function*() {
  const lines: Array<string> = []
  const capture = Logger.make(({ logLevel, message }) => {
    lines.push(`${logLevel.label} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
  })
  yield* Effect.locallyScopedWith(
    FiberRef.currentLoggers,
    (loggers) => HashSet.add(HashSet.remove(loggers, Logger.defaultLogger), capture)
  )
  return lines
})
