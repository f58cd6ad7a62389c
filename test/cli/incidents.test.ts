/**
 * `effect-signalfx incidents` against the local server: an incident raised on a detector is
 * listed (table and JSON), cleared, and then listed only with --include-resolved.
 */
import { afterAll, assert, beforeAll, beforeEach, describe, it } from "@effect/vitest"
import { FakeSignalFx } from "../../src/testing/index.js"
import { localServerEnv, runCli } from "./run.js"

const TOKEN = "TOKEN"

interface ListedIncident {
  readonly incidentId: string
  readonly active: boolean
  readonly anomalyState?: string
  readonly detectorId?: string
  readonly detectLabel?: string
  readonly severity?: string
}

let server: FakeSignalFx.Server

beforeAll(async () => {
  server = await FakeSignalFx.start({ tokens: [TOKEN] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const cli = (args: ReadonlyArray<string>, token = TOKEN) => runCli(args, { env: localServerEnv(server.url, token) })

/** A detector made over the REST API, and an incident raised on it as its program would. */
const raiseIncident = async (): Promise<{ readonly detectorId: string; readonly incidentId: string }> => {
  const response = await fetch(`${server.url}/v2/detector`, {
    method: "POST",
    headers: { "x-sf-token": TOKEN, "content-type": "application/json" },
    body: JSON.stringify({
      name: "CLI test: latency",
      programText: "detect(when(data('latency').p99() > 500)).publish('slow')",
      rules: [{ detectLabel: "slow", severity: "Major" }]
    })
  })
  assert.strictEqual(response.status, 200)
  const detector: { id: string } = JSON.parse(await response.text())
  const raised = await fetch(`${server.url}/_fake/incidents`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ detectorId: detector.id })
  })
  assert.strictEqual(raised.status, 200)
  const { id }: { id: string } = JSON.parse(await raised.text())
  return { detectorId: detector.id, incidentId: id }
}

const listed = async (args: ReadonlyArray<string> = []): Promise<Array<ListedIncident>> => {
  const { code, stderr, stdout } = await cli(["incidents", "list", "--json", ...args])
  assert.strictEqual(code, 0, stderr)
  return JSON.parse(stdout)
}

describe("effect-signalfx incidents", () => {
  it("lists a raised incident, clears it, then lists it only with --include-resolved", async () => {
    assert.deepStrictEqual(await listed(), [])
    const { detectorId, incidentId } = await raiseIncident()

    const [incident, ...others] = await listed()
    assert.deepStrictEqual(others, [])
    assert.strictEqual(incident?.incidentId, incidentId)
    assert.strictEqual(incident?.detectorId, detectorId)
    assert.strictEqual(incident?.active, true)
    assert.strictEqual(incident?.detectLabel, "slow")
    assert.strictEqual(incident?.severity, "Major")

    const table = await cli(["incidents", "list"])
    const [heading, row, ...more] = table.stdout.trim().split("\n")
    assert.match(heading ?? "", /^ID\s+DETECTOR\s+LABEL\s+SEVERITY\s+STATE\s+ACTIVE\s+SINCE$/)
    assert.match(
      row ?? "",
      new RegExp(`^${incidentId}\\s+CLI test: latency\\s+slow\\s+Major\\s+ANOMALOUS\\s+yes\\s+\\d{4}-`)
    )
    assert.deepStrictEqual(more, [])

    const cleared = await cli(["incidents", "clear", incidentId])
    assert.strictEqual(cleared.code, 0, cleared.stderr)
    assert.strictEqual(cleared.stdout.trim(), `cleared incident ${incidentId}`)

    assert.deepStrictEqual(await listed(), [])
    const resolved = await listed(["--include-resolved"])
    assert.strictEqual(resolved.length, 1)
    assert.strictEqual(resolved[0]?.incidentId, incidentId)
    assert.strictEqual(resolved[0]?.active, false)
  })

  it("limits the list", async () => {
    await raiseIncident()
    await raiseIncident()
    assert.strictEqual((await listed()).length, 2)
    assert.strictEqual((await listed(["--limit", "1"])).length, 1)
  })

  it("answers an unknown incident with exit code 4", async () => {
    const { code, stderr } = await cli(["incidents", "clear", "no-such-incident"])
    assert.strictEqual(code, 4)
    assert.include(stderr, "no-such-incident")
  })

  it("answers a refused token with exit code 3, never showing it", async () => {
    const secret = "WRONG-SECRET-9876543210"
    for (const args of [["incidents", "list"], ["incidents", "clear", "x"]]) {
      const { code, stderr, stdout } = await cli(args, secret)
      assert.strictEqual(code, 3, `${args.join(" ")}: ${stderr}`)
      assert.notInclude(stderr + stdout, secret)
    }
  })

  it("has help with an example on every subcommand", async () => {
    for (const command of ["list", "clear"]) {
      const { code, stdout } = await runCli(["incidents", command, "--help"])
      assert.strictEqual(code, 0)
      assert.match(stdout, /EXAMPLES[\s\S]*\$ effect-signalfx incidents /, `incidents ${command} --help`)
    }
  })
})
