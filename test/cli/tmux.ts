/**
 * A real terminal for the command's interactive parts (the live display, the prompt, the password
 * prompt): tmux, on a server of its own per test file, a window of a fixed size. Tests type with
 * `sendKeys` and read the screen with `capture`, as a person would see it.
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { cleanEnv, cliBundle } from "./run.js"

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

export interface Terminal {
  /** Types keys, as tmux's send-keys names them (`"C-c"`, `"Enter"`, `"C-d"`), or text with `literal`. */
  readonly sendKeys: (keys: ReadonlyArray<string>, literal?: boolean) => void
  /**
   * The screen's text now, one string per row, trailing spaces removed; with `escapes`, its colour
   * codes too; with `history`, what scrolled off the top before it.
   */
  readonly capture: (escapes?: boolean, history?: boolean) => string
  /** Waits until the screen satisfies `done` (polling), or fails naming what it last showed. */
  readonly waitFor: (done: (screen: string) => boolean, what: string, timeoutMillis?: number) => Promise<string>
  /** The command's exit code once it ended, else `undefined`. */
  readonly exitCode: () => number | undefined
  /** Waits for the command to end; resolves with its exit code. */
  readonly waitForExit: (timeoutMillis?: number) => Promise<number>
  /** Ends the session and its tmux server. */
  readonly close: () => void
}

let sessions = 0

/** Where and how a terminal starts. */
export interface TerminalOptions {
  /** Variables over a clean environment (a terminal's: `TERM=xterm-256color`, no `NO_COLOR` unless given). */
  readonly env?: Record<string, string | undefined>
  readonly columns?: number
  readonly rows?: number
  /** The working directory (default this process's). */
  readonly cwd?: string
}

/** Quoted for `sh`: one word whatever it holds. */
const shellWord = (word: string): string => `'${word.replaceAll("'", "'\\''")}'`

/**
 * Starts `effect-signalfx args…` in a new tmux window of `columns`×`rows` (default 120×40).
 */
export const startInTerminal = (args: ReadonlyArray<string>, options: TerminalOptions = {}): Terminal =>
  startCommandInTerminal([process.execPath, cliBundle(), ...args].map(shellWord).join(" "), options)

/**
 * Starts an interactive bash (no profile, prompts `$ ` and `> `) in which `effect-signalfx` runs
 * the bundled command, as a person's shell would: for sessions typed key by key.
 */
export const startShellInTerminal = (options: TerminalOptions = {}): Terminal => {
  // A folder first in PATH holds the command as an install's bin would: a script running the bundle.
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-bin-"))
  fs.writeFileSync(
    path.join(bin, "effect-signalfx"),
    `#!/bin/sh\nexec ${shellWord(process.execPath)} ${shellWord(cliBundle())} "$@"\n`,
    { mode: 0o755 }
  )
  // Set in the command: tmux gives a new window its own PATH, and sh its own prompt, whatever `-e` says.
  const terminal = startCommandInTerminal(
    `PATH=${shellWord(bin)}:"$PATH" PS1='$ ' PS2='> ' exec bash --norc --noprofile`,
    options
  )
  return {
    ...terminal,
    close: () => {
      terminal.close()
      fs.rmSync(bin, { recursive: true, force: true })
    }
  }
}

const startCommandInTerminal = (command: string, options: TerminalOptions): Terminal => {
  const socket = `effect-signalfx-test-${process.pid}-${sessions++}`
  const env = cleanEnv({ TERM: "xterm-256color", ...options.env })
  // tmux's own environment is the clean one too: a window starts from the server's environment
  // (which `-e` only adds to), so a NO_COLOR of the test run's would otherwise reach the command.
  const tmux = (...tmuxArgs: Array<string>) =>
    execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...tmuxArgs], { encoding: "utf8", env })
  const exitFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-tmux-")), "exit-code")
  tmux(
    "new-session",
    "-d",
    "-x",
    String(options.columns ?? 120),
    "-y",
    String(options.rows ?? 40),
    ...(options.cwd === undefined ? [] : ["-c", options.cwd]),
    ...Object.entries(env).flatMap(([key, value]) => ["-e", `${key}=${value}`]),
    "sh",
    "-c",
    // The window stays after the command ends, so that its last screen can be read; the shell
    // writes the exit code to a file (tmux's own pane_dead_status is at times left empty). The
    // shell outlives a ^C to write it: its trap catches SIGINT (the command gets it as usual).
    `tmux -L ${socket} set-option -w remain-on-exit on >/dev/null; trap : INT; ${command}; echo $? > '${exitFile}'`
  )
  const exitCode = () => {
    const written = fs.existsSync(exitFile) ? fs.readFileSync(exitFile, "utf8").trim() : ""
    return /^\d+$/.test(written) ? Number(written) : undefined
  }
  const capture = (escapes = false, history = false) =>
    tmux("capture-pane", "-p", ...(escapes ? ["-e"] : []), ...(history ? ["-S", "-"] : [])).split("\n").map((line) =>
      line.trimEnd()
    ).join("\n").replace(
      /\n+$/,
      ""
    )
  return {
    sendKeys: (keys, literal = false) => void tmux("send-keys", ...(literal ? ["-l"] : []), ...keys),
    capture,
    waitFor: async (done, what, timeoutMillis = 20_000) => {
      const deadline = Date.now() + timeoutMillis
      for (;;) {
        const screen = capture()
        if (done(screen)) return screen
        if (Date.now() > deadline) throw new Error(`the terminal never showed ${what}; it showed:\n${screen}`)
        await sleep(100)
      }
    },
    exitCode,
    waitForExit: async (timeoutMillis = 20_000) => {
      const deadline = Date.now() + timeoutMillis
      for (;;) {
        const code = exitCode()
        if (code !== undefined) return code
        if (Date.now() > deadline) throw new Error(`the command did not end; the terminal shows:\n${capture()}`)
        await sleep(100)
      }
    },
    close: () => {
      try {
        tmux("kill-server")
      } catch {
        // Already gone.
      }
      fs.rmSync(path.dirname(exitFile), { recursive: true, force: true })
    }
  }
}
