/**
 * `prop` runs a fast-check property as a vitest test, as `it.prop` of `@effect/vitest` does for
 * the Effect 3 tests: named arbitraries in, one record of generated values per run.
 */
import * as fc from "fast-check"
import { it } from "vitest"

export const prop = <T extends Record<string, unknown>>(
  name: string,
  arbitraries: { [K in keyof T]: fc.Arbitrary<T[K]> },
  body: (values: T) => void,
  options?: { readonly fastCheck?: fc.Parameters<[T]> }
): void => {
  it(name, () => fc.assert(fc.property(fc.record(arbitraries), body), options?.fastCheck))
}
