/**
 * The SignalFlow service's operations over a transport: requests spelled as the protocol spells
 * them, each stream a resumable computation.
 */
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { Request } from "../../core/signalflow/requests.js"
import { handleProblem, parameters, programProblem } from "../../core/signalflow/requests.js"
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

const checkProgram = (program: string): ComputationFailedError | undefined => {
  const problem = programProblem(program)
  return problem === undefined ? undefined : new ComputationFailedError({ errors: [problem] })
}

/** @internal */
export const fromTransport = (transport: Transport, options: ResolvedOptions, endpoint: string): SignalFlow.Service => {
  const settings = { bufferSize: options.bufferSize, reconnect: options.reconnect, endpoint }
  const computation = (request: Request, resumable: boolean) => stream(transport, { request, resumable }, settings)
  const invalidHandle = (type: string, handle: string): SignalFlowConnectionError | undefined => {
    const description = handleProblem(type, handle)
    return description === undefined
      ? undefined
      : new SignalFlowConnectionError({ endpoint, reason: "InvalidRequest", description })
  }
  // The handle goes last in each request: the one checked is the one sent.
  const command = (request: Request & { readonly handle: string }) => {
    const invalid = invalidHandle(request.type, request.handle)
    return invalid === undefined ? transport.command(request) : Effect.fail(invalid)
  }
  const program = (type: "execute" | "preflight", text: string, params: object) => {
    const invalid = checkProgram(text)
    return invalid === undefined
      ? computation({ type, program: text, compress: options.compress, ...parameters(params) }, true)
      : Stream.fail(invalid)
  }
  return {
    execute: (text, params = {}) => program("execute", text, params),
    preflight: (text, params = {}) => program("preflight", text, params),
    attach: (handle, params = {}) => {
      const invalid = invalidHandle("attach", handle)
      return invalid === undefined
        ? computation({ type: "attach", compress: options.compress, ...parameters(params), handle }, false)
        : Stream.fail(invalid)
    },
    start: (text, params = {}) => {
      const invalid = checkProgram(text)
      return invalid === undefined
        ? transport.command({ type: "start", program: text, ...parameters(params) })
        : Effect.fail(invalid)
    },
    stop: (handle, params = {}) => command({ type: "stop", ...parameters(params), handle }),
    keepalive: (handle) => command({ type: "keepalive", handle })
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
