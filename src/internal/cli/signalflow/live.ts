/** A placeholder: the live display is being written. */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type * as SignalFlow from "../../../SignalFlow.js"
import type { Output } from "../output.js"

/**
 * Shows a computation's output in the terminal until it ends or ^C: a row per time series with
 * its dimensions, last value, min, max and a sparkline, redrawn in place.
 * @internal
 */
export const live = <E>(
  messages: Stream.Stream<SignalFlow.Message, E>,
  _options: { readonly program: string }
): Effect.Effect<void, E, Output> => Stream.runDrain(messages).pipe(Effect.asVoid)
