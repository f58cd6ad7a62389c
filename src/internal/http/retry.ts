/**
 * The retry policy shared by the HTTP services: jittered exponential backoff that honours the
 * service's `Retry-After`.
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"

/** @internal */
export interface RetrySettings {
  readonly initialDelay: Duration.Duration
  readonly maxDelay: Duration.Duration
  readonly maxElapsed: Duration.Duration
  /** The longest `Retry-After` honoured: a service asking for an hour gets `maxRetryAfter`. */
  readonly maxRetryAfter: Duration.Duration
}

/**
 * `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3).
 * @internal
 */
export const parseRetryAfter = (value: string | undefined, now: number): Option.Option<Duration.Duration> => {
  if (value === undefined) return Option.none()
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Option.some(Duration.seconds(Number(trimmed)))
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return Option.none()
  return Option.some(Duration.millis(Math.max(0, date - now)))
}

/**
 * Jittered exponential backoff capped at `maxDelay`, stretched to honour a failure's
 * `Retry-After` (itself capped at `maxRetryAfter`), retrying only what `isRetryable` accepts,
 * for at most `maxElapsed`.
 * @internal
 */
export const backoff = <E>(
  retry: RetrySettings,
  failures: {
    readonly isRetryable: (failure: E) => boolean
    readonly retryAfter: (failure: E) => Option.Option<Duration.Duration>
  }
): Schedule.Schedule<unknown, E> =>
  Schedule.exponential(retry.initialDelay, 2).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, retry.maxDelay)),
    Schedule.intersect(Schedule.identity<E>()),
    Schedule.modifyDelay(([, failure], delay) =>
      Option.match(failures.retryAfter(failure), {
        onNone: () => delay,
        onSome: (retryAfter) => Duration.max(delay, Duration.min(retryAfter, retry.maxRetryAfter))
      })
    ),
    Schedule.whileInput(failures.isRetryable),
    Schedule.upTo(retry.maxElapsed)
  )
