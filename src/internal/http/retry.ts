/**
 * The retry policy shared by the HTTP services: jittered exponential backoff that honours the
 * service's `Retry-After`.
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import { retryAfterMillis } from "../../core/http/answer.js"
import type * as core from "../../core/http/options.js"

/** @internal */
export type RetrySettings = core.RetrySettings<Duration.Duration>

/**
 * `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3).
 * @internal
 */
export const parseRetryAfter = (value: string | undefined, now: number): Option.Option<Duration.Duration> =>
  Option.map(Option.fromNullable(retryAfterMillis(value, now)), Duration.millis)

/** What the policy asks of a failure: whether it may be tried again, and when at the soonest. @internal */
export interface Retriable {
  readonly retryable: boolean
  readonly retryAfter: Option.Option<Duration.Duration>
}

/**
 * The retry policy: jittered exponential backoff capped at `maxDelay`, stretched to honour a
 * failure's `Retry-After` (itself capped at `maxRetryAfter`), retrying only a retryable failure,
 * for at most `maxElapsed`. (The platform's `HttpClient.retryTransient` has no way to honour
 * `Retry-After`, nor to leave alone a call that must not be repeated once it may have arrived.)
 * @internal
 */
export const retryPolicy = <E extends Retriable>(retry: RetrySettings): Schedule.Schedule<unknown, E> =>
  Schedule.exponential(retry.initialDelay, 2).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, retry.maxDelay)),
    Schedule.intersect(Schedule.identity<E>()),
    Schedule.modifyDelay(([, failure], delay) =>
      Option.match(failure.retryAfter, {
        onNone: () => delay,
        onSome: (retryAfter) => Duration.max(delay, Duration.min(retryAfter, retry.maxRetryAfter))
      })
    ),
    Schedule.whileInput((failure) => failure.retryable),
    Schedule.upTo(retry.maxElapsed)
  )
