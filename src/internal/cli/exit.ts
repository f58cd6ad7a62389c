/**
 * The command's exit codes, one per kind of failure, and the one sentence printed for each
 * failure. Library errors are classified here, once, so that every command answers the same way.
 */
import * as Data from "effect/Data"
import * as Predicate from "effect/Predicate"
import { peerText } from "../../core/peerText.js"

/**
 * Why the command failed, as scripts see it in `$?`. The numbers are part of the command's
 * contract (README, "Exit codes"): never renumber one.
 * @internal
 */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** Something the command did not expect: a bug, or a failure of the machine. */
  failure: 1,
  /** A mistake in the command line or in the input: a bad option, datapoint, file or detector. */
  usage: 2,
  /** The token was refused (401 or 403), or no token was given. */
  token: 3,
  /** What was asked for does not exist (404). */
  notFound: 4,
  /** The server could not be reached, or did not answer in time, retries included. */
  network: 5,
  /** SignalFlow refused the program. */
  invalidProgram: 6,
  /** The server refused the request or the data (a 4xx other than 401, 403 and 404), or dropped some of it. */
  rejected: 7,
  /** Interrupted by ^C (SIGINT) before the work was done. */
  interrupted: 130
} as const

/** @internal */
export type ExitKind = Exclude<keyof typeof ExitCode, "ok">

/**
 * A failure the command reports: one plain sentence on stderr, and the exit code of its kind.
 * The message never contains a token (the library's messages never do, and {@link fail} scrubs
 * what a server sent).
 * @internal
 */
export class CliError extends Data.TaggedError("CliError")<{
  readonly kind: ExitKind
  readonly message: string
}> {}

/**
 * The longest sentence printed: a library's message (which bounds what a peer put in it) is
 * printed whole, a runaway one is cut.
 */
const MAX_MESSAGE_LENGTH = 2000

/** A `CliError` of this kind, the message bounded and stripped of control characters. @internal */
export const fail = (kind: ExitKind, message: string): CliError =>
  new CliError({ kind, message: peerText(message, MAX_MESSAGE_LENGTH) })

const tagOf = (error: unknown): string | undefined =>
  Predicate.hasProperty(error, "_tag") && typeof error._tag === "string" ? error._tag : undefined

const statusOf = (error: unknown): number | undefined =>
  Predicate.hasProperty(error, "status") && typeof error.status === "number" ? error.status : undefined

const reasonOf = (error: unknown): string | undefined =>
  Predicate.hasProperty(error, "reason") && typeof error.reason === "string" ? error.reason : undefined

/**
 * The kind of an HTTP status a request failed with: a 4xx by its meaning, anything else (a 5xx
 * after the retries) `otherwise`.
 */
const kindOfStatus = (status: number | undefined, otherwise: ExitKind): ExitKind =>
  status === 401 || status === 403
    ? "token"
    : status === 404
    ? "notFound"
    : status !== undefined && status >= 400 && status < 500
    ? "rejected"
    : otherwise

const messageOf = (error: unknown): string =>
  Predicate.hasProperty(error, "message") && typeof error.message === "string" && error.message !== ""
    ? error.message
    : String(error)

/**
 * The kind of a library error, by its tag: every error the services fail with is a tagged error
 * (`SignalFxError`), and a `ConfigError` from the environment is a usage mistake.
 * @internal
 */
export const kindOf = (error: unknown): ExitKind => {
  switch (tagOf(error)) {
    case "CliError":
      return error instanceof CliError ? error.kind : "failure"
    case "ValidationError":
    case "ConfigurationError":
    case "ValidationIssue":
    case "And":
    case "Or":
    case "InvalidData":
    case "MissingData":
    case "SourceUnavailable":
    case "Unsupported":
      return "usage"
    case "RestNotFoundError":
      return "notFound"
    case "RestRejectedError":
      return kindOfStatus(statusOf(error), "rejected")
    // The REST services fail with it for a refused token and for a request the service refused,
    // too: its reason and status tell them from a failure of the network.
    case "RestRequestError":
      return reasonOf(error) === "InvalidRequest"
        ? "usage"
        : reasonOf(error) === "StatusCode"
        ? kindOfStatus(statusOf(error), "network")
        : "network"
    case "SignalFlowAuthenticationError":
      return "token"
    case "ComputationFailedError":
      return "invalidProgram"
    case "SignalFlowConnectionError":
    case "ProxyError":
      return "network"
    default:
      return "failure"
  }
}

/**
 * Any failure as a `CliError`: library errors by {@link kindOf}, with their own message (which
 * names what is wrong and never the token).
 * @internal
 */
export const toCliError = (error: unknown): CliError =>
  error instanceof CliError ? error : fail(kindOf(error), messageOf(error))
