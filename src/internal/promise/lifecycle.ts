/**
 * How Promise-facade clients live inside a Node.js process.
 *
 * Their timers are unref'd (see `clock.ts`), so a client never keeps the process alive by
 * itself. Two things do hold it open on purpose:
 *
 * - `hold`: while a caller awaits `flush()` or `stop()`, the process stays up until the promise
 *   settles, whatever the client is waiting on (a retry's backoff is an unref'd timer too). So
 *   does each pending step of a SignalFlow computation, and each SignalFlow command: a
 *   computation holds the process only while it is awaited.
 * - `onBeforeExit`: when the event loop runs dry with datapoints still queued (a script that
 *   sent and simply ended), Node emits `beforeExit`; each client's hook then flushes, held
 *   open, within its shutdown deadline. One `beforeExit` listener serves every client, so many
 *   clients add no listeners.
 */

/** Longer than any hold lasts; the interval is cleared when the last hold ends. */
const HOLD_INTERVAL_MILLIS = 2 ** 31 - 1

let holds = 0
let holdTimer: ReturnType<typeof setInterval> | undefined

/**
 * Keeps the process alive until `promise` settles.
 * @internal
 */
export const hold = <A>(promise: Promise<A>): Promise<A> => {
  if (holds++ === 0) holdTimer = setInterval(() => {}, HOLD_INTERVAL_MILLIS)
  const release = () => {
    if (--holds === 0) {
      clearInterval(holdTimer)
      holdTimer = undefined
    }
  }
  return promise.finally(release)
}

const hooks = new Set<() => void>()

/**
 * Runs every client's exit hook: on `beforeExit`, and when the only work left in the process is
 * the clients' own stalled writes (see `fetch.ts`), which keep `beforeExit` from coming.
 * @internal
 */
export const runExitHooks = (): void => {
  for (const hook of hooks) hook()
}

/**
 * Calls `hook` on every `beforeExit` until the returned function is called.
 * @internal
 */
export const onBeforeExit = (hook: () => void): () => void => {
  if (hooks.size === 0) process.on("beforeExit", runExitHooks)
  hooks.add(hook)
  return () => {
    if (hooks.delete(hook) && hooks.size === 0) process.off("beforeExit", runExitHooks)
  }
}
