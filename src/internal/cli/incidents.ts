/** A placeholder: the commands are being written. */
import * as Command from "@effect/cli/Command"

/** @internal */
export const incidentsCommand = Command.make("incidents")
