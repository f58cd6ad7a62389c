/**
 * What a SignalFlow transport (WebSocket or server-sent events) offers the computations: run one
 * attempt of a request, handing each message to a sink until the sink or the connection ends it,
 * and send a command that has no stream (`start`, `stop`, `keepalive`).
 */
import type * as Effect from "effect/Effect"
import type { SignalFlowAuthenticationError, SignalFlowConnectionError, SignalFlowError } from "../../SignalFxError.js"
import type { DataMessage } from "./messages.js"

/** One message of a channel: a data batch decoded from a binary frame, or a JSON value. @internal */
export type Incoming =
  | { readonly _tag: "Data"; readonly message: DataMessage }
  | { readonly _tag: "Json"; readonly value: unknown }

/**
 * How an attempt ended: the channel ended, the computation failed, the connection dropped (the
 * computation is to resume on a new one), or the sink's buffer was full (it is to resume once
 * drained).
 * @internal
 */
export type AttemptEnd =
  | { readonly _tag: "Ended" }
  | { readonly _tag: "Failed"; readonly error: SignalFlowError }
  | { readonly _tag: "Dropped" }
  | { readonly _tag: "Overflow" }

/** Called synchronously for each message; an `AttemptEnd` ends the attempt. @internal */
export type Sink = (incoming: Incoming) => AttemptEnd | undefined

/**
 * A request as the WebSocket protocol spells it (`type`, `program` or `handle`, and the
 * parameters), without its `channel`, which the transport adds.
 * @internal
 */
export type Request = Readonly<Record<string, unknown>> & { readonly type: string }

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

/** @internal */
export const ended: AttemptEnd = { _tag: "Ended" }
/** @internal */
export const dropped: AttemptEnd = { _tag: "Dropped" }
/** @internal */
export const overflow: AttemptEnd = { _tag: "Overflow" }
