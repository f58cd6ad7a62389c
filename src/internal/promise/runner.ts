/**
 * The one runner of the Promise facade's REST and SignalFlow services (Metadata, Rest,
 * SignalFlow): the service's module is loaded with `import()` on the first call (see
 * `onFirstUse.ts`), so a script that only sends never loads it; each effect is run as a promise,
 * each stream handed out as an async iterable (`iterable.ts`). After {@link ServiceRunner.close}
 * every call rejects with the runner's closed error; a call already running finishes; an
 * iteration rejects with it at its next chunk.
 *
 * The facade's clients are derived from the services' types: {@link Promised} maps a service's
 * shape, {@link promised} and {@link defineOperations} give it a body that calls
 * {@link ServiceRunner.invoke}, which decides when the service is there whether an operation
 * answers an effect or a stream. A new operation of a service reaches plain code without a
 * method written for it.
 */
import * as Cause from "effect/Cause"
import type * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Stream from "effect/Stream"
import type { Source, Steps } from "./iterable.js"
import { toAsyncIterable } from "./iterable.js"
import { hold } from "./lifecycle.js"

/**
 * A service shape with each effect-returning function turned into a promise-returning one, each
 * stream-returning function into an async-iterable-returning one, and each group of operations
 * likewise.
 *
 * @since 0.2.0
 * @category models
 */
export type Promised<S> = {
  readonly [
    // Effect first: an Effect is also a Stream (of one element), not the other way round.
    K in keyof S
  ]: S[K] extends (...args: infer P) => Effect.Effect<infer A, infer _E, never> ? (...args: P) => Promise<A>
    : S[K] extends (...args: infer P) => Stream.Stream<infer A, infer _E, never> ? (...args: P) => AsyncIterable<A>
    : Promised<S[K]>
}

/**
 * What an operation of a loaded service answered: an effect to run, or a stream to iterate.
 * @internal
 */
export type Operation =
  | { readonly _tag: "Effect"; readonly effect: Effect.Effect<unknown, unknown> }
  | { readonly _tag: "Stream"; readonly source: Source<unknown> }

/**
 * A service once its module is loaded (`loaded.ts`), built on the facade's runtime.
 * @internal
 */
export interface Loaded<S> {
  readonly service: S
  readonly run: <A, E>(effect: Effect.Effect<A, E>, signal: AbortSignal | undefined) => Promise<Exit.Exit<A, E>>
  /** Calls the operation at `path` (`["detectors", "create"]`) of the service. */
  readonly operate: (path: ReadonlyArray<string>, args: ReadonlyArray<unknown>) => Operation
  readonly source: <A, E>(stream: Stream.Stream<A, E>) => Source<A>
  /** Releases the service (closes its scope). Idempotent. */
  readonly dispose: () => Promise<void>
}

/** @internal */
export interface RunnerOptions {
  /** The error every call rejects with once the runner is closed. */
  readonly closedError: () => Error
  /**
   * Each pending call and step holds the process open until it settles (SignalFlow, whose timers
   * and socket hold nothing themselves: a computation holds the process only while it is
   * awaited). So that every one settles, those still pending at `close()` reject with the closed
   * error (a computation waiting for its socket to authenticate would otherwise never hear of it).
   */
  readonly hold?: boolean | undefined
}

/**
 * What an operation's call hands out before the service is loaded: a promise (the effect's
 * success, or for a stream the iterable itself) that is also the async iterable of a stream.
 * @internal
 */
export type Invoked = Promise<unknown> & AsyncIterable<unknown>

/** @internal */
export class ServiceRunner<S> {
  readonly #load: () => Promise<Loaded<S>>
  readonly #options: RunnerOptions
  readonly #steps: Steps
  #service: Promise<Loaded<S>> | undefined
  #closed = false
  /** Rejects what is pending at `close()`, when the runner holds the process; each removes itself. */
  readonly #pending = new Set<(error: Error) => void>()

  constructor(load: () => Promise<Loaded<S>>, options: RunnerOptions) {
    this.#load = load
    this.#options = options
    this.#steps = {
      exit: (effect, signal) => this.#exit(effect, signal),
      settle: (step, ends) => this.#settle(step, ends)
    }
  }

  /**
   * Calls the operation at `path` with `args`. An effect starts at once, as a promise's work does;
   * a stream starts with each `for await`. Iterating the call handles its promise: the loop
   * rejects with what the promise would.
   */
  invoke(path: ReadonlyArray<string>, args: ReadonlyArray<unknown>): Invoked {
    const operation = this.#loaded().then((loaded) => loaded.operate(path, args))
    const iterable = toAsyncIterable(() =>
      operation.then((called) => {
        if (called._tag === "Stream") return called.source
        throw new TypeError(`${path.join(".")} answers a promise, not an async iterable: await it`)
      }), this.#steps)
    const promise = operation.then((called) => called._tag === "Effect" ? this.#run(called.effect) : iterable)
    return Object.assign(promise, {
      [Symbol.asyncIterator]: () => {
        promise.catch(ignore)
        return iterable[Symbol.asyncIterator]()
      }
    })
  }

  /** The service's effect, run. */
  call<A, E>(operation: (service: S) => Effect.Effect<A, E>): Promise<A> {
    return this.#loaded().then((loaded) => this.#run(operation(loaded.service)))
  }

  /** The service's stream, as an async iterable. */
  stream<A, E>(operation: (service: S) => Stream.Stream<A, E>): AsyncIterable<A> {
    return toAsyncIterable(
      () => this.#loaded().then((loaded) => loaded.source(operation(loaded.service))),
      this.#steps
    )
  }

  /** Refuses every later call; resolves once the service, if it was loaded, is released. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true
      const error = this.#options.closedError()
      for (const reject of this.#pending) reject(error)
      this.#pending.clear()
    }
    // A service that failed to load has nothing to release; its calls rejected with the failure.
    return this.#service === undefined ? Promise.resolve() : this.#service.then((loaded) => loaded.dispose(), ignore)
  }

  /** The service, loaded and built on first use; loaded after `close()`, it is released at once. */
  #loaded(): Promise<Loaded<S>> {
    return this.#service ??= this.#load().then(async (loaded) => {
      if (this.#closed) await loaded.dispose()
      return loaded
    })
  }

  #run<A, E>(effect: Effect.Effect<A, E>): Promise<A> {
    return this.#settle(
      this.#exit(effect, undefined).then((exit) => {
        if (Exit.isSuccess(exit)) return exit.value
        throw Cause.squash(exit.cause)
      })
    )
  }

  #exit<A, E>(effect: Effect.Effect<A, E>, signal: AbortSignal | undefined): Promise<Exit.Exit<A, unknown>> {
    if (this.#closed) return Promise.resolve(Exit.fail(this.#options.closedError()))
    return this.#loaded().then((loaded): Promise<Exit.Exit<A, unknown>> =>
      this.#closed ? Promise.resolve(Exit.fail(this.#options.closedError())) : loaded.run(effect, signal)
    )
  }

  #settle<A>(step: Promise<A>, ends?: Set<(value: A) => void>): Promise<A> {
    const { hold: holds = false } = this.#options
    const settled = new Promise<A>((resolve, reject) => {
      if (holds) this.#pending.add(reject)
      ends?.add(resolve)
      step.then(resolve, reject).finally(() => {
        this.#pending.delete(reject)
        ends?.delete(resolve)
      })
    })
    return holds ? hold(settled) : settled
  }
}

/**
 * The service's operations as {@link Promised} promises and async iterables, by their path:
 * `promised(runner).detectors.create(input)` invokes `["detectors", "create"]`. Each group is
 * made on first access, and is the same object on the next. Symbols, `then` (a group is not a
 * promise: `await` hands it back) and `Object.prototype`'s names are not operations.
 * @internal
 */
export const promised = <S>(runner: ServiceRunner<S>): Promised<S> => {
  const group = (path: ReadonlyArray<string>): Invoke => {
    const groups = new Map<string, Invoke>()
    const invoke: Invoke = (...args) => runner.invoke(path, args)
    return new Proxy(invoke, {
      get: (target, key) => {
        if (typeof key !== "string" || key === "then" || key in Object.prototype) return Reflect.get(target, key)
        let child = groups.get(key)
        if (child === undefined) groups.set(key, child = group([...path, key]))
        return child
      }
    })
  }
  // The one cast of the facade: a Proxy answers every path, which TypeScript cannot see; the
  // shape is the service's, and what each path answers is decided by the service's own value.
  return group([]) as unknown as Promised<S>
}

type Invoke = (...args: ReadonlyArray<unknown>) => Invoked

/**
 * Names every operation of a service, and only those: an object literal of this type fails to
 * compile until it names an operation added to the service.
 * @internal
 */
export type OperationNames<S> = { readonly [K in keyof S]: null }

/**
 * Defines on `prototype` a method for each operation `names` names, that invokes it on the
 * runner of the instance (see {@link Promised}: the class declares them by extending it).
 * @internal
 */
export const defineOperations = <T extends object, S>(
  prototype: T,
  names: OperationNames<S>,
  runnerOf: (self: T) => ServiceRunner<S>
): void => {
  for (const name of Object.keys(names)) {
    Object.defineProperty(prototype, name, {
      configurable: true,
      writable: true,
      value(this: T, ...args: ReadonlyArray<unknown>): Invoked {
        return runnerOf(this).invoke([name], args)
      }
    })
  }
}

const ignore = (): void => {}
