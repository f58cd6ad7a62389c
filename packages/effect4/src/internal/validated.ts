/**
 * The core's checks as `Result`s of this package's `ValidationError`: the walk is the core's,
 * the error type is Effect's.
 */
import * as Result from "effect/Result"
import type * as Datapoint from "../core/datapoint.js"
import type * as Event from "../core/event.js"
import * as core from "../core/validation.js"
import { ValidationError, ValidationIssue } from "../SignalFxError.js"

/** @internal */
export const toResult = <A>(checked: core.Checked<A>): Result.Result<A, ValidationError> => {
  if (checked.ok) return Result.succeed(checked.value)
  const issues = checked.problems.map((problem) => new ValidationIssue(problem))
  return Result.fail(new ValidationError(checked.omitted === 0 ? { issues } : { issues, omitted: checked.omitted }))
}

/** @internal */
export const validateDatapoints = (
  input: unknown,
  globals?: Datapoint.Dimensions
): Result.Result<Array<Datapoint.Validated>, ValidationError> => toResult(core.validateDatapoints(input, globals))

/** @internal */
export const validateDimensionsRecord = (input: unknown): Result.Result<Datapoint.Dimensions, ValidationError> =>
  toResult(core.validateDimensionsRecord(input))

/** @internal */
export const validateEvent = (
  input: unknown,
  globals?: Datapoint.Dimensions
): Result.Result<Event.Validated, ValidationError> => toResult(core.validateEvent(input, globals))

/** @internal */
export const validateEvents = (
  input: unknown,
  globals?: Datapoint.Dimensions
): Result.Result<Array<Event.Validated>, ValidationError> => toResult(core.validateEvents(input, globals))
