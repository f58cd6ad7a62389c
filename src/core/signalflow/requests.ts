/**
 * The SignalFlow requests as the WebSocket protocol spells them (`type`, `program` or `handle`,
 * and the parameters), and the checks made before one is sent.
 */
import type { Plan } from "./computation.js"
import type { ServiceErrorRecord } from "./errors.js"

/**
 * A request without its `channel`, which the WebSocket transport adds.
 * @internal
 */
export type Request = Readonly<Record<string, unknown>> & { readonly type: string }

/**
 * The parameters of `execute` and `preflight`, as the protocol names them. Times are
 * milliseconds since the epoch (or `Date`s). Durations are
 * milliseconds.
 */
export interface ExecuteOptions {
  readonly start?: number | Date | undefined
  /** Without a stop the computation runs live until it is detached or stopped. */
  readonly stop?: number | Date | undefined
  /** The resolution wanted, in ms; the service may choose a coarser one (see `JOB_RUNNING_RESOLUTION`). */
  readonly resolution?: number | undefined
  /** How long the service waits for late data, in ms; by default it decides. */
  readonly maxDelay?: number | undefined
  /** Answer the last timestamps at once instead of waiting for them to be complete. */
  readonly immediate?: boolean | undefined
  /** Keep the computation running after the stream detaches (then `attach`, `keepalive`, `stop` it). */
  readonly persistent?: boolean | undefined
  /** The time zone of calendar windows, e.g. `Europe/Paris`. */
  readonly timezone?: string | undefined
  readonly disableAllMetricPublishes?: boolean | undefined
  readonly withDerivedMetadata?: boolean | undefined
  readonly resolutionAdjustable?: boolean | undefined
}

/**
 * The parameters of `attach`.
 */
export interface AttachOptions {
  /** A filter on the output time series, in the program's filter syntax. */
  readonly filters?: string | undefined
  readonly resolution?: number | undefined
}

/**
 * The parameters of `start` (a computation without a stream, to `attach` to later).
 */
export interface StartOptions {
  readonly start?: number | Date | undefined
  readonly stop?: number | Date | undefined
  readonly resolution?: number | undefined
  readonly maxDelay?: number | undefined
}

/**
 * The parameters of `stop`.
 */
export interface StopOptions {
  readonly reason?: string | undefined
}

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

/** @internal */
export interface Computation {
  readonly _tag: "Computation"
  readonly plan: Plan
}

/** @internal */
export interface Command {
  readonly _tag: "Command"
  readonly request: Request
}

/** A program not sent: the error of a `ComputationFailedError`. @internal */
export interface InvalidProgram {
  readonly _tag: "InvalidProgram"
  readonly error: ServiceErrorRecord
}

/** A handle not sent: the description of a `SignalFlowConnectionError` of reason `InvalidRequest`. @internal */
export interface InvalidHandle {
  readonly _tag: "InvalidHandle"
  readonly description: string
}

const checked = <A>(program: unknown, planned: () => A): A | InvalidProgram => {
  const error = programProblem(program)
  return error === undefined ? planned() : { _tag: "InvalidProgram", error }
}

// The handle goes last in each request: the one checked is the one sent.
const withHandle = <A>(type: string, handle: unknown, planned: () => A): A | InvalidHandle => {
  const description = handleProblem(type, handle)
  return description === undefined ? planned() : { _tag: "InvalidHandle", description }
}

/**
 * The service's operations as what each does: run a computation or send a command, or refuse
 * what cannot be sent, sending nothing. `compress` asks for gzipped binary messages.
 * @internal
 */
export const operations = (compress: boolean) => ({
  program: (type: "execute" | "preflight", program: string, options: ExecuteOptions) =>
    checked<Computation>(program, () => ({
      _tag: "Computation",
      plan: { request: { type, program, compress, ...parameters(options) }, resumable: true }
    })),
  attach: (handle: string, options: AttachOptions) =>
    withHandle<Computation>("attach", handle, () => ({
      _tag: "Computation",
      plan: { request: { type: "attach", compress, ...parameters(options), handle }, resumable: false }
    })),
  start: (program: string, options: StartOptions) =>
    checked<Command>(program, () => ({ _tag: "Command", request: { type: "start", program, ...parameters(options) } })),
  stop: (handle: string, options: StopOptions) =>
    withHandle<Command>("stop", handle, () => ({
      _tag: "Command",
      request: { type: "stop", ...parameters(options), handle }
    })),
  keepalive: (handle: string) =>
    withHandle<Command>("keepalive", handle, () => ({ _tag: "Command", request: { type: "keepalive", handle } }))
})
