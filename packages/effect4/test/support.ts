/**
 * Effect 4 tests run on the repository's vitest 3 (`@effect/vitest` 4 needs vitest 5): `effect`
 * runs one scoped Effect as a test, as `it.effect` of `@effect/vitest` does for Effect 3.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { it } from "vitest"

export const effect = (
  name: string,
  body: () => Effect.Effect<unknown, unknown, Scope.Scope>,
  timeout?: number
): void => {
  it(name, () => Effect.runPromise(Effect.scoped(body()).pipe(Effect.asVoid)), timeout)
}
