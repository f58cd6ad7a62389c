/**
 * Whether a detector file differs from the service's copy, so that applying a file that has not
 * changed sends nothing. Only the fields the file sets are compared: a field it leaves out is
 * the service's (and an update keeps it). Inside a field (a rule, say) the file's value is the
 * whole value, except that the service may add fields holding a default (`null`, `false`, `""`,
 * an empty list or mapping), as it does to every rule it stores.
 */
import * as Predicate from "effect/Predicate"

/** A value the service fills in when none is given: no value at all, as far as a file can tell. */
const isDefault = (value: unknown): boolean =>
  value === undefined || value === null || value === false || value === "" ||
  (Array.isArray(value) && value.length === 0) ||
  (Predicate.isRecord(value) && Object.values(value).every(isDefault))

/**
 * Whether the service's `stored` value is what the file `wanted`.
 * @internal
 */
export const sameValue = (wanted: unknown, stored: unknown): boolean => {
  if (isDefault(wanted) && isDefault(stored)) return true
  if (Array.isArray(wanted)) {
    return Array.isArray(stored) && wanted.length === stored.length &&
      wanted.every((item, index) => sameValue(item, stored[index]))
  }
  if (Predicate.isRecord(wanted)) {
    if (!Predicate.isRecord(stored)) return false
    return Object.entries(wanted).every(([field, value]) => sameValue(value, stored[field])) &&
      Object.entries(stored).every(([field, value]) => field in wanted || isDefault(value))
  }
  return Object.is(wanted, stored)
}

/**
 * The fields of the file whose value differs from the service's copy, in the file's order.
 * @internal
 */
export const changedFields = (
  wanted: Readonly<Record<string, unknown>>,
  stored: Readonly<Record<string, unknown>>
): Array<string> => Object.keys(wanted).filter((field) => !sameValue(wanted[field], stored[field]))
