/**
 * The arguments of the global-dimension operations, checked by the core
 * (`../../core/ingest/globalDimensions.ts`), as `Result`s of this package's `ValidationError`.
 */
import type * as Result from "effect/Result"
import * as core from "../../core/ingest/globalDimensions.js"
import type * as Datapoint from "../../Datapoint.js"
import type { ValidationError } from "../../SignalFxError.js"
import { toResult } from "../validated.js"

/** @internal */
export const addedDimensions = (
  dimensions: unknown,
  globals: Datapoint.Dimensions
): Result.Result<Datapoint.Dimensions, ValidationError> => toResult(core.addedDimensions(dimensions, globals))

/** @internal */
export const removedDimensions = (
  keys: unknown,
  globals: Datapoint.Dimensions
): Result.Result<Datapoint.Dimensions, ValidationError> => toResult(core.removedDimensions(keys, globals))
