/** A placeholder: the commands are being written. */
import * as Command from "@effect/cli/Command"

/** @internal */
export const metricsCommand = Command.make("metrics")

/** @internal */
export const dimensionsCommand = Command.make("dimensions")

/** @internal */
export const timeSeriesCommand = Command.make("timeseries")

/** @internal */
export const tagsCommand = Command.make("tags")
