/**
 * The README's recorded session (between `<!-- cli-session:begin -->` and `<!-- cli-session:end -->`)
 * is typed again, key by key, into a real terminal (tmux, a bash) against the local server, and
 * the terminal must show what the README shows: the same commands, the same output, the same
 * exit code. Only what changes from run to run is set aside: times (ISO and in milliseconds) and
 * the ids the server gives.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { FakeSignalFx } from "../../src/testing/index.js"
import { localServerEnv } from "./run.js"
import { startShellInTerminal } from "./tmux.js"

const root = path.resolve(import.meta.dirname, "../..")

/** The session as the README shows it, a terminal's lines. */
const recorded = (): Array<string> => {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8")
  const match = /<!-- cli-session:begin -->\s*```text\n([\s\S]*?)\n```\s*<!-- cli-session:end -->/.exec(readme)
  if (match?.[1] === undefined) throw new Error("README.md has no recorded session between the cli-session markers")
  return match[1].split("\n")
}

/** What changes from run to run, each made one placeholder. */
const normalize = (lines: ReadonlyArray<string>): Array<string> =>
  lines.map((line) =>
    line
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, "<time>")
      .replace(/\b\d{13}\b/g, "<ms>")
      .replace(/\(id [^)]+\)/g, "(id <id>)")
      .trimEnd()
  )

/** The lines typed: each `$ ` line with the `> ` lines that continue it. */
const commandsOf = (lines: ReadonlyArray<string>): Array<Array<string>> => {
  const commands: Array<Array<string>> = []
  for (const line of lines) {
    if (line.startsWith("$ ")) commands.push([line.slice(2)])
    else if (line.startsWith("> ")) commands.at(-1)?.push(line.slice(2))
  }
  return commands
}

const COLUMNS = 120

describe("the README's recorded session", () => {
  let server: FakeSignalFx.Server
  beforeAll(async () => {
    server = await FakeSignalFx.start()
  })
  afterAll(() => server.close())

  it("shows, typed again in a terminal, what the README shows", async () => {
    const session = recorded()
    const terminal = startShellInTerminal({
      env: localServerEnv(server.url, "demo"),
      columns: COLUMNS,
      rows: 80,
      cwd: root
    })
    try {
      await terminal.waitFor((screen) => screen.endsWith("$"), "the shell's prompt")
      const commands = commandsOf(session)
      for (const [index, lines] of commands.entries()) {
        for (const line of lines) {
          terminal.sendKeys([line], true)
          terminal.sendKeys(["Enter"])
        }
        // Done when the prompt is back: one more `$` line than commands typed.
        await terminal.waitFor(
          (screen) =>
            screen.endsWith("$") && screen.split("\n").filter((line) => line.startsWith("$")).length === index + 2,
          `the prompt after ${lines[0]}`
        )
      }
      const shown = terminal.capture(false, true).split("\n")
      assert.deepStrictEqual(normalize(shown.slice(0, -1)), normalize(session))
    } finally {
      terminal.close()
    }
  }, 120_000)

  it("has lines a terminal of its width shows unwrapped", () => {
    for (const line of recorded()) assert.isAtMost(line.length, COLUMNS, line)
  })
})
