/**
 * The arguments of the global-dimension operations, checked by the core
 * (`../../core/ingest/globalDimensions.ts`), as `Either`s of this package's `ValidationError`.
 */
import type * as Either from "effect/Either"
import * as core from "../../core/ingest/globalDimensions.js"
import type * as Datapoint from "../../Datapoint.js"
import type { ValidationError } from "../../SignalFxError.js"
import { toEither } from "../validated.js"

export { isPlainObject } from "../../core/ingest/globalDimensions.js"

/** @internal */
export const addedDimensions = (
  dimensions: unknown,
  globals: Datapoint.Dimensions
): Either.Either<Datapoint.Dimensions, ValidationError> => toEither(core.addedDimensions(dimensions, globals))

/** @internal */
export const removedDimensions = (
  keys: unknown,
  globals: Datapoint.Dimensions
): Either.Either<Datapoint.Dimensions, ValidationError> => toEither(core.removedDimensions(keys, globals))
