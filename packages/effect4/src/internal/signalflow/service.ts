/**
 * The SignalFlow service's operations over a transport: requests spelled as the protocol spells
 * them, each stream a resumable computation.
 */
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { Command, Computation, InvalidHandle, InvalidProgram } from "../../core/signalflow/requests.js"
import { operations } from "../../core/signalflow/requests.js"
import type * as SignalFlow from "../../SignalFlow.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import { ComputationFailedError, SignalFlowConnectionError } from "../../SignalFxError.js"
import * as proxy from "../proxy/options.js"
import { stream } from "./computation.js"
import type { ResolvedOptions } from "./options.js"
import { resolve } from "./options.js"
import * as sse from "./sse.js"
import type { Transport } from "./transport.js"
import * as websocket from "./websocket.js"

/** @internal */
export const fromTransport = (transport: Transport, options: ResolvedOptions, endpoint: string): SignalFlow.Service => {
  const settings = { bufferSize: options.bufferSize, reconnect: options.reconnect, endpoint }
  const planned = operations(options.compress)
  const invalidProgram = ({ error }: InvalidProgram) => new ComputationFailedError({ errors: [error] })
  const invalidHandle = ({ description }: InvalidHandle) =>
    new SignalFlowConnectionError({ endpoint, reason: "InvalidRequest", description })
  const refused = (refusal: InvalidProgram | InvalidHandle) =>
    refusal._tag === "InvalidProgram" ? invalidProgram(refusal) : invalidHandle(refusal)
  const computation = <E extends InvalidProgram | InvalidHandle>(operation: Computation | E) =>
    operation._tag === "Computation" ? stream(transport, operation.plan, settings) : Stream.fail(refused(operation))
  const command = (operation: Command | InvalidHandle) =>
    operation._tag === "Command" ? transport.command(operation.request) : Effect.fail(invalidHandle(operation))
  return {
    execute: (text, params = {}) => computation(planned.program("execute", text, params)),
    preflight: (text, params = {}) => computation(planned.program("preflight", text, params)),
    attach: (handle, params = {}) => computation(planned.attach(handle, params)),
    start: (text, params = {}) => {
      const operation = planned.start(text, params)
      return operation._tag === "Command"
        ? transport.command(operation.request)
        : Effect.fail(invalidProgram(operation))
    },
    stop: (handle, params = {}) => command(planned.stop(handle, params)),
    keepalive: (handle) => command(planned.keepalive(handle))
  }
}

/**
 * The service over WebSocket; `environment` holds the proxy variables when they are honoured.
 * @internal
 */
export const make = (
  options: SignalFlow.Options,
  environment?: Omit<proxy.Settings, "ca">
): Effect.Effect<SignalFlow.Service, ConfigurationError, Scope.Scope> =>
  Effect.gen(function*() {
    const resolved = resolve(options, environment)
    if (Result.isFailure(resolved)) return yield* resolved.failure
    return fromTransport(yield* websocket.make(resolved.success), resolved.success, resolved.success.connectUrl)
  })

/**
 * The service over WebSocket, honouring the environment's proxy variables (the options win).
 * @internal
 */
export const makeWithEnvironment = (
  options: SignalFlow.Options
): Effect.Effect<SignalFlow.Service, ConfigurationError, Scope.Scope> =>
  Effect.flatMap(proxy.fromEnvironment, (environment) => make(options, environment))

/** @internal */
export const makeSse = (
  options: SignalFlow.Options
): Effect.Effect<SignalFlow.Service, ConfigurationError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const resolved = resolve(options)
    if (Result.isFailure(resolved)) return yield* resolved.failure
    return fromTransport(yield* sse.make(resolved.success), resolved.success, resolved.success.httpBase.href)
  })
