/**
 * How the REST commands (metadata, login) report a `RestRequestError`: by its reason and status,
 * where `exit.ts` goes by its tag alone.
 */
import { RestRequestError } from "../../../SignalFxError.js"
import type { CliError } from "../exit.js"
import { fail } from "../exit.js"

/**
 * A `RestRequestError` by what it says, not by its tag alone: `exit.ts` counts every one as a
 * network failure, but the services also fail with it for a refused token (401, 403: exit code
 * 3), a request the service refused (another 4xx, such as a query that does not parse: 7) and a
 * request that could not be made (an empty name: 2). Every other error goes through unchanged
 * for `main.ts` to classify.
 * @internal
 */
export const classifyRequestError = <E>(error: E): E | CliError => {
  if (!(error instanceof RestRequestError)) return error
  if (error.reason === "InvalidRequest") return fail("usage", error.message)
  if (error.reason !== "StatusCode" || error.status === undefined) return error
  if (error.status === 401 || error.status === 403) return fail("token", error.message)
  if (error.status === 404) return fail("notFound", error.message)
  return error.status >= 400 && error.status < 500 ? fail("rejected", error.message) : error
}
