import type { ChildProcess } from "node:child_process"
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

/** A `node` process started from the repository root, its output gathered as it comes. */
export interface StartedNode {
  readonly child: ChildProcess
  /** What it wrote so far. */
  readonly output: () => { readonly stdout: string; readonly stderr: string }
  /** Its exit code once its streams are closed; `null` when a signal ended it. */
  readonly closed: Promise<number | null>
}

/** Starts `node` with these arguments (from the repository root, `env` over this process's). */
export const startNode = (args: ReadonlyArray<string>, env: Record<string, string | undefined>): StartedNode => {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject)
    child.on("close", resolve)
  })
  return { child, output: () => ({ stdout, stderr }), closed }
}

/** Runs `node` with these arguments to its end, or kills it after `killAfterMillis` (`code: null`). */
export const runNode = async (
  args: ReadonlyArray<string>,
  env: Record<string, string | undefined>,
  killAfterMillis: number
): Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }> => {
  const started = startNode(args, env)
  const killer = setTimeout(() => started.child.kill("SIGKILL"), killAfterMillis)
  try {
    const code = await started.closed
    return { code, ...started.output() }
  } finally {
    clearTimeout(killer)
  }
}

/**
 * Runs a TypeScript file with `node --import tsx` and waits for it to end by itself; a script
 * still running after `killAfterMillis` is killed and reported with `code: null`.
 */
export const runScript = async (
  script: string,
  env: Record<string, string | undefined>,
  killAfterMillis = 20_000
): Promise<ScriptResult> => {
  const started = Date.now()
  const result = await runNode(["--import", "tsx", script], env, killAfterMillis)
  return { ...result, elapsedMillis: Date.now() - started, mainToExitMillis: parseMainToExit(result.stderr) }
}

/** The script's own measure of its end to its exit; a script that did not say fails the test. */
export const mainToExit = (result: ScriptResult): number => {
  if (result.mainToExitMillis === undefined) throw new Error(`the script did not measure its exit:\n${result.stderr}`)
  return result.mainToExitMillis
}
