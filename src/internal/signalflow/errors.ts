/**
 * The shaping of the SignalFlow service's error records (the errors themselves are with the
 * library's other errors, in `SignalFxError`). None of them ever contains the token.
 */
import type { ServiceError } from "../../SignalFxError.js"

/**
 * One error record of the service as a `ServiceError`: the typed fields are kept when they have
 * the expected type and set aside (as `rawCode`, …) otherwise, so that a surprising answer can
 * never make the error itself fail to build.
 * @internal
 */
export const toServiceError = (record: Readonly<Record<string, unknown>>): ServiceError => {
  const { code, errorType, message, ...rest } = record
  return {
    ...rest,
    ...(typeof code === "number" || typeof code === "string" ? { code } : code === undefined ? {} : { rawCode: code }),
    ...(typeof errorType === "string" ? { errorType } : {}),
    ...(typeof message === "string" ? { message } : message === undefined ? {} : { rawMessage: message })
  }
}
