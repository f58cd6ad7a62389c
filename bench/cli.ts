/**
 * What every benchmark driver shares: where the compiled drivers run from, and their command
 * line (`--quick`, `--repeats N`, …).
 */
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/** bench/.build, where the compiled drivers and the client scripts they fork are. */
export const buildDir = path.dirname(fileURLToPath(import.meta.url))

/** bench/, beside the compiled drivers: the sources and RESULTS.md. */
export const benchDir = path.dirname(buildDir)

/** The arguments after `npm run bench… --`. */
export const args: ReadonlyArray<string> = process.argv.slice(2)

/** The value that follows `name` on the command line, if it is there. */
export const flag = (name: string): string | undefined => {
  const index = args.indexOf(name)
  return index === -1 ? undefined : args[index + 1]
}
