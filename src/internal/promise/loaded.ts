/**
 * A REST or SignalFlow service as the facade's runner (`runner.ts`) runs it, once loaded: built
 * from its layer on the facade's runtime, its operations told apart by what they answer. Loaded
 * on first use (see `onFirstUse.ts`), with the service's module and Effect's `Stream`.
 */
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { Source } from "./iterable.js"
import type { Loaded, Operation } from "./runner.js"
import type { FacadeRuntimeOptions } from "./runtime.js"
import { FacadeRuntime } from "./runtime.js"

/**
 * The service of `tag`, built from `layer` (which must not wait for anything to be built).
 * @internal
 */
export const loadService = async <I, S, E>(
  tag: Context.Tag<I, S>,
  layer: Layer.Layer<I, E>,
  options: FacadeRuntimeOptions
): Promise<Loaded<S>> => {
  const built = await Effect.runPromiseExit(FacadeRuntime.build(Layer.build(layer), options))
  if (Exit.isFailure(built)) throw Cause.squash(built.cause)
  const runtime = built.value
  const service = runtime.runSync(tag)
  return {
    service,
    run: (effect, signal) => runtime.runPromiseExit(effect, signal === undefined ? undefined : { signal }),
    operate: (path, args) => operationOf(path, called(service, path, args)),
    source,
    dispose: () => runtime.dispose()
  }
}

/** What the function at `path` of the service answers to `args`. */
const called = (service: unknown, path: ReadonlyArray<string>, args: ReadonlyArray<unknown>): unknown => {
  let group: unknown = service
  let target: unknown = service
  for (const key of path) {
    group = target
    target = typeof group === "object" && group !== null ? Reflect.get(group, key) : undefined
  }
  if (typeof target !== "function") throw new TypeError(`${path.join(".")} is not an operation of the service`)
  return Reflect.apply(target, group, args)
}

/**
 * An effect, or a stream. The effect is asked first: an Effect is also a Stream (of its one
 * value), a Stream is not an Effect.
 */
const operationOf = (path: ReadonlyArray<string>, value: unknown): Operation => {
  if (isServiceEffect(value)) return { _tag: "Effect", effect: value }
  if (isServiceStream(value)) return { _tag: "Stream", source: source(value) }
  throw new TypeError(`${path.join(".")} answered neither an Effect nor a Stream`)
}

// What an operation answers needs nothing: its type says so (`R` is `never`, the service was
// built with what it needs), and the facade's `Promised` maps only such operations. No value
// tells what an effect requires, so these two guards take the type's word for it: the one place
// where the facade asserts what it cannot check.

const isServiceEffect = (value: unknown): value is Effect.Effect<unknown, unknown> => Effect.isEffect(value)

/** Effect 3 has no `Stream.isStream`: a stream is what carries its type id. */
const isServiceStream = (value: unknown): value is Stream.Stream<unknown, unknown> =>
  typeof value === "object" && value !== null && Stream.StreamTypeId in value

/** The stream as the facade's iterables pull it (see `iterable.ts`). */
const source = <A, E>(stream: Stream.Stream<A, E>): Source<A> => ({
  open: (scope) =>
    Effect.map(
      Stream.toPull(stream).pipe(Effect.provideService(Scope.Scope, scope)),
      (pull) =>
        Effect.matchEffect(pull, {
          onFailure: Option.match({ onNone: () => Effect.succeedNone, onSome: Effect.fail }),
          onSuccess: Effect.succeedSome
        })
    )
})
