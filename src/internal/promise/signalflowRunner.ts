/**
 * The SignalFlow service run for the Promise facade's `SignalFlowClient`: loaded on its first
 * computation or command, so that a client that is made but never used (and every `SignalFx`
 * client, whose `signalflow` is made on first use) loads neither the service nor its WebSocket.
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import type * as Runtime from "effect/Runtime"
import * as Stream from "effect/Stream"
import * as SignalFlow from "../../SignalFlow.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import { makeWithEnvironment } from "../signalflow/service.js"
import type { LineLogger } from "./logger.js"
import { loggerLayer } from "./logger.js"

/** @internal */
export class SignalFlowRunner {
  readonly #runtime: ManagedRuntime.ManagedRuntime<SignalFlow.SignalFlow, ConfigurationError>
  readonly #context: Runtime.Runtime<SignalFlow.SignalFlow>
  readonly #service: SignalFlow.Service

  /** Builds the service; its options were checked by `SignalFlowClient`'s constructor. */
  constructor(options: SignalFlow.Options, logger: LineLogger | false | undefined) {
    this.#runtime = ManagedRuntime.make(
      // The environment's proxy variables are honoured, as by the rest of the Promise facade.
      Layer.scoped(SignalFlow.SignalFlow, makeWithEnvironment(options)).pipe(Layer.provide(loggerLayer(logger)))
    )
    const built = this.#runtime.runSyncExit(Effect.runtime<SignalFlow.SignalFlow>())
    if (Exit.isFailure(built)) {
      void this.#runtime.dispose()
      throw Cause.squash(built.cause)
    }
    this.#context = built.value
    this.#service = Context.get(built.value.context, SignalFlow.SignalFlow)
  }

  execute(program: string, options?: SignalFlow.ExecuteOptions): AsyncIterable<SignalFlow.Message> {
    return this.#iterate(this.#service.execute(program, options))
  }

  values(program: string, options?: SignalFlow.ExecuteOptions): AsyncIterable<SignalFlow.Snapshot> {
    return this.#iterate(SignalFlow.byTimestamp(this.#service.execute(program, options)))
  }

  preflight(program: string, options?: SignalFlow.ExecuteOptions): AsyncIterable<SignalFlow.Message> {
    return this.#iterate(this.#service.preflight(program, options))
  }

  attach(handle: string, options?: SignalFlow.AttachOptions): AsyncIterable<SignalFlow.Message> {
    return this.#iterate(this.#service.attach(handle, options))
  }

  start(program: string, options?: SignalFlow.StartOptions): Promise<void> {
    return this.#run(this.#service.start(program, options))
  }

  stop(handle: string, options?: SignalFlow.StopOptions): Promise<void> {
    return this.#run(this.#service.stop(handle, options))
  }

  keepalive(handle: string): Promise<void> {
    return this.#run(this.#service.keepalive(handle))
  }

  close(): Promise<void> {
    return this.#runtime.dispose()
  }

  #iterate<A>(stream: Stream.Stream<A, SignalFlow.SignalFlowError>): AsyncIterable<A> {
    return Stream.toAsyncIterableRuntime(stream, this.#context)
  }

  async #run<E>(effect: Effect.Effect<void, E>): Promise<void> {
    const exit = await this.#runtime.runPromiseExit(effect)
    if (Exit.isFailure(exit)) throw Cause.squash(exit.cause)
  }
}
