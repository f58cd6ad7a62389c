/**
 * The shaping of the SignalFlow service's error records, and the scrubbing of the token from
 * what the service sends (a server may echo it). None of what leaves here contains the token.
 */
import { isRecord } from "./messages.js"

/**
 * One error as the service reports it, its known fields typed, every other field kept: the shape
 * of each package's `ServiceError`.
 * @internal
 */
export interface ServiceErrorRecord {
  readonly code?: number | string | undefined
  readonly errorType?: string | undefined
  readonly message?: string | undefined
  readonly context?: unknown
  readonly [key: string]: unknown
}

/**
 * One error record of the service: the typed fields are kept when they have the expected type and
 * set aside (as `rawCode`, …) otherwise, so that a surprising answer can never make the error
 * itself fail to build.
 * @internal
 */
export const toServiceError = (record: Readonly<Record<string, unknown>>): ServiceErrorRecord => {
  const { code, errorType, message, ...rest } = record
  return {
    ...rest,
    ...(typeof code === "number" || typeof code === "string" ? { code } : code === undefined ? {} : { rawCode: code }),
    ...(typeof errorType === "string" ? { errorType } : {}),
    ...(typeof message === "string" ? { message } : message === undefined ? {} : { rawMessage: message })
  }
}

const isContainer = (value: unknown): value is Record<string, unknown> | Array<unknown> =>
  typeof value === "object" && value !== null

/**
 * `value` with the token removed from each of its strings and keys, in place (it was just parsed
 * and is nobody else's). It is walked with a list rather than by recursion, so that a deeply
 * nested value cannot overflow the stack.
 * @internal
 */
export const scrubTexts = <A>(value: A, scrub: (text: string) => string): A => {
  if (!isContainer(value)) return value
  const pending: Array<Record<string, unknown> | Array<unknown>> = [value]
  for (let container = pending.pop(); container !== undefined; container = pending.pop()) {
    if (Array.isArray(container)) {
      for (let index = 0; index < container.length; index++) {
        const item = container[index]
        if (typeof item === "string") container[index] = scrub(item)
        else if (isContainer(item)) pending.push(item)
      }
      continue
    }
    for (const key of Object.keys(container)) {
      const item = container[key]
      const clean = scrub(key)
      if (clean !== key) delete container[key]
      // Defined rather than assigned: a `__proto__` key of the JSON is an own property, which
      // assigning would not replace.
      Object.defineProperty(container, clean, {
        value: typeof item === "string" ? scrub(item) : item,
        writable: true,
        enumerable: true,
        configurable: true
      })
      if (isContainer(item)) pending.push(item)
    }
  }
  return value
}

/**
 * A message of the service, its texts scrubbed when it is one that becomes an error (`error`, or
 * a `control-message` such as `CHANNEL_ABORT`). Other messages, data above all, are handed on
 * untouched and cost nothing.
 * @internal
 */
export const scrubServiceMessage = (value: unknown, scrub: (text: string) => string): unknown =>
  isRecord(value) && (value.type === "error" || value.type === "control-message")
    ? scrubTexts(value, scrub)
    : value
