/**
 * Sets an own, enumerable entry. Plain assignment would treat a key named `__proto__` as the
 * prototype; input from the wire or from callers may legitimately use any key.
 * @internal
 */
export const setEntry = <A>(record: Record<string, A>, key: string, value: A): void => {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true })
}
