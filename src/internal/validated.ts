/**
 * The core's checks as `Either`s of this package's `ValidationError`: the walk is the core's,
 * the error type is Effect's.
 */
import * as Either from "effect/Either"
import type * as Datapoint from "../core/datapoint.js"
import type * as Event from "../core/event.js"
import * as core from "../core/validation.js"
import { ValidationError, ValidationIssue } from "../SignalFxError.js"

/** @internal */
export const toEither = <A>(checked: core.Checked<A>): Either.Either<A, ValidationError> => {
  if (checked.ok) return Either.right(checked.value)
  const issues = checked.problems.map((problem) => new ValidationIssue(problem))
  return Either.left(new ValidationError(checked.omitted === 0 ? { issues } : { issues, omitted: checked.omitted }))
}

/** @internal */
export const validateDatapoints = (
  input: unknown,
  globals?: Datapoint.Dimensions
): Either.Either<Array<Datapoint.Validated>, ValidationError> => toEither(core.validateDatapoints(input, globals))

/** @internal */
export const validateDimensionsRecord = (input: unknown): Either.Either<Datapoint.Dimensions, ValidationError> =>
  toEither(core.validateDimensionsRecord(input))

/** @internal */
export const validateEvent = (
  input: unknown,
  globals?: Datapoint.Dimensions
): Either.Either<Event.Validated, ValidationError> => toEither(core.validateEvent(input, globals))

/** @internal */
export const validateEvents = (
  input: unknown,
  globals?: Datapoint.Dimensions
): Either.Either<Array<Event.Validated>, ValidationError> => toEither(core.validateEvents(input, globals))
