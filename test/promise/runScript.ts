import { spawn } from "node:child_process"
import * as path from "node:path"

/** The repository root: scripts run from there so `tsx` finds tsconfig.json. */
export const root = path.resolve(import.meta.dirname, "../..")

export interface ScriptResult {
  /** `null` when the script was killed for overrunning `killAfterMillis`. */
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly elapsedMillis: number
  /**
   * From the end of the script's main code to its exit, measured inside the script (see
   * `test/fixtures/scripts/mainEnded.ts`); `undefined` when it did not say.
   */
  readonly mainToExitMillis: number | undefined
}

const parseMainToExit = (stderr: string): number | undefined => {
  const match = /main-to-exit-ms (\d+)/.exec(stderr)
  return match === null ? undefined : Number(match[1])
}

/**
 * Runs a TypeScript file with `node --import tsx` and waits for it to end by itself; a script
 * still running after `killAfterMillis` is killed and reported with `code: null`.
 */
export const runScript = (
  script: string,
  env: Record<string, string | undefined>,
  killAfterMillis = 20_000
): Promise<ScriptResult> =>
  new Promise((resolve, reject) => {
    const started = Date.now()
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    const killer = setTimeout(() => child.kill("SIGKILL"), killAfterMillis)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(killer)
      resolve({ code, stdout, stderr, elapsedMillis: Date.now() - started, mainToExitMillis: parseMainToExit(stderr) })
    })
  })

/** The script's own measure of its end to its exit; a script that did not say fails the test. */
export const mainToExit = (result: ScriptResult): number => {
  if (result.mainToExitMillis === undefined) throw new Error(`the script did not measure its exit:\n${result.stderr}`)
  return result.mainToExitMillis
}
