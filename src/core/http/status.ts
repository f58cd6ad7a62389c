/**
 * What an HTTP status means to every service, said once: the ingest pipeline's delivery
 * accounting, the REST calls' retries, host identity's lookups and SignalFlow's connection all
 * map this verdict to their own terms rather than reading status codes themselves.
 */

/**
 * - `"ok"`: 2xx.
 * - `"throttled"`: 429 or 503, the service asks us to slow down; worth retrying.
 * - `"retryable"`: 408 or another 5xx; worth retrying.
 * - `"tooLarge"`: 413, the body is too large for something between us and the service.
 * - `"redirect"`: 3xx, never followed so that a secret stays with its host.
 * - `"tokenRefused"`: 401 or 403.
 * - `"rejected"`: any other status; sending the same request again can't succeed.
 * @internal
 */
export type Verdict = "ok" | "throttled" | "retryable" | "tooLarge" | "redirect" | "tokenRefused" | "rejected"

/** @internal */
export const classify = (status: number): Verdict =>
  status >= 200 && status < 300
    ? "ok"
    : status === 429 || status === 503
    ? "throttled"
    : status === 408 || status >= 500
    ? "retryable"
    : status === 413
    ? "tooLarge"
    : status >= 300 && status < 400
    ? "redirect"
    : status === 401 || status === 403
    ? "tokenRefused"
    : "rejected"

/** Whether an answer with this verdict is worth sending again. @internal */
export const isRetryable = (verdict: Verdict): boolean => verdict === "throttled" || verdict === "retryable"

/** What an error message adds to `HTTP <status>: <body>` to say what the status means. @internal */
export const verdictNote = (verdict: Verdict): string =>
  verdict === "redirect"
    ? ": a redirect, not followed so that the token stays with its host"
    : verdict === "tokenRefused"
    ? ": the access token was refused"
    : ""
