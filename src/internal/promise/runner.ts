/**
 * The runner of one REST service for the facade: loaded on first use (see `LazyRunner` in
 * `api.ts`), with the service's module, so that a client that never makes a REST call never
 * loads either.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { ConfigurationError } from "../../SignalFxError.js"
import { ClosedError } from "../../SignalFxError.js"
import type { ServiceRunner } from "./api.js"

/**
 * Runs the effects and streams of one REST service for the facade.
 *
 * The service is built from its layer on the first call, so a client that never makes one builds
 * nothing. Its requests run on Node's ordinary timers: a caller is awaiting each one, and the
 * process stays alive until it settles, then may end. After {@link close}, every call rejects
 * with a `ClosedError`; a call already running finishes.
 * @internal
 */
export class ApiRunner<I, S> implements ServiceRunner<S> {
  readonly #tag: Context.Tag<I, S>
  readonly #runtime: ManagedRuntime.ManagedRuntime<I, ConfigurationError>
  #closed = false

  constructor(
    tag: Context.Tag<I, S>,
    layer: Layer.Layer<I, ConfigurationError, HttpClient.HttpClient>,
    httpClient: Layer.Layer<HttpClient.HttpClient, ConfigurationError>
  ) {
    this.#tag = tag
    this.#runtime = ManagedRuntime.make(Layer.provide(layer, httpClient))
  }

  /** The service's operation, run. */
  call<A, E>(operation: (service: S) => Effect.Effect<A, E>): Promise<A> {
    return this.run(Effect.flatMap(this.#tag, operation))
  }

  /** The service's stream, as an async iterable (see {@link iterate}). */
  stream<A, E>(operation: (service: S) => Stream.Stream<A, E>): AsyncIterable<A> {
    return this.iterate(Stream.unwrap(Effect.map(this.#tag, operation)))
  }

  /** The effect's success, or a rejection with the error it failed with (our own classes). */
  async run<A, E>(effect: Effect.Effect<A, E, I>): Promise<A> {
    const exit = await this.#exit(effect)
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  }

  /**
   * The stream as an async iterable. Each `for await` starts the stream afresh and pulls one
   * chunk (for a paging search, one page: one request) only when the loop has used the last;
   * leaving the loop (`break`, `return`, a throw) ends the stream, and no further page is asked.
   */
  iterate<A, E>(stream: Stream.Stream<A, E, I>): AsyncIterable<A> {
    return { [Symbol.asyncIterator]: () => this.#iterator(stream) }
  }

  /** Refuses every later call; resolves once the service is released. Idempotent. */
  close(): Promise<void> {
    this.#closed = true
    return this.#runtime.dispose()
  }

  #exit<A, E>(effect: Effect.Effect<A, E, I>): Promise<Exit.Exit<A, E | ConfigurationError | ClosedError>> {
    if (this.#closed) return Promise.resolve(Exit.fail(new ClosedError({ what: "requests", count: 0 })))
    return this.#runtime.runPromiseExit(effect)
  }

  #iterator<A, E>(stream: Stream.Stream<A, E, I>): AsyncIterator<A> {
    const scope = Effect.runSync(Scope.make())
    let pull: Effect.Effect<Chunk.Chunk<A>, Option.Option<E>, I> | undefined
    let chunk: Chunk.Chunk<A> = Chunk.empty()
    let index = 0
    let ended = false
    // The next chunk, or none at the stream's end; the pull is made in the iterator's scope
    // on first use.
    const nextChunk: Effect.Effect<Option.Option<Chunk.Chunk<A>>, E, I> = Effect.suspend(() =>
      pull === undefined
        ? Effect.tap(Scope.extend(Stream.toPull(stream), scope), (made) => {
          pull = made
        })
        : Effect.succeed(pull)
    ).pipe(Effect.flatMap((made) =>
      Effect.matchEffect(made, {
        onFailure: Option.match({ onNone: () => Effect.succeedNone, onSome: Effect.fail }),
        onSuccess: Effect.succeedSome
      })
    ))
    const end = async (): Promise<IteratorReturnResult<undefined>> => {
      if (!ended) {
        ended = true
        await Effect.runPromise(Scope.close(scope, Exit.void))
      }
      return { done: true, value: undefined }
    }
    return {
      next: async () => {
        while (index >= Chunk.size(chunk)) {
          if (ended) return { done: true, value: undefined }
          const exit = await this.#exit(nextChunk)
          if (Exit.isFailure(exit)) {
            await end()
            throw Cause.squash(exit.cause)
          }
          if (Option.isNone(exit.value)) return end()
          chunk = exit.value.value
          index = 0
        }
        return { done: false, value: Chunk.unsafeGet(chunk, index++) }
      },
      return: end
    }
  }
}
