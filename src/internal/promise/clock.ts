/**
 * A `Clock` whose timers do not keep Node.js alive. The Ingest service sleeps while a batch
 * lingers and between retries; under the Promise facade those sleeps must not hold a finished
 * script open. What must finish before the process ends is held open explicitly instead (see
 * `lifecycle.ts`).
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

/** Node's timers take at most a signed 32-bit number of milliseconds. */
const MAX_TIMER_MILLIS = 2 ** 31 - 1

const system = Clock.make()

/** @internal */
export const unrefClock: Clock.Clock = {
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: () => system.unsafeCurrentTimeMillis(),
  unsafeCurrentTimeNanos: () => system.unsafeCurrentTimeNanos(),
  currentTimeMillis: system.currentTimeMillis,
  currentTimeNanos: system.currentTimeNanos,
  sleep: (duration) =>
    Effect.async<void>((resume) => {
      const millis = Duration.toMillis(duration)
      // Longer than a timer can wait: never wakes, as Effect's own clock does.
      if (millis > MAX_TIMER_MILLIS) return
      const handle = setTimeout(() => resume(Effect.void), millis)
      handle.unref()
      return Effect.sync(() => clearTimeout(handle))
    })
}
