/**
 * SignalFlow for code that does not use Effect: the {@link SignalFlow} service run by the
 * facade's runner, its operations derived from the service (streams as async iterables,
 * commands as promises). The service (its WebSocket, its message schemas) is loaded on a client's
 * first computation or command.
 *
 * A computation holds the process only while someone awaits it: the service's timers run on the
 * unref'd clock (a buffer's drain poll, the reconnect backoff, the authentication timeout), its
 * socket holds nothing, and each pending step of an iteration, and each command, is held open
 * (see `lifecycle.ts`). A script that stops reading a live computation, without `break`, then
 * ends by itself; one that awaits its next message stays up for it.
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Stream from "effect/Stream"
import { unrefClock } from "../internal/promise/clock.js"
import type { OperationNames, Promised } from "../internal/promise/runner.js"
import { defineOperations, ServiceRunner } from "../internal/promise/runner.js"
import * as proxy from "../internal/proxy/options.js"
import { resolve } from "../internal/signalflow/options.js"
import type * as SignalFlow from "../SignalFlow.js"
import { SignalFlowConnectionError } from "../SignalFxError.js"

/**
 * The options of the SignalFlow service, less the Effect-only ones. The token may be given here
 * (on `SignalFx`'s `signalflow` option: SignalFlow needs a token with the API scope, which an
 * ingest token often lacks). `idleTimeout` defaults to 0 here: the socket closes when the last
 * computation ends, so a script that is done can end. `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`
 * are honoured as by `SignalFx`; `proxy`, `noProxy` and `ca` win over them.
 *
 * @since 0.2.0
 * @category models
 */
export interface SignalFlowClientOptions extends Omit<SignalFlow.Options, "token" | "reconnect"> {
  readonly token?: string | Redacted.Redacted<string> | undefined
  /**
   * Where warnings and errors go, as `SignalFx`'s `logger` option: an object with `warn` and
   * `error` (such as `console`), or `false`; plain lines on stderr without it.
   */
  readonly logger?:
    | { readonly warn: (message: string) => void; readonly error: (message: string) => void }
    | false
    | undefined
}

/**
 * A computation's messages as an async iterable. Leaving the `for await` loop early (`break`,
 * `return`, a thrown error) detaches the computation, which stops it. A failure rejects with the
 * library's own error classes: `ComputationFailedError`, `ComputationAbortedError`,
 * `SignalFlowAuthenticationError`, `SignalFlowConnectionError`.
 *
 * @since 0.2.0
 * @category models
 */
export interface SignalFlowIterable<A> extends AsyncIterable<A> {}

/**
 * The SignalFlow service as the facade runs it: the service's operations, and `values`.
 * @internal
 */
export interface FacadeSignalFlow extends SignalFlow.Service {
  /**
   * Runs a program; for each logical timestamp, every time series' value with its metadata
   * (see `SignalFlow.byTimestamp`).
   */
  readonly values: (
    program: string,
    options?: SignalFlow.ExecuteOptions
  ) => Stream.Stream<SignalFlow.Snapshot, SignalFlow.SignalFlowError>
}

/** The methods of a `SignalFlowClient`: every operation of the service, checked by the compiler. */
const operations: OperationNames<FacadeSignalFlow> = {
  execute: null,
  values: null,
  preflight: null,
  attach: null,
  start: null,
  stop: null,
  keepalive: null
}

const FacadeSignalFlow = Context.GenericTag<FacadeSignalFlow>("effect-signalfx/promise/SignalFlow")

/**
 * A SignalFlow client with a Promise API; `sfx.signalflow` on a `SignalFx` client, or on its own.
 * Each operation of the `SignalFlow` service is a method: `execute`, `preflight` and `attach`
 * (and `values`, `execute` by timestamp) answer async iterables, whose messages come as they
 * come (resuming across reconnections); `start`, `stop` and `keepalive` answer promises.
 *
 * @example
 * ```ts
 * import { SignalFlowClient } from "effect-signalfx/promise"
 *
 * const signalflow = new SignalFlowClient("API_TOKEN", { realm: "us1" })
 * for await (const message of signalflow.execute("data('cpu.utilization').publish()", { start: Date.now() - 60_000, stop: Date.now() })) {
 *   if (message.type === "data") console.log(message.logicalTimestampMs, message.data.length)
 * }
 * // Each timestamp's values with their time series' metadata:
 * for await (const snapshot of signalflow.values("data('requests').sum(by=['service']).publish()")) {
 *   for (const { metadata, value } of snapshot.values) console.log(metadata?.service, value)
 *   break // detaches: the computation stops
 * }
 * await signalflow.close()
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
// The operations are declared by the interface of the same name and defined on the prototype from
// the service (`defineOperations`), which a class body cannot express.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class SignalFlowClient {
  static {
    defineOperations(SignalFlowClient.prototype, operations, (client) => client.#runner)
  }

  readonly #runner: ServiceRunner<FacadeSignalFlow>

  /**
   * Checks the options; throws a `ConfigurationError` for an unusable one. Nothing is opened
   * before the first computation.
   *
   * @since 0.2.0
   */
  constructor(token: string | Redacted.Redacted<string>, options: Omit<SignalFlowClientOptions, "token"> = {}) {
    const { logger, ...serviceOptions } = options
    const checked: SignalFlow.Options = {
      idleTimeout: 0,
      ...serviceOptions,
      token: Redacted.isRedacted(token) ? token : Redacted.make(token)
    }
    // Checked now, over the environment's proxy variables, as the service will check them.
    const resolved = resolve(checked, Effect.runSync(proxy.fromEnvironment))
    if (Either.isLeft(resolved)) throw resolved.left
    const endpoint = resolved.right.connectUrl
    this.#runner = new ServiceRunner(
      () =>
        import("../internal/promise/onFirstUse.js").then((
          { loadService, makeSignalFlow, SignalFlow, SocketHoldsProcess }
        ) =>
          loadService(
            FacadeSignalFlow,
            Layer.scoped(
              FacadeSignalFlow,
              Effect.map(makeSignalFlow(checked), (service) => ({
                ...service,
                values: (program: string, options?: SignalFlow.ExecuteOptions) =>
                  SignalFlow.byTimestamp(service.execute(program, options))
              }))
              // The socket holds nothing either: each awaited step holds the process.
            ).pipe(Layer.provide(Layer.succeed(SocketHoldsProcess, false))),
            // Everything the service runs, and what that forks, sleeps on timers that never hold the process.
            { logger, clock: unrefClock }
          )
        ),
      {
        closedError: () =>
          new SignalFlowConnectionError({
            endpoint,
            reason: "Closed",
            description: "the SignalFlow client was closed"
          }),
        hold: true
      }
    )
  }

  /**
   * Closes the socket; running iterations end with a `SignalFlowConnectionError`, and so do the
   * calls made after it (which open no socket).
   *
   * @since 0.2.0
   */
  close(): Promise<void> {
    return this.#runner.close()
  }

  /**
   * @since 0.2.0
   */
  toString(): string {
    return "SignalFlowClient"
  }
}

/**
 * The operations of the SignalFlow service, with promises and async iterables.
 *
 * @since 0.2.0
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the class
export interface SignalFlowClient extends Promised<FacadeSignalFlow> {}
