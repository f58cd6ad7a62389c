/**
 * Runs the bundled `effect-signalfx` command (test/setup/cliBundle.ts) in a fresh `node` process,
 * its stdout and stderr pipes (so: no terminal, no colours), as a script would.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { inject } from "vitest"

/** The bundled command's entry. */
export const cliBundle = (): string => inject("cliBundle")

export interface CliResult {
  /** `null` when it was killed for overrunning `killAfterMillis`. */
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export interface CliOptions {
  /** Variables over a clean environment (no SPLUNK_*, SIGNALFX_*, proxy or colour variables). */
  readonly env?: Record<string, string | undefined>
  /** Written to its stdin, which is then closed; without it stdin is empty. */
  readonly stdin?: string
  /** Killed after this long (default 25 s): a hung command fails its test, not the run. */
  readonly killAfterMillis?: number
}

/** A fresh config folder per run, so that no test finds a token `login` saved in another. */
export const freshConfigHome = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-cli-config-"))

const CLEARED = /^(SPLUNK_|SIGNALFX_|HTTPS?_PROXY$|NO_PROXY$|NO_COLOR$|FORCE_COLOR$|XDG_CONFIG_HOME$)/i

/** The environment a command runs with: this process's, minus what would change its answers. */
export const cleanEnv = (env: Record<string, string | undefined> = {}): Record<string, string> => {
  const base = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] =>
      entry[1] !== undefined && !CLEARED.test(entry[0])
    )
  )
  const merged: Record<string, string> = { ...base, XDG_CONFIG_HOME: freshConfigHome() }
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete merged[key]
    else merged[key] = value
  }
  return merged
}

/** The variables that point every API at the local server at `url`, with `token`. */
export const localServerEnv = (url: string, token = "TOKEN"): Record<string, string> => ({
  SPLUNK_ACCESS_TOKEN: token,
  SPLUNK_INGEST_URL: url,
  SPLUNK_API_URL: url,
  SPLUNK_STREAM_URL: url
})

/** Runs `effect-signalfx args…` to its end. */
export const runCli = (args: ReadonlyArray<string>, options: CliOptions = {}): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBundle(), ...args], {
      env: cleanEnv(options.env),
      stdio: ["pipe", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.stdin.on("error", () => {}) // a command that exits before reading all of stdin
    child.stdin.end(options.stdin ?? "")
    const killer = setTimeout(() => child.kill("SIGKILL"), options.killAfterMillis ?? 25_000)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(killer)
      resolve({ code, stdout, stderr })
    })
  })
