/**
 * `effect-signalfx detectors` against the local server: detectors as code (apply a folder of
 * YAML and JSON files, again, then changed), validate, get, list, delete, and the exit code and
 * sentence of each kind of failure. The server's state is read over its REST API.
 */
import { afterAll, assert, beforeAll, beforeEach, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { sameValue } from "../../src/internal/cli/detectors/compare.js"
import { readDetectorFile } from "../../src/internal/cli/detectors/files.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { localServerEnv, runCli } from "./run.js"
import { startInTerminal } from "./tmux.js"

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "cli")
const DETECTORS = path.join(FIXTURES, "detectors")
const INVALID = path.join(FIXTURES, "invalid")
const TOKEN = "TOKEN"

interface StoredDetector {
  readonly id: string
  readonly name: string
  readonly programText: string
  readonly description?: string
  readonly tags?: ReadonlyArray<string>
  readonly rules: ReadonlyArray<{ readonly detectLabel: string; readonly severity: string }>
}

interface Applied {
  readonly file: string
  readonly name: string
  readonly action: string
  readonly id?: string
  readonly changed?: ReadonlyArray<string>
  readonly dryRun?: boolean
  readonly exitCode?: number
  readonly error?: string
}

let server: FakeSignalFx.Server

beforeAll(async () => {
  server = await FakeSignalFx.start({ tokens: [TOKEN] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const cli = (args: ReadonlyArray<string>, token = TOKEN) => runCli(args, { env: localServerEnv(server.url, token) })

/** Every detector the server holds, read over its REST API. */
const serverDetectors = async (): Promise<Array<StoredDetector>> => {
  const response = await fetch(`${server.url}/v2/detector?limit=1000`, { headers: { "x-sf-token": TOKEN } })
  assert.strictEqual(response.status, 200)
  const page: { results: Array<StoredDetector> } = JSON.parse(await response.text())
  return page.results
}

/** Creates a detector straight through the REST API, as another tool would. */
const createOnServer = async (body: object): Promise<StoredDetector> => {
  const response = await fetch(`${server.url}/v2/detector`, {
    method: "POST",
    headers: { "x-sf-token": TOKEN, "content-type": "application/json" },
    body: JSON.stringify(body)
  })
  assert.strictEqual(response.status, 200)
  return JSON.parse(await response.text())
}

/** The lines of `--json` output, parsed. */
const jsonLines = <A>(stdout: string): Array<A> =>
  stdout.split("\n").filter((line) => line !== "").map((line): A => JSON.parse(line))

/** The action per file's base name. */
const actions = (applied: ReadonlyArray<Applied>): Record<string, string> =>
  Object.fromEntries(applied.map(({ action, file }) => [path.basename(file), action]))

/** A fresh copy of the fixture folder, to change. */
const copyOfDetectors = (): string => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-detectors-"))
  fs.cpSync(DETECTORS, folder, { recursive: true })
  return folder
}

describe("effect-signalfx detectors apply", () => {
  it("creates a folder of YAML and JSON detectors, then finds them unchanged, then updates the one changed", async () => {
    const folder = copyOfDetectors()
    const first = await cli(["detectors", "apply", folder, "--json"])
    assert.strictEqual(first.code, 0, first.stderr)
    const created = jsonLines<Applied>(first.stdout)
    assert.deepStrictEqual(actions(created), { "cpu.yaml": "created", "disk.yml": "created", "memory.json": "created" })

    const stored = await serverDetectors()
    assert.deepStrictEqual(stored.map((detector) => detector.name).sort(), [
      "CLI test: CPU too high",
      "CLI test: disk full",
      "CLI test: memory low"
    ])
    const cpu = stored.find((detector) => detector.name === "CLI test: CPU too high")
    assert.strictEqual(cpu?.programText.trim().split("\n").length, 2)
    assert.deepStrictEqual(cpu?.tags, ["team-payments", "cli-test"])
    assert.strictEqual(cpu?.id, created.find((applied) => applied.file.endsWith("cpu.yaml"))?.id)

    const again = await cli(["detectors", "apply", folder, "--json"])
    assert.strictEqual(again.code, 0, again.stderr)
    assert.deepStrictEqual(actions(jsonLines(again.stdout)), {
      "cpu.yaml": "unchanged",
      "disk.yml": "unchanged",
      "memory.json": "unchanged"
    })
    assert.deepStrictEqual(await serverDetectors(), stored, "an unchanged apply wrote nothing")

    const memoryFile = path.join(folder, "memory.json")
    fs.writeFileSync(
      memoryFile,
      fs.readFileSync(memoryFile, "utf8").replace("< 10", "< 5").replace("Major", "Critical")
    )
    const dryRun = await cli(["detectors", "apply", folder, "--dry-run", "--json"])
    assert.strictEqual(dryRun.code, 0, dryRun.stderr)
    const planned = jsonLines<Applied>(dryRun.stdout).find((applied) => applied.file === memoryFile)
    assert.strictEqual(planned?.action, "updated")
    assert.strictEqual(planned?.dryRun, true)
    assert.deepStrictEqual(await serverDetectors(), stored, "a dry run wrote nothing")

    const changed = await cli(["detectors", "apply", folder])
    assert.strictEqual(changed.code, 0, changed.stderr)
    const lines = changed.stdout.trim().split("\n")
    assert.match(
      lines.find((line) => line.includes("memory.json")) ?? "",
      /^updated\s.*\(id [^;]+; programText, rules\)$/
    )
    assert.match(lines.find((line) => line.includes("cpu.yaml")) ?? "", /^unchanged\s/)

    const got = await cli(["detectors", "get", "CLI test: memory low", "--json"])
    assert.strictEqual(got.code, 0, got.stderr)
    const memory: StoredDetector = JSON.parse(got.stdout)
    assert.include(memory.programText, "< 5")
    assert.strictEqual(memory.rules[0]?.severity, "Critical")
    assert.strictEqual((await serverDetectors()).length, 3)

    const last = await cli(["detectors", "apply", folder, "--json"])
    assert.deepStrictEqual(
      new Set(jsonLines<Applied>(last.stdout).map((applied) => applied.action)),
      new Set(["unchanged"])
    )
  })

  it("takes back what `detectors get --json` printed as unchanged", async () => {
    assert.strictEqual((await cli(["detectors", "create", path.join(DETECTORS, "cpu.yaml")])).code, 0)
    const got = await cli(["detectors", "get", "CLI test: CPU too high", "--json"])
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-detectors-"))
    const exported = path.join(folder, "cpu.json")
    fs.writeFileSync(exported, got.stdout)
    const applied = await cli(["detectors", "apply", exported, "--json"])
    assert.strictEqual(applied.code, 0, applied.stderr)
    assert.deepStrictEqual(jsonLines<Applied>(applied.stdout).map((line) => line.action), ["unchanged"])
  })

  it("refuses a name two detectors on the server share, naming both ids, and goes on with the other files", async () => {
    const twice = {
      name: "CLI test: memory low",
      programText: "detect(when(data('memory.free').mean() < 10)).publish('memory low')",
      rules: [{ detectLabel: "memory low", severity: "Major" }]
    }
    const one = await createOnServer(twice)
    const other = await createOnServer(twice)
    const { code, stderr, stdout } = await cli(["detectors", "apply", DETECTORS])
    assert.strictEqual(code, 2)
    assert.include(stderr, "memory.json")
    assert.include(stderr, one.id)
    assert.include(stderr, other.id)
    assert.include(stderr, "1 of 3 detector file(s) not applied; each file")
    assert.match(stdout, /^created\s.*cpu\.yaml/m)
    const stored = await serverDetectors()
    assert.strictEqual(stored.filter((detector) => detector.name === twice.name).length, 2)
    assert.strictEqual(stored.length, 4)
  })

  it("names the file and line of malformed YAML and JSON with exit code 2, and applies the other files", async () => {
    const folder = copyOfDetectors()
    fs.copyFileSync(path.join(INVALID, "malformed.yaml"), path.join(folder, "malformed.yaml"))
    fs.copyFileSync(path.join(INVALID, "malformed.json"), path.join(folder, "malformed.json"))
    const { code, stderr, stdout } = await cli(["detectors", "apply", folder])
    assert.strictEqual(code, 2)
    assert.include(stderr, `cannot parse ${path.join(folder, "malformed.yaml")} at line 5:`)
    assert.include(stderr, `cannot parse ${path.join(folder, "malformed.json")} at line 4:`)
    assert.strictEqual(stdout.trim().split("\n").filter((line) => line.startsWith("created")).length, 3)
    assert.strictEqual((await serverDetectors()).length, 3)
  })

  it("refuses a file without a name with exit code 2 naming the file", async () => {
    const file = path.join(INVALID, "no-name.json")
    const { code, stderr } = await cli(["detectors", "apply", file])
    assert.strictEqual(code, 2)
    assert.strictEqual(stderr.trim(), `effect-signalfx: ${file} is not a detector: it has no name`)
    assert.deepStrictEqual(await serverDetectors(), [])
  })

  it("shows a progress line on a terminal while the API is slow, and clears it", async () => {
    server.fault("/v2/detector", [FakeSignalFx.delay(3_000)])
    const terminal = startInTerminal(["detectors", "apply", DETECTORS], { env: localServerEnv(server.url) })
    try {
      await terminal.waitFor((screen) => /applying 1 of 3: .*cpu\.yaml/.test(screen), "the progress line")
      // The result starts its own row: the progress line was cleared, not written after.
      await terminal.waitFor(
        (screen) => /^created\s+\S*cpu\.yaml/m.test(screen),
        "cpu.yaml's result on a row of its own"
      )
      assert.strictEqual(await terminal.waitForExit(), 0)
      assert.notInclude(terminal.capture(), "applying")
      assert.strictEqual((await serverDetectors()).length, 3)
    } finally {
      terminal.close()
    }
  })

  it("refuses two files of one name", async () => {
    const folder = copyOfDetectors()
    fs.copyFileSync(path.join(folder, "cpu.yaml"), path.join(folder, "cpu-copy.yaml"))
    const { code, stderr } = await cli(["detectors", "apply", folder])
    assert.strictEqual(code, 2)
    assert.include(stderr, "each detector needs a name of its own")
    assert.notInclude((await serverDetectors()).map((detector) => detector.name), "CLI test: CPU too high")
  })
})

describe("effect-signalfx detectors validate, create, update", () => {
  it("validates good detectors without creating them", async () => {
    const { code, stderr, stdout } = await cli(["detectors", "validate", DETECTORS])
    assert.strictEqual(code, 0, stderr)
    assert.strictEqual(stdout.trim().split("\n").filter((line) => line.startsWith("valid")).length, 3)
    assert.deepStrictEqual(await serverDetectors(), [])
  })

  it("answers a program that does not parse with exit code 6 and the service's reason", async () => {
    const file = path.join(INVALID, "bad-program.yaml")
    const { code, stderr, stdout } = await cli(["detectors", "validate", file])
    assert.strictEqual(code, 6)
    assert.strictEqual(stdout, "")
    assert.match(
      stderr.trim(),
      new RegExp(`^effect-signalfx: ${file}: the service refused the detector: Invalid SignalFlow program: .*line 1`)
    )
    const created = await cli(["detectors", "create", file])
    assert.strictEqual(created.code, 6)
    assert.deepStrictEqual(await serverDetectors(), [])
  })

  it("creates once, refuses to create a name again, and updates only by a name that exists", async () => {
    const file = path.join(DETECTORS, "disk.yml")
    const created = await cli(["detectors", "create", file, "--json"])
    assert.strictEqual(created.code, 0, created.stderr)
    const [applied] = jsonLines<Applied>(created.stdout)
    const again = await cli(["detectors", "create", file])
    assert.strictEqual(again.code, 2)
    assert.include(again.stderr, `exists (id ${applied?.id})`)
    assert.strictEqual((await serverDetectors()).length, 1)

    const unknown = await cli(["detectors", "update", path.join(DETECTORS, "cpu.yaml")])
    assert.strictEqual(unknown.code, 4)
    assert.include(unknown.stderr, "no detector is named \"CLI test: CPU too high\"")
    const unchanged = await cli(["detectors", "update", file, "--json"])
    assert.strictEqual(unchanged.code, 0, unchanged.stderr)
    assert.deepStrictEqual(jsonLines<Applied>(unchanged.stdout).map((line) => line.action), ["unchanged"])
  })
})

describe("effect-signalfx detectors list, get, delete", () => {
  it("lists detectors as a table and as JSON, filtered by name and limited", async () => {
    assert.strictEqual((await cli(["detectors", "apply", DETECTORS])).code, 0)
    const table = await cli(["detectors", "list"])
    assert.strictEqual(table.code, 0, table.stderr)
    const [heading, ...rows] = table.stdout.trim().split("\n")
    assert.match(heading ?? "", /^ID\s+NAME\s+RULES\s+TAGS\s+LAST UPDATED$/)
    assert.strictEqual(rows.length, 3)
    assert.isTrue(rows.some((row) => row.includes("CLI test: disk full") && row.includes("disk full (Warning)")))

    const filtered = await cli(["detectors", "list", "--name", "memory", "--json"])
    const named: Array<StoredDetector> = JSON.parse(filtered.stdout)
    assert.deepStrictEqual(named.map((detector) => detector.name), ["CLI test: memory low"])
    const limited: Array<StoredDetector> = JSON.parse(
      (await cli(["detectors", "list", "--limit", "2", "--json"])).stdout
    )
    assert.strictEqual(limited.length, 2)
    const zero = await cli(["detectors", "list", "--limit", "0"])
    assert.strictEqual(zero.code, 2)
  })

  it("gets a detector by id or name, deletes it, and then answers not found with exit code 4", async () => {
    const detector = await createOnServer({
      name: "CLI test: to delete",
      programText: "detect(when(data('x').mean() > 1)).publish('x high')",
      rules: [{ detectLabel: "x high", severity: "Info" }]
    })
    const byId = await cli(["detectors", "get", detector.id])
    assert.strictEqual(byId.code, 0, byId.stderr)
    assert.match(byId.stdout, /^name\s+CLI test: to delete$/m)
    assert.match(byId.stdout, /^rule\s+x high \(Info\)$/m)
    assert.include(byId.stdout, "detect(when(data('x').mean() > 1)).publish('x high')")
    const byName: StoredDetector = JSON.parse((await cli(["detectors", "get", "CLI test: to delete", "--json"])).stdout)
    assert.strictEqual(byName.id, detector.id)

    const deleted = await cli(["detectors", "delete", detector.id])
    assert.strictEqual(deleted.code, 0, deleted.stderr)
    assert.deepStrictEqual(await serverDetectors(), [])
    const gone = await cli(["detectors", "get", detector.id])
    assert.strictEqual(gone.code, 4)
    assert.strictEqual(gone.stderr.trim(), `effect-signalfx: no detector has the id or name "${detector.id}"`)
    const deletedAgain = await cli(["detectors", "delete", detector.id])
    assert.strictEqual(deletedAgain.code, 4)
  })

  it("answers a refused token with exit code 3, never showing it", async () => {
    const secret = "WRONG-SECRET-0123456789"
    for (const args of [["detectors", "list"], ["detectors", "apply", DETECTORS], ["detectors", "get", "x"]]) {
      const { code, stderr, stdout } = await cli(args, secret)
      assert.strictEqual(code, 3, `${args.join(" ")}: ${stderr}`)
      assert.include(stderr, "token was refused")
      assert.notInclude(stderr + stdout, secret)
    }
    assert.deepStrictEqual(await serverDetectors(), [])
  })

  it("has help with an example on every subcommand", async () => {
    for (const command of ["list", "get", "validate", "create", "update", "apply", "delete"]) {
      const { code, stdout } = await runCli(["detectors", command, "--help"])
      assert.strictEqual(code, 0)
      assert.match(stdout, /EXAMPLES[\s\S]*\$ effect-signalfx detectors /, `detectors ${command} --help`)
    }
  })
})

describe("detector files", () => {
  /** The failure reading `text` as the file `name`. */
  const failureOf = (name: string, text: string): string => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-detector-file-")), name)
    fs.writeFileSync(file, text)
    return Effect.runSync(Effect.flip(readDetectorFile(file))).message.replace(file, "FILE")
  }

  it("names the line of a JSON fault, whether or not Node's message gives its position", () => {
    const faults: ReadonlyArray<readonly [text: string, line: number]> = [
      ["{\n\"name\": \"a\",\n\"rules\": [1,\n 2,]\n}", 4],
      ["{\n\"name\": \"a\",\n}", 3],
      ["{\n\"name\": \"a\"\n\"rules\": []\n}", 3],
      ["{\"name\":\n\"a\",\n\n\"tags\": [1,2],\n\"rules\": {\"d\": [ }\n}\n", 5],
      ["{\"name\": \"a\"}\n\n}", 3]
    ]
    for (const [text, line] of faults) {
      assert.match(failureOf("detector.json", text), new RegExp(`^cannot parse FILE at line ${line}: `), text)
    }
  })

  it("bounds the file and refuses what is no detector", () => {
    assert.include(failureOf("big.yaml", `name: ${"x".repeat(1024 * 1024)}`), "over the 1 MiB a detector file may have")
    assert.include(failureOf("list.yaml", "- a\n- b\n"), "is not a detector: it holds no mapping")
    assert.include(
      failureOf("rules.yaml", "name: a\nprogramText: p\nrules:\n  - detectLabel: l\n"),
      "rules[0] has no severity"
    )
    assert.include(failureOf("detector.txt", "{}"), "must end in .json, .yaml or .yml")
    assert.include(
      failureOf("aliases.yaml", `a: &a [x, x]\n${Array.from({ length: 200 }, (_, i) => `k${i}: *a`).join("\n")}`),
      "cannot parse"
    )
  })

  it("compares only what the file sets, letting the service add defaults inside a field", () => {
    assert.isTrue(sameValue([{ detectLabel: "l", severity: "Major" }], [
      { detectLabel: "l", severity: "Major", notifications: [], disabled: false, parameterizedBody: null }
    ]))
    assert.isFalse(sameValue([{ detectLabel: "l", severity: "Major" }], [
      { detectLabel: "l", severity: "Major", disabled: true }
    ]))
    assert.isFalse(sameValue(["a", "b"], ["b", "a"]))
    assert.isTrue(sameValue("", undefined))
    assert.isFalse(sameValue({ a: 1 }, { a: "1" }))
  })
})
