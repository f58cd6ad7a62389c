/**
 * What every REST capability of the Promise facade shares (the Metadata service now; the other
 * REST resources, SignalFlow, after it): the facade's options turned into a service's token,
 * realm and endpoint, and a runner that builds the service on first use and turns its effects
 * into promises and its streams into async iterables.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { ConfigurationError } from "../../SignalFxError.js"
import { ClosedError } from "../../SignalFxError.js"
import { invalid, resolving } from "../http/options.js"

/**
 * The facade's options that concern its REST calls.
 * @internal
 */
export interface FacadeApiOptions {
  /** The REST API's base URL; the realm's `https://api.{realm}.signalfx.com` without it. */
  readonly apiEndpoint?: string | undefined
  /** The token for REST calls; the client's (ingest) token without it. */
  readonly apiToken?: string | Redacted.Redacted<string> | undefined
  readonly realm?: string | undefined
  readonly userAgent?: string | undefined
  readonly allowInsecureHttp?: boolean | undefined
}

/**
 * The options every REST service of the library takes (`Metadata.Options` and its like), as the
 * facade gives them.
 * @internal
 */
export interface ApiSettings {
  readonly token: Redacted.Redacted<string>
  readonly realm?: string | undefined
  readonly apiEndpoint?: string | undefined
  readonly userAgent?: string | undefined
  readonly allowInsecureHttp?: boolean | undefined
}

/**
 * The REST services' settings: `apiToken` when given (checked here, so that its error names it),
 * the client's token otherwise; the realm, User-Agent and plain-http permission the client's.
 * @internal
 */
export const apiSettings = (
  clientToken: Redacted.Redacted<string>,
  options: FacadeApiOptions
): Either.Either<ApiSettings, ConfigurationError> =>
  resolving(() => {
    const { apiToken } = options
    if (apiToken !== undefined) {
      const value = Redacted.isRedacted(apiToken) ? Redacted.value(apiToken) : apiToken
      if (typeof value !== "string" || value.trim() === "") invalid("apiToken", "must be a non-empty string")
    }
    return {
      token: apiToken === undefined ? clientToken : Redacted.isRedacted(apiToken) ? apiToken : Redacted.make(apiToken),
      realm: options.realm,
      apiEndpoint: options.apiEndpoint,
      userAgent: options.userAgent,
      allowInsecureHttp: options.allowInsecureHttp
    }
  })

/**
 * Runs the effects and streams of one REST service for the facade.
 *
 * The service is built from its layer on the first call, so a client that never makes one builds
 * nothing. Its requests run on Node's ordinary timers: a caller is awaiting each one, and the
 * process stays alive until it settles, then may end. After {@link close}, every call rejects
 * with a `ClosedError`; a call already running finishes.
 * @internal
 */
export class ApiRunner<S> {
  readonly #runtime: ManagedRuntime.ManagedRuntime<S, ConfigurationError>
  #closed = false

  constructor(
    layer: Layer.Layer<S, ConfigurationError, HttpClient.HttpClient>,
    httpClient: Layer.Layer<HttpClient.HttpClient, ConfigurationError>
  ) {
    this.#runtime = ManagedRuntime.make(Layer.provide(layer, httpClient))
  }

  /** The effect's success, or a rejection with the error it failed with (our own classes). */
  async run<A, E>(effect: Effect.Effect<A, E, S>): Promise<A> {
    const exit = await this.#exit(effect)
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  }

  /**
   * The stream as an async iterable. Each `for await` starts the stream afresh and pulls one
   * chunk (for a paging search, one page: one request) only when the loop has used the last;
   * leaving the loop (`break`, `return`, a throw) ends the stream, and no further page is asked.
   */
  iterate<A, E>(stream: Stream.Stream<A, E, S>): AsyncIterable<A> {
    return { [Symbol.asyncIterator]: () => this.#iterator(stream) }
  }

  /** Refuses every later call; resolves once the service is released. Idempotent. */
  close(): Promise<void> {
    this.#closed = true
    return this.#runtime.dispose()
  }

  #exit<A, E>(effect: Effect.Effect<A, E, S>): Promise<Exit.Exit<A, E | ConfigurationError | ClosedError>> {
    if (this.#closed) return Promise.resolve(Exit.fail(new ClosedError({ what: "requests", count: 0 })))
    return this.#runtime.runPromiseExit(effect)
  }

  #iterator<A, E>(stream: Stream.Stream<A, E, S>): AsyncIterator<A> {
    const scope = Effect.runSync(Scope.make())
    let pull: Effect.Effect<Chunk.Chunk<A>, Option.Option<E>, S> | undefined
    let chunk: Chunk.Chunk<A> = Chunk.empty()
    let index = 0
    let ended = false
    // The next chunk, or none at the stream's end; the pull is made in the iterator's scope
    // on first use.
    const nextChunk: Effect.Effect<Option.Option<Chunk.Chunk<A>>, E, S> = Effect.suspend(() =>
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
