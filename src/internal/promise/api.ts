/**
 * What every REST capability of the Promise facade shares (the Metadata and Rest services): the
 * facade's options turned into a service's token, realm and endpoint, and the runner that turns
 * the service's effects into promises and its streams into async iterables, loaded with the
 * service on the first call (`runner.ts`): a script that only sends never loads them.
 */
import type * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import type * as Stream from "effect/Stream"
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
 * Runs the operations of one service `S` for the facade: each effect as a promise, each stream as
 * an async iterable; after {@link close}, every call rejects with a `ClosedError`.
 * @internal
 */
export interface ServiceRunner<S> {
  readonly call: <A, E>(operation: (service: S) => Effect.Effect<A, E>) => Promise<A>
  readonly stream: <A, E>(operation: (service: S) => Stream.Stream<A, E>) => AsyncIterable<A>
  /** Refuses every later call; resolves once the service is released. Idempotent. */
  readonly close: () => Promise<void>
}

/**
 * A {@link ServiceRunner} that loads the real one (its module and the service's) on the first
 * call. Closed before that, it loads nothing: its calls reject with a `ClosedError` at once.
 * @internal
 */
export class LazyRunner<S> implements ServiceRunner<S> {
  readonly #load: () => Promise<ServiceRunner<S>>
  #runner: Promise<ServiceRunner<S>> | undefined
  #closed = false

  constructor(load: () => Promise<ServiceRunner<S>>) {
    this.#load = load
  }

  call<A, E>(operation: (service: S) => Effect.Effect<A, E>): Promise<A> {
    return this.#loaded().then((runner) => runner.call(operation))
  }

  stream<A, E>(operation: (service: S) => Stream.Stream<A, E>): AsyncIterable<A> {
    return deferredIterable(() => this.#loaded().then((runner) => runner.stream(operation)))
  }

  close(): Promise<void> {
    this.#closed = true
    // A runner that failed to load has nothing to release; its calls rejected with the failure.
    return this.#runner === undefined ? Promise.resolve() : this.#runner.then((runner) => runner.close(), () => {})
  }

  #loaded(): Promise<ServiceRunner<S>> {
    if (this.#runner === undefined && this.#closed) {
      return Promise.reject(new ClosedError({ what: "requests", count: 0 }))
    }
    return this.#runner ??= this.#load()
  }
}

/**
 * The async iterable that `load` resolves to, iterated as it is once it is there: each
 * `for await` waits for it and then delegates every step (and the loop's end) to it; a failed
 * load rejects the first step.
 *
 * Not an async generator: a generator queues `return()` behind a pending step, so a loop left
 * while a step waits (for a message that may never come) would not end until that step did.
 * `return()` goes through at once, and the iteration it ends settles the pending step. Steps
 * asked together are taken one after the other; steps after the end are done.
 * @internal
 */
export const deferredIterable = <A>(load: () => Promise<AsyncIterable<A>>): AsyncIterable<A> => ({
  [Symbol.asyncIterator]: () => {
    let iterator: Promise<AsyncIterator<A>> | undefined
    let ended = false
    let previous: Promise<unknown> = Promise.resolve()
    const step = (): Promise<IteratorResult<A>> => {
      if (ended) return Promise.resolve(done)
      iterator ??= load().then((iterable) => iterable[Symbol.asyncIterator]())
      // Once the iteration has ended or failed, every later step is done, as a generator's:
      // the iterators of Effect's streams would leave it pending.
      return iterator.then((loaded) => loaded.next()).then(
        (result) => {
          if (result.done === true) ended = true
          return result
        },
        (error: unknown) => {
          ended = true
          throw error
        }
      )
    }
    return {
      // One step at a time, as a generator's: of steps asked together, the iterators of Effect's
      // streams answer only the last, and the others would stay pending.
      next: () => {
        const result = previous.then(step)
        previous = result.then(ignore, ignore)
        return result
      },
      return: async () => {
        ended = true
        // Never loaded, or failed to: there is nothing to end.
        const loaded = await iterator?.catch(() => undefined)
        await loaded?.return?.()
        return done
      }
    }
  }
})

const done: IteratorReturnResult<undefined> = { done: true, value: undefined }

const ignore = (): void => {}
