/**
 * The SignalFlow service run for the Promise facade's `SignalFlowClient`: loaded on its first
 * computation or command, so that a client that is made but never used (and every `SignalFx`
 * client, whose `signalflow` is made on first use) loads neither the service nor its WebSocket.
 *
 * A computation holds the process only while someone awaits it: the service's timers run on the
 * unref'd clock (a buffer's drain poll, the reconnect backoff, the authentication timeout), and
 * each pending `next()` of an iteration, and each command, is held open (see `lifecycle.ts`).
 * A script that stops reading a live computation, without `break`, then ends by itself; one that
 * awaits its next message stays up for it.
 *
 * Since a pending step holds the process, every step settles: one pending when its iteration is
 * ended by `return()` settles as done (Effect's iterator would leave it pending), and one pending
 * when the client closes rejects with a `SignalFlowConnectionError` (a computation still waiting
 * for the socket to authenticate would otherwise never hear of the close).
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
import { SignalFlowConnectionError } from "../../SignalFxError.js"
import { makeWithEnvironment } from "../signalflow/service.js"
import { SocketHoldsProcess } from "../signalflow/websocket.js"
import { unrefClock } from "./clock.js"
import { hold } from "./lifecycle.js"
import type { LineLogger } from "./logger.js"
import { loggerLayer } from "./logger.js"

/** @internal */
export class SignalFlowRunner {
  readonly #runtime: ManagedRuntime.ManagedRuntime<SignalFlow.SignalFlow, ConfigurationError>
  readonly #context: Runtime.Runtime<SignalFlow.SignalFlow>
  readonly #service: SignalFlow.Service
  readonly #endpoint: string
  /** Rejects what is pending (a step, a command) at `close()`; each removes itself once settled. */
  readonly #onClose = new Set<(error: SignalFlowConnectionError) => void>()

  /**
   * Builds the service; its options were checked by `SignalFlowClient`'s constructor, which
   * resolved the `endpoint` they connect to.
   */
  constructor(options: SignalFlow.Options, logger: LineLogger | false | undefined, endpoint: string) {
    this.#endpoint = endpoint
    this.#runtime = ManagedRuntime.make(
      // The environment's proxy variables are honoured, as by the rest of the Promise facade.
      Layer.scoped(SignalFlow.SignalFlow, makeWithEnvironment(options)).pipe(
        Layer.provide(loggerLayer(logger)),
        // The socket holds nothing either: each awaited step holds the process (`hold`).
        Layer.provide(Layer.succeed(SocketHoldsProcess, false)),
        // The runtime's fibers, and those they fork, sleep on timers that never hold the process.
        Layer.merge(Layer.setClock(unrefClock))
      )
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
    const closed = new SignalFlowConnectionError({
      endpoint: this.#endpoint,
      reason: "Closed",
      description: "the SignalFlow client was closed"
    })
    for (const reject of this.#onClose) reject(closed)
    this.#onClose.clear()
    return this.#runtime.dispose()
  }

  /**
   * The stream as an async iterable whose pending steps hold the process open. A step pending
   * when `return()` ends the iteration settles as done, and so does every later step.
   */
  #iterate<A>(stream: Stream.Stream<A, SignalFlow.SignalFlowError>): AsyncIterable<A> {
    const iterable = Stream.toAsyncIterableRuntime(stream, this.#context)
    return {
      [Symbol.asyncIterator]: () => {
        const iterator = iterable[Symbol.asyncIterator]()
        let ended = false
        const endPending = new Set<(result: IteratorResult<A>) => void>()
        return {
          next: () => {
            if (ended) return Promise.resolve(done)
            return this.#held(iterator.next(), endPending)
          },
          return: () => {
            ended = true
            for (const end of endPending) end(done)
            endPending.clear()
            // Ending the iteration detaches the computation: held until the detach is sent. It
            // ends as done even when the client closes meanwhile.
            return this.#held(iterator.return?.() ?? Promise.resolve(done)).then(() => done, () => done)
          }
        }
      }
    }
  }

  #run<E>(effect: Effect.Effect<void, E>): Promise<void> {
    return this.#held(
      this.#runtime.runPromiseExit(effect).then((exit) => {
        if (Exit.isFailure(exit)) throw Cause.squash(exit.cause)
      })
    )
  }

  /**
   * `promise`, holding the process open until it settles, or until `close()` rejects it, or
   * (when given `ends`) until the iteration's `return()` settles it as done.
   */
  #held<A>(promise: Promise<A>, ends?: Set<(value: A) => void>): Promise<A> {
    return hold(
      new Promise<A>((resolve, reject) => {
        this.#onClose.add(reject)
        ends?.add(resolve)
        promise.then(resolve, reject).finally(() => {
          this.#onClose.delete(reject)
          ends?.delete(resolve)
        })
      })
    )
  }
}

const done: IteratorReturnResult<undefined> = { done: true, value: undefined }
