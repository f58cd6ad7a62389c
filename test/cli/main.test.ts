/* eslint-disable no-control-regex -- the tests look for terminal escapes */
/**
 * The command as a whole: help on every command, usage mistakes, exit codes, colours, and the
 * local server as a subcommand.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { FakeSignalFx } from "../../src/testing/index.js"
import { cleanEnv, cliBundle, runCli } from "./run.js"
import { startInTerminal } from "./tmux.js"

/** Every command, by the words that name it. */
const COMMANDS = [
  ["send"],
  ["event"],
  ["signalflow"],
  ["metrics"],
  ["dimensions"],
  ["timeseries"],
  ["tags"],
  ["detectors"],
  ["incidents"],
  ["login"],
  ["server"]
]

describe("effect-signalfx", () => {
  it("lists every command in its help, with examples, and exits 0", async () => {
    const { code, stderr, stdout } = await runCli(["--help"])
    assert.strictEqual(code, 0, stderr)
    for (const [name] of COMMANDS) assert.match(stdout, new RegExp(`- ${name}\\b`))
    assert.include(stdout, "EXAMPLES")
    assert.include(stdout, "$ effect-signalfx send gauge")
    assert.strictEqual(stderr, "")
  })

  it("has help with an example on every command", async () => {
    for (const words of COMMANDS) {
      const { code, stderr, stdout } = await runCli([...words, "--help"])
      assert.strictEqual(code, 0, `${words.join(" ")}: ${stderr}`)
      assert.match(stdout, /EXAMPLES[\s\S]*\$ effect-signalfx /, `${words.join(" ")} --help shows no example`)
    }
  })

  it("answers an unknown command with exit code 2 and a sentence naming the commands", async () => {
    const { code, stderr, stdout } = await runCli(["sned"])
    assert.strictEqual(code, 2)
    assert.include(stderr, "'send'")
    assert.strictEqual(stdout, "")
  })

  it("prints no colour codes when its output is not a terminal", async () => {
    const { stdout } = await runCli(["--help"])
    assert.notMatch(stdout, /\u001b\[/)
  })

  it("colours its help on a terminal, and not with NO_COLOR", async () => {
    const coloured = startInTerminal(["--help"])
    const plain = startInTerminal(["--help"], { env: { NO_COLOR: "1" } })
    try {
      assert.strictEqual(await coloured.waitForExit(), 0)
      assert.strictEqual(await plain.waitForExit(), 0)
      assert.match(coloured.capture(true, true), /\u001b\[[0-9;]*m/)
      assert.include(plain.capture(false, true), "EXAMPLES")
      assert.notMatch(plain.capture(true, true), /\u001b\[[0-9;]*m/)
    } finally {
      coloured.close()
      plain.close()
    }
  })

  it("draws its prompts without colours with NO_COLOR, and with them otherwise", async () => {
    const coloured = startInTerminal(["login"])
    const plain = startInTerminal(["login"], { env: { NO_COLOR: "1" } })
    try {
      await coloured.waitFor((screen) => screen.includes("Email"), "login's email prompt")
      await plain.waitFor((screen) => screen.includes("Email"), "login's email prompt")
      assert.match(coloured.capture(true), /\u001b\[[0-9;]*m/)
      assert.notMatch(plain.capture(true), /\u001b\[[0-9;]*m/)
      // ^C at the prompt: the login is given up.
      plain.sendKeys(["C-c"])
      assert.strictEqual(await plain.waitForExit(), 130)
    } finally {
      coloured.close()
      plain.close()
    }
  })

  it("writes shell completions that complete commands and their options in bash", async () => {
    const { code, stdout } = await runCli(["--completions", "bash"])
    assert.strictEqual(code, 0)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-completions-"))
    const script = path.join(dir, "completions.bash")
    fs.writeFileSync(script, stdout)
    /** What bash offers after these words, as the completion function answers it. */
    const complete = (words: ReadonlyArray<string>): Array<string> =>
      execFileSync("bash", [
        "-c",
        `source "$0"; COMP_WORDS=(${words.map((word) => `'${word}'`).join(" ")}); COMP_CWORD=${words.length - 1}; ` +
        `_effect-signalfx_bash_completions effect-signalfx '${words.at(-1)}' '${words.at(-2)}'; ` +
        `printf '%s\\n' "\${COMPREPLY[@]}"`,
        script
      ], { encoding: "utf8" }).split("\n").filter((word) => word !== "")
    try {
      assert.deepStrictEqual(complete(["effect-signalfx", "se"]).sort(), ["send", "server"])
      assert.includeMembers(complete(["effect-signalfx", "server", "--p"]), ["--port"])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
    for (const shell of ["zsh", "fish"]) {
      const other = await runCli(["--completions", shell])
      assert.strictEqual(other.code, 0)
      assert.include(other.stdout, "effect-signalfx")
    }
  })
})

describe("effect-signalfx server", () => {
  let server: FakeSignalFx.Server
  beforeAll(async () => {
    server = await FakeSignalFx.start()
  })
  afterAll(() => server.close())

  it("serves the local server until interrupted", async () => {
    const child = spawn(process.execPath, [cliBundle(), "server", "--port", "0", "--token", "SECRET"], {
      env: cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    const listening = new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk
        const match = /listening on (http:\/\/\S+)/.exec(stdout)
        if (match?.[1] !== undefined) resolve(match[1])
      })
      child.on("close", () => reject(new Error(`exited before listening: ${stdout}`)))
    })
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve))
    try {
      const url = await listening
      assert.include(stdout, "accepting 1 token(s)")
      assert.notInclude(stdout, "SECRET")
      const refused = await fetch(`${url}/v2/datapoint`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-sf-token": "WRONG" },
        body: "{}"
      })
      assert.strictEqual(refused.status, 401)
    } finally {
      child.kill("SIGINT")
    }
    assert.strictEqual(await closed, 130)
  })
})
