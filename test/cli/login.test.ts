/**
 * `effect-signalfx login` against the local server's `POST /v2/session`: the password from stdin
 * or typed in a real terminal (tmux) without echo, the session token saved readable by the user
 * alone and used by the commands that follow, a refused login, and neither the password nor the
 * token ever in the output.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import * as fs from "node:fs"
import * as path from "node:path"
import { FakeSignalFx } from "../../src/testing/index.js"
import { freshConfigHome, runCli } from "./run.js"
import { startInTerminal } from "./tmux.js"

const EMAIL = "ops@example.com"
const PASSWORD = "correct-horse-battery-staple"

let server: FakeSignalFx.Server

/** A fresh config folder and the variables that point the command at the server, with no token. */
const setup = () => {
  const configHome = freshConfigHome()
  return {
    configHome,
    tokenFile: path.join(configHome, "effect-signalfx", "token"),
    env: { XDG_CONFIG_HOME: configHome, SPLUNK_API_URL: server.url }
  }
}

/** What `metrics search --json` prints, as far as these tests read it. */
const Metrics = Schema.Array(Schema.Struct({ name: Schema.String }))

const modeOf = (file: string) => fs.statSync(file).mode & 0o777

/** `metrics search` with no token but the one `login` saved: it finds the metric ingested. */
const searchWithSavedToken = async (env: Record<string, string>, extra: ReadonlyArray<string> = []) => {
  const { code, stderr, stdout } = await runCli(["metrics", "search", "sf_metric:login.check", "--json", ...extra], {
    env
  })
  assert.strictEqual(code, 0, stderr)
  const found = Schema.decodeUnknownSync(Metrics)(JSON.parse(stdout))
  assert.deepStrictEqual(found.map((metric) => metric.name), ["login.check"])
}

beforeAll(async () => {
  server = await FakeSignalFx.start({ tokens: ["TOKEN"], users: [{ email: EMAIL, password: PASSWORD }] })
  const response = await fetch(`${server.url}/v2/datapoint`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-SF-Token": "TOKEN" },
    body: JSON.stringify({ gauge: [{ metric: "login.check", value: 1, dimensions: { host: "a" } }] })
  })
  assert.strictEqual(response.status, 200)
})

afterAll(async () => {
  await server.close()
})

describe("effect-signalfx login, the password on stdin", () => {
  it("saves the session token 0600 in a 0700 folder, and the next command uses it", async () => {
    const { env, tokenFile } = setup()
    const { code, stderr, stdout } = await runCli(["login", "--email", EMAIL], { env, stdin: `${PASSWORD}\n` })
    assert.strictEqual(code, 0, stderr)
    assert.strictEqual(modeOf(tokenFile), 0o600)
    assert.strictEqual(modeOf(path.dirname(tokenFile)), 0o700)
    const token = fs.readFileSync(tokenFile, "utf8").trim()
    assert.isAbove(token.length, 10)
    assert.notStrictEqual(token, "TOKEN")
    assert.lengthOf(stdout.trimEnd().split("\n"), 1)
    assert.include(stdout, tokenFile)
    for (const secret of [PASSWORD, token]) {
      assert.notInclude(stdout, secret)
      assert.notInclude(stderr, secret)
    }
    await searchWithSavedToken(env)
  })

  it("saves to --token-file when given, which later commands take with --token-file", async () => {
    const { configHome, env, tokenFile } = setup()
    const chosen = path.join(configHome, "elsewhere", "session")
    const { code, stderr, stdout } = await runCli(["login", "--email", EMAIL, "--token-file", chosen], {
      env,
      stdin: PASSWORD
    })
    assert.strictEqual(code, 0, stderr)
    assert.include(stdout, chosen)
    assert.strictEqual(modeOf(chosen), 0o600)
    assert.isFalse(fs.existsSync(tokenFile))
    await searchWithSavedToken(env, ["--token-file", chosen])
  })

  it("writes the token to stdout with --print, and saves nothing", async () => {
    const { env, tokenFile } = setup()
    const { code, stderr, stdout } = await runCli(["login", "--email", EMAIL, "--print"], {
      env,
      stdin: `${PASSWORD}\r\n`
    })
    assert.strictEqual(code, 0, stderr)
    assert.isFalse(fs.existsSync(tokenFile))
    const token = stdout.trim()
    assert.match(token, /^\S{10,}$/)
    await searchWithSavedToken({ ...env, SPLUNK_ACCESS_TOKEN: token })
  })

  it("exits 3 with a sentence for a wrong password, which appears nowhere, and saves nothing", async () => {
    const { env, tokenFile } = setup()
    const wrong = "not-the-password-0815"
    const { code, stderr, stdout } = await runCli(["login", "--email", EMAIL], { env, stdin: `${wrong}\n` })
    assert.strictEqual(code, 3)
    assert.match(stderr, /^effect-signalfx: the login was refused.*\n$/)
    assert.notInclude(stderr, wrong)
    assert.strictEqual(stdout, "")
    assert.isFalse(fs.existsSync(tokenFile))
  })

  it("exits 2 without --email or without a password when stdin is not a terminal", async () => {
    const { env } = setup()
    const noEmail = await runCli(["login"], { env, stdin: `${PASSWORD}\n` })
    assert.strictEqual(noEmail.code, 2)
    assert.match(noEmail.stderr, /--email/)
    const noPassword = await runCli(["login", "--email", EMAIL], { env })
    assert.strictEqual(noPassword.code, 2)
    assert.match(noPassword.stderr, /no password on stdin/)
  })
})

describe("effect-signalfx login, in a terminal", () => {
  it("asks for the email and the password, shows no trace of the password, and saves a token that works", async () => {
    const { env, tokenFile } = setup()
    const terminal = startInTerminal(["login"], { env })
    try {
      await terminal.waitFor((screen) => screen.includes("Email"), "the email prompt")
      terminal.sendKeys([EMAIL], true)
      terminal.sendKeys(["Enter"])
      await terminal.waitFor((screen) => screen.includes("Password"), "the password prompt")
      terminal.sendKeys([PASSWORD], true)
      terminal.sendKeys(["Enter"])
      assert.strictEqual(await terminal.waitForExit(), 0, terminal.capture())
      const screen = terminal.capture()
      assert.include(screen, EMAIL)
      assert.include(screen, "saved in")
      assert.notInclude(screen, PASSWORD)
      assert.notInclude(screen, "*".repeat(PASSWORD.length))
      const token = fs.readFileSync(tokenFile, "utf8").trim()
      assert.notInclude(screen, token)
      assert.strictEqual(modeOf(tokenFile), 0o600)
    } finally {
      terminal.close()
    }
    await searchWithSavedToken(env)
  })

  it("shows nothing of the password while it is typed", async () => {
    const { env } = setup()
    const terminal = startInTerminal(["login", "--email", EMAIL], { env })
    try {
      await terminal.waitFor((screen) => screen.includes("Password"), "the password prompt")
      // An empty password is refused with a note; the note goes at the next key the prompt reads,
      // which shows that the keys typed after it have arrived.
      terminal.sendKeys(["Enter"])
      await terminal.waitFor((screen) => screen.includes("a password, please"), "the note on an empty password")
      terminal.sendKeys(["secret-typed-so-far"], true)
      const during = await terminal.waitFor(
        // A redraw erases the screen before it draws: wait for the prompt drawn again.
        (screen) => screen.includes("Password") && !screen.includes("a password, please"),
        "the prompt reading the keys typed"
      )
      assert.notInclude(during, "secret-typed")
      assert.notInclude(during, "*****")
      terminal.sendKeys(["C-c"])
      assert.notStrictEqual(await terminal.waitForExit(), 0)
    } finally {
      terminal.close()
    }
  })

  it("exits 3 for a wrong password typed in the terminal", async () => {
    const { env, tokenFile } = setup()
    const terminal = startInTerminal(["login", "--email", EMAIL], { env })
    try {
      await terminal.waitFor((screen) => screen.includes("Password"), "the password prompt")
      terminal.sendKeys(["wrong-typed-password"], true)
      terminal.sendKeys(["Enter"])
      assert.strictEqual(await terminal.waitForExit(), 3)
      const screen = terminal.capture()
      assert.include(screen, "the login was refused")
      assert.notInclude(screen, "wrong-typed-password")
      assert.isFalse(fs.existsSync(tokenFile))
    } finally {
      terminal.close()
    }
  })
})
