/**
 * How the REST API's failures read in the `detectors` and `incidents` commands: as `exit.ts`
 * classifies them, with one refinement. The service refusing a detector (a 400 to validate,
 * create or update) says the detector is invalid — its program does not parse, or a rule names a
 * label it does not publish: exit code 6, the invalid program, which a script can tell from a
 * malformed file (2).
 */
import { RestRejectedError } from "../../../SignalFxError.js"
import type { CliError } from "../exit.js"
import { fail, toCliError } from "../exit.js"

/** @internal */
export const restError = (error: unknown): CliError => {
  if (error instanceof RestRejectedError && error.kind === "detector") {
    return fail("invalidProgram", `the service refused the detector: ${error.serviceMessage}`)
  }
  return toCliError(error)
}

/**
 * Whether a failure ends the whole command rather than one file's part: a refused token or an
 * unreachable service fails every file the same way.
 * @internal
 */
export const isFatal = (error: CliError): boolean => error.kind === "token" || error.kind === "network"
