/**
 * Sets an own, enumerable entry. Plain assignment would treat a key named `__proto__` as the
 * prototype; input from the wire or from callers may legitimately use any key.
 * @internal
 */
export const setEntry = <A>(record: Record<string, A>, key: string, value: A): void => {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true })
}

/**
 * Whether `key` is among the first `count` of `keys`: a datapoint's own dimensions, at most a
 * few dozen, held in reused arrays.
 * @internal
 */
export const includesKey = (keys: ReadonlyArray<string>, count: number, key: string): boolean => {
  for (let i = 0; i < count; i++) {
    if (keys[i] === key) return true
  }
  return false
}
