/**
 * The one way the Promise facade hands out a stream: as an async iterable that pulls one chunk
 * (for a paging search, one page: one request; for SignalFlow, the messages at hand) only when
 * the loop has used the last. Each `for await` starts the stream afresh, in a scope of its own;
 * leaving the loop (`break`, `return`, a throw) closes that scope, which ends the stream (no
 * further page is asked; a SignalFlow computation is detached).
 *
 * Not an async generator, nor Effect's `Stream.toAsyncIterable`: a generator queues `return()`
 * behind a pending step, so a loop left while a step waits (for a message that may never come)
 * would not end until that step did, and of steps asked together Effect's iterator answers only
 * the last. Here `return()` goes through at once and settles the pending step as done; steps
 * asked together are taken one after the other; every step after the end, or after a failure,
 * is done.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"

/**
 * A stream as the adapter pulls it: `open` makes its pull in the iteration's scope; the pull
 * answers the next chunk, or none at the stream's end. (The loaded runner makes one from a
 * `Stream`: the stream's module is not loaded before a service is.)
 * @internal
 */
export interface Source<A> {
  readonly open: (scope: Scope.Scope) => Effect.Effect<Effect.Effect<Option.Option<Iterable<A>>, unknown>>
}

/**
 * How the runner of the iteration's service runs its steps.
 * @internal
 */
export interface Steps {
  /** The effect's exit on the service's runtime; a failure once the runner is closed. */
  readonly exit: <A, E>(effect: Effect.Effect<A, E>, signal: AbortSignal) => Promise<Exit.Exit<A, unknown>>
  /**
   * The step as the runner hands it out (held open, settled at close: see `ServiceRunner`), also
   * settled by any function the step adds to `ends`.
   */
  readonly settle: <A>(step: Promise<A>, ends?: Set<(value: A) => void>) => Promise<A>
}

/**
 * The stream that `source` resolves to, as an async iterable; a failed `source` rejects the first
 * step.
 * @internal
 */
export const toAsyncIterable = <A>(source: () => Promise<Source<A>>, steps: Steps): AsyncIterable<A> => ({
  [Symbol.asyncIterator]: () => {
    const scope = Effect.runSync(Scope.make())
    const interrupt = new AbortController()
    let opened: Promise<Effect.Effect<Option.Option<Iterable<A>>, unknown>> | undefined
    let items: Iterator<A> = noItems
    let ended = false
    let closed: Promise<void> | undefined
    let previous: Promise<unknown> = Promise.resolve()
    const pending = new Set<(result: IteratorResult<A>) => void>()

    const end = (): Promise<void> => {
      ended = true
      // A pull still running (its step was settled by `return()`) is interrupted.
      interrupt.abort()
      return closed ??= Effect.runPromise(Scope.close(scope, Exit.void))
    }
    const nextChunk = async (): Promise<Exit.Exit<Option.Option<Iterable<A>>, unknown>> => {
      opened ??= source().then(async ({ open }) => {
        const made = await steps.exit(open(scope), interrupt.signal)
        if (Exit.isSuccess(made)) return made.value
        throw Cause.squash(made.cause)
      })
      return steps.exit(await opened, interrupt.signal)
    }
    const step = async (): Promise<IteratorResult<A>> => {
      for (;;) {
        if (ended) return done
        const item = items.next()
        if (item.done !== true) return { done: false, value: item.value }
        let exit: Exit.Exit<Option.Option<Iterable<A>>, unknown>
        try {
          exit = await nextChunk()
        } catch (error) {
          await end()
          throw error
        }
        if (ended) return done
        if (Exit.isFailure(exit)) {
          await end()
          throw Cause.squash(exit.cause)
        }
        if (Option.isNone(exit.value)) {
          await end()
          return done
        }
        items = exit.value.value[Symbol.iterator]()
      }
    }
    return {
      next: () => {
        const result = steps.settle(previous.then(step), pending)
        previous = result.then(ignore, ignore)
        return result
      },
      return: () => {
        for (const settle of pending) settle(done)
        pending.clear()
        // Ends as done even when the runner closes meanwhile.
        return steps.settle(end()).then(() => done, () => done)
      }
    }
  }
})

const done: IteratorReturnResult<undefined> = { done: true, value: undefined }

const noItems: Iterator<never> = { next: () => done }

const ignore = (): void => {}
