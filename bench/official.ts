/**
 * The official `signalfx` client, which the benchmark compares against, lives in a folder of its
 * own (`bench/official`, its version pinned by that folder's package-lock.json) rather than in the
 * project's devDependencies: its `engines` stops at Node 21, so `npm ci` of the project would warn
 * every contributor about a package only the benchmark (and the SignalFlow interop test) uses. The
 * drivers install it on first use with `scripts/official-client.mjs` (`npm ci`, from npm's cache
 * when it has it), and the client processes load it from there.
 */
import { execFileSync } from "node:child_process"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

// Compiled to bench/.build: the folder is one level up, beside the sources.
const folder = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), "official")

/** The parts of the official client's API the benchmark drives. */
export interface OfficialModule {
  readonly Ingest: new(token: string, options: { readonly ingestEndpoint: string }) => {
    /** Typed `void` by the client, but it returns the promise of its POST. */
    readonly send: (datapoints: { readonly gauges: ReadonlyArray<object> }) => unknown
  }
}

/** Installs the official client into `bench/official` unless it is there already. */
export const ensureOfficial = (): void => {
  execFileSync(process.execPath, [path.join(path.dirname(folder), "..", "scripts", "official-client.mjs")], {
    stdio: "inherit"
  })
}

/** The official client's entry file, for `require` or `import`. */
export const officialEntry = (): string => createRequire(path.join(folder, "package.json")).resolve("signalfx")

/** Loads the official client (CommonJS) in the calling process. */
export const requireOfficial = (): OfficialModule => createRequire(import.meta.url)(officialEntry()) as OfficialModule
