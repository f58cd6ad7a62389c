/**
 * The SignalFlow requests as the WebSocket protocol spells them (`type`, `program` or `handle`,
 * and the parameters), and the checks made before one is sent.
 */
import type { ServiceErrorRecord } from "./errors.js"

/**
 * A request without its `channel`, which the WebSocket transport adds.
 * @internal
 */
export type Request = Readonly<Record<string, unknown>> & { readonly type: string }

/** The service's limit on program text. @internal */
export const MAX_PROGRAM_LENGTH = 50_000

/**
 * The defined parameters, times (`Date`s) as milliseconds since the epoch.
 * @internal
 */
export const parameters = (options: object): Record<string, unknown> => {
  const params: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) params[key] = value instanceof Date ? value.getTime() : value
  }
  return params
}

/**
 * Why a program is not sent, as the service would say it (the error of a
 * `ComputationFailedError`); `undefined` for a program to send.
 * @internal
 */
export const programProblem = (program: unknown): ServiceErrorRecord | undefined => {
  if (typeof program !== "string" || program.trim() === "") {
    return { errorType: "INVALID_PROGRAM", message: "the program is empty" }
  }
  if (program.length > MAX_PROGRAM_LENGTH) {
    return {
      errorType: "INVALID_PROGRAM",
      message: `the program has ${program.length} characters, more than the ${MAX_PROGRAM_LENGTH} the service accepts`
    }
  }
  return undefined
}

/**
 * Why a handle cannot be sent, on either transport: the HTTP one puts it in the URL's path, which
 * has no way to carry an empty segment, or a `.` or `..` one (fetch resolves them, percent-encoded
 * or not, and `stop("..")` would post to `/v2/stop`); the service never hands out such a handle.
 */
const unsendable = (handle: unknown): string | undefined =>
  typeof handle !== "string"
    ? `a handle that is a ${typeof handle}, not a string`
    : handle === ""
    ? "an empty handle"
    : handle === "." || handle === ".."
    ? `the handle ${JSON.stringify(handle)}, which no URL path can carry`
    : undefined

/**
 * Why a request for `handle` is not sent (the description of a `SignalFlowConnectionError` of
 * reason `InvalidRequest`); `undefined` for a handle to send.
 * @internal
 */
export const handleProblem = (type: string, handle: unknown): string | undefined => {
  const problem = unsendable(handle)
  return problem === undefined ? undefined : `cannot send a ${type} request for ${problem}`
}
