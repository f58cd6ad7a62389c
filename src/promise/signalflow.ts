/**
 * SignalFlow for code that does not use Effect: the {@link SignalFlow} service run by a
 * `ManagedRuntime`, its streams as async iterables.
 *
 * @since 0.2.0
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import type * as Runtime from "effect/Runtime"
import * as Stream from "effect/Stream"
import { loggerLayer } from "../internal/promise/logger.js"
import { makeWithEnvironment } from "../internal/signalflow/service.js"
import * as SignalFlow from "../SignalFlow.js"
import type { ConfigurationError } from "../SignalFxError.js"

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
 * A SignalFlow client with a Promise API; `sfx.signalflow` on a `SignalFx` client, or on its own.
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
export class SignalFlowClient {
  readonly #runtime: ManagedRuntime.ManagedRuntime<SignalFlow.SignalFlow, ConfigurationError>
  readonly #context: Runtime.Runtime<SignalFlow.SignalFlow>
  readonly #service: SignalFlow.Service

  /**
   * Checks the options; throws a `ConfigurationError` for an unusable one. Nothing is opened
   * before the first computation.
   *
   * @since 0.2.0
   */
  constructor(token: string | Redacted.Redacted<string>, options: Omit<SignalFlowClientOptions, "token"> = {}) {
    const { logger, ...serviceOptions } = options
    this.#runtime = ManagedRuntime.make(
      // The environment's proxy variables are honoured, as by the rest of the Promise facade.
      Layer.scoped(
        SignalFlow.SignalFlow,
        makeWithEnvironment({
          idleTimeout: 0,
          ...serviceOptions,
          token: Redacted.isRedacted(token) ? token : Redacted.make(token)
        })
      ).pipe(Layer.provide(loggerLayer(logger)))
    )
    const built = this.#runtime.runSyncExit(Effect.runtime<SignalFlow.SignalFlow>())
    if (Exit.isFailure(built)) {
      void this.#runtime.dispose()
      throw Cause.squash(built.cause)
    }
    this.#context = built.value
    this.#service = Context.get(built.value.context, SignalFlow.SignalFlow)
  }

  /**
   * Runs a program; its messages as they come. Resumes across reconnections.
   *
   * @since 0.2.0
   */
  execute(program: string, options?: SignalFlow.ExecuteOptions): SignalFlowIterable<SignalFlow.Message> {
    return this.#iterate(this.#service.execute(program, options))
  }

  /**
   * Runs a program; for each logical timestamp, every time series' value with its metadata
   * (see `SignalFlow.byTimestamp`).
   *
   * @since 0.2.0
   */
  values(program: string, options?: SignalFlow.ExecuteOptions): SignalFlowIterable<SignalFlow.Snapshot> {
    return this.#iterate(SignalFlow.byTimestamp(this.#service.execute(program, options)))
  }

  /**
   * Runs a detector program's preflight.
   *
   * @since 0.2.0
   */
  preflight(program: string, options?: SignalFlow.ExecuteOptions): SignalFlowIterable<SignalFlow.Message> {
    return this.#iterate(this.#service.preflight(program, options))
  }

  /**
   * Streams a running computation by its handle.
   *
   * @since 0.2.0
   */
  attach(handle: string, options?: SignalFlow.AttachOptions): SignalFlowIterable<SignalFlow.Message> {
    return this.#iterate(this.#service.attach(handle, options))
  }

  /**
   * Starts a computation without streaming it.
   *
   * @since 0.2.0
   */
  start(program: string, options?: SignalFlow.StartOptions): Promise<void> {
    return this.#run(this.#service.start(program, options))
  }

  /**
   * Stops a computation by its handle.
   *
   * @since 0.2.0
   */
  stop(handle: string, options?: SignalFlow.StopOptions): Promise<void> {
    return this.#run(this.#service.stop(handle, options))
  }

  /**
   * Keeps a persistent computation alive.
   *
   * @since 0.2.0
   */
  keepalive(handle: string): Promise<void> {
    return this.#run(this.#service.keepalive(handle))
  }

  /**
   * Closes the socket; running iterations end with a `SignalFlowConnectionError`.
   *
   * @since 0.2.0
   */
  close(): Promise<void> {
    return this.#runtime.dispose()
  }

  /**
   * @since 0.2.0
   */
  toString(): string {
    return "SignalFlowClient"
  }

  #iterate<A>(stream: Stream.Stream<A, SignalFlow.SignalFlowError>): SignalFlowIterable<A> {
    return Stream.toAsyncIterableRuntime(stream, this.#context)
  }

  async #run<E>(effect: Effect.Effect<void, E>): Promise<void> {
    const exit = await this.#runtime.runPromiseExit(effect)
    if (Exit.isFailure(exit)) throw Cause.squash(exit.cause)
  }
}
