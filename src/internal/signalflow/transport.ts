/**
 * What a SignalFlow transport (WebSocket or server-sent events) offers the computations: run one
 * attempt of a request, handing each message to a sink until the sink or the connection ends it,
 * and send a command that has no stream (`start`, `stop`, `keepalive`).
 */
import type * as Effect from "effect/Effect"
import type * as core from "../../core/signalflow/computation.js"
import type { Request } from "../../core/signalflow/requests.js"
import type { SignalFlowAuthenticationError, SignalFlowConnectionError, SignalFlowError } from "../../SignalFxError.js"

export {
  /** @internal */
  dropped,
  /** @internal */
  ended,
  /** @internal */
  type Incoming,
  /** @internal */
  overflow
} from "../../core/signalflow/computation.js"
export {
  /** @internal */
  type Request
} from "../../core/signalflow/requests.js"

/** How an attempt ended (see the core's `AttemptEnd`). @internal */
export type AttemptEnd = core.AttemptEnd<SignalFlowError>

/** Called synchronously for each message; an `AttemptEnd` ends the attempt. @internal */
export type Sink = (incoming: core.Incoming) => AttemptEnd | undefined

/** @internal */
export interface Transport {
  readonly attempt: (
    request: Request,
    sink: Sink
  ) => Effect.Effect<AttemptEnd, SignalFlowAuthenticationError | SignalFlowConnectionError>
  readonly command: (
    request: Request
  ) => Effect.Effect<void, SignalFlowAuthenticationError | SignalFlowConnectionError>
}
