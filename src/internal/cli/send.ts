/** A placeholder: the commands are being written. */
import * as Command from "@effect/cli/Command"

/** @internal */
export const sendCommand = Command.make("send")

/** @internal */
export const eventCommand = Command.make("event")
