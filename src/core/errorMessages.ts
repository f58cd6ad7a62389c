/**
 * The messages of the library's errors, written once: each package's error classes (Schema
 * tagged errors of its own Effect major) build their `message` from their fields through these.
 * Every text a peer controls goes through `peerText`.
 */
import { formatCount, plural } from "./english.js"
import { peerText } from "./peerText.js"

/** One problem found in the input, with the path of the offending value. @internal */
export interface IssueFields {
  readonly path: string
  readonly message: string
}

/** `path: message`, or the message alone for a problem of the whole input. @internal */
export const issueText = (issue: IssueFields): string =>
  issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`

/** The heading and one indented line per issue, then the count of those omitted. @internal */
export const validationMessage = (
  issues: ReadonlyArray<IssueFields>,
  omitted: number | undefined
): string => {
  const beyond = omitted ?? 0
  const count = issues.length + beyond
  const heading = count === 1 ? "1 problem in the input" : `${formatCount(count)} problems in the input`
  const more = beyond === 0 ? "" : `\n  … and ${formatCount(beyond)} more`
  return `${heading}:\n${issues.map((issue) => `  ${issueText(issue)}`).join("\n")}${more}`
}

/** @internal */
export const closedMessage = (what: "datapoints" | "events" | "requests", count: number): string =>
  // A count of 0 is a refusal that carried no data (a reporter started after `stop()`).
  count === 0
    ? `the SignalFx client is stopped: no more ${what} are accepted`
    : `the SignalFx client is stopped: ${plural(count, what.slice(0, -1), what)} ${
      count === 1 ? "was" : "were"
    } not accepted`

/** @internal */
export const configurationMessage = (option: string, reason: string): string => `invalid option ${option}: ${reason}`

/**
 * The longest request path a message shows: an id is the caller's, and may be any length (the
 * `path` field keeps it whole).
 */
const MAX_PATH_SHOWN = 300

const kindNames: Readonly<Record<string, string>> = {
  metricTimeSeries: "metric time series",
  dashboardGroup: "dashboard group",
  dataLink: "data link"
}

/** How a message names a kind of object. */
const describeKind = (kind: string): string => kindNames[kind] ?? kind

/** @internal */
export const notFoundMessage = (kind: string, id: string): string => {
  // Metadata is named (a metric, `key:value`); the other objects have ids the service made.
  const named = kind === "metric" || kind === "dimension" || kind === "metricTimeSeries" || kind === "tag"
  return `no ${describeKind(kind)} ${named ? "" : "with id "}${peerText(JSON.stringify(id))}`
}

/** @internal */
export const rejectedMessage = (
  fields: {
    readonly kind: string
    readonly method: string
    readonly path: string
    readonly status: number
    readonly serviceMessage: string
  }
): string =>
  `${fields.method} ${peerText(fields.path, MAX_PATH_SHOWN)}: the service refused the ${
    describeKind(fields.kind)
  } (HTTP ${fields.status}): ${fields.serviceMessage}`

/** @internal */
export const requestMessage = (method: string, path: string, description: string): string =>
  `${method} ${peerText(path, MAX_PATH_SHOWN)}: ${description}`

/** @internal */
export const proxyMessage = (proxy: string, reason: string): string => `the proxy ${proxy} ${reason}`

/**
 * One error as SignalFlow reports it: the fields known of it (it may carry more).
 * @internal
 */
export interface ServiceErrorFields {
  readonly code?: number | string | undefined
  readonly errorType?: string | undefined
  readonly message?: string | undefined
  readonly context?: unknown
}

/** How many of the service's errors a `ComputationFailedError`'s message lists; `errors` has them all. */
const MAX_ERRORS_SHOWN = 10

/** The service's `context` as JSON; one nested deeper than the stack allows is not shown. */
const contextText = (context: unknown): string => {
  try {
    return JSON.stringify(context) ?? ""
  } catch {
    return "(a context that cannot be shown)"
  }
}

const describeServiceError = (error: ServiceErrorFields): string => {
  const code = error.code === undefined ? "" : String(error.code)
  const kind = error.errorType === undefined ? code : code === "" ? error.errorType : `${code} ${error.errorType}`
  const context = error.context === undefined ? "" : ` ${contextText(error.context)}`
  if (error.message !== undefined) return kind === "" ? error.message : `${kind}: ${error.message}`
  return kind === "" ? `unknown error${context}` : `${kind}${context}`
}

/** @internal */
export const authenticationMessage = (endpoint: string, description: string): string =>
  `SignalFlow at ${endpoint} refused the token: ${description}`

/** @internal */
export const connectionMessage = (endpoint: string, description: string): string =>
  `SignalFlow connection to ${endpoint} failed: ${description}`

/** @internal */
export const computationFailedMessage = (errors: ReadonlyArray<ServiceErrorFields>): string => {
  // The service's texts, each on one line and cut, and no more of them than a message can use.
  const shown = errors.slice(0, MAX_ERRORS_SHOWN).map((error) => peerText(describeServiceError(error)))
  const more = errors.length > MAX_ERRORS_SHOWN ? `; … (${errors.length - MAX_ERRORS_SHOWN} more)` : ""
  return `the SignalFlow computation failed: ${shown.join("; ")}${more}`
}

/** @internal */
export const computationAbortedMessage = (state: string, reason: string): string =>
  `the SignalFlow computation was ${peerText(state.toLowerCase())}: ${peerText(reason)}`
