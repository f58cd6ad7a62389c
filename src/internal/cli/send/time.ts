/**
 * The times and durations `send` and `event` read from the command line and from stdin, in the
 * grammar every command shares (src/core/time.ts): a timestamp, and the `--timeout` duration,
 * whose bare number counts seconds as its help has always said. `Left` is the sentence naming the
 * value and the forms it may take; the caller puts the option or the field before it.
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Time from "../../../core/time.js"

/** What a timestamp may be written as, for the help and for the error naming a bad one. @internal */
export const TIME_FORMS = Time.TIME_FORMS

/**
 * A timestamp in milliseconds since the epoch, `now` being the command's start (digits are taken
 * as they are: the library refuses ones that look like seconds). `Left` is why `text` is not one.
 * @internal
 */
export const parseTime = (text: string, now: number): Either.Either<number, string> => {
  const millis = Time.parseTime(text, now)
  return millis === undefined
    ? Either.left(`${JSON.stringify(text)} is not a time: give ${Time.TIME_FORMS}`)
    : Either.right(millis)
}

/**
 * A positive duration: a number of seconds, or a number with a unit (`500ms`, `30s`, `1m30s`).
 * @internal
 */
export const parseDuration = (text: string): Either.Either<Duration.Duration, string> => {
  const millis = Time.parseDuration(text, "s")
  if (millis !== undefined && millis > 0) return Either.right(Duration.millis(millis))
  const wanted = millis === undefined ? Time.durationForms("s") : "one longer than zero"
  return Either.left(`${JSON.stringify(text)} is not a duration: give ${wanted}`)
}
