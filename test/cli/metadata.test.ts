/**
 * `effect-signalfx metrics | dimensions | timeseries | tags` against the local server: searches
 * and reads parsed from `--json` and found in the tables, the bound on searches, tag and
 * property updates read back, tags created, changed and deleted, and the exit codes of a missing
 * object, a refused token and a usage mistake.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { FakeSignalFx } from "../../src/testing/index.js"
import { localServerEnv, runCli } from "./run.js"

const TOKEN = "TOKEN"

let server: FakeSignalFx.Server

/** Sends datapoints to the server, which makes their metrics, dimensions and time series. */
const ingest = async (gauges: ReadonlyArray<{ metric: string; dimensions: Record<string, string> }>) => {
  const response = await fetch(`${server.url}/v2/datapoint`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-SF-Token": TOKEN },
    body: JSON.stringify({ gauge: gauges.map((gauge) => ({ ...gauge, value: 1 })) })
  })
  assert.strictEqual(response.status, 200, await response.text())
}

const cli = (args: ReadonlyArray<string>, env: Record<string, string | undefined> = {}) =>
  runCli(args, { env: { ...localServerEnv(server.url, TOKEN), ...env } })

/** Runs a command that must succeed and parses its JSON output. */
const json = async (args: ReadonlyArray<string>): Promise<unknown> => {
  const { code, stderr, stdout } = await cli([...args, "--json"])
  assert.strictEqual(code, 0, stderr)
  return JSON.parse(stdout)
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const records = (value: unknown): ReadonlyArray<Record<string, unknown>> => {
  assert.isArray(value)
  return Array.isArray(value) ? value.filter(isRecord) : []
}

const record = (value: unknown): Record<string, unknown> => {
  assert.isTrue(isRecord(value), `not an object: ${JSON.stringify(value)}`)
  return isRecord(value) ? value : {}
}

/** The rows of a table, each split into its cells (two or more spaces apart). */
const tableRows = (stdout: string): ReadonlyArray<ReadonlyArray<string>> =>
  stdout.trimEnd().split("\n").map((line) => line.trim().split(/ {2,}/))

beforeAll(async () => {
  server = await FakeSignalFx.start({ tokens: [TOKEN] })
  await ingest([
    { metric: "cpu.utilization", dimensions: { host: "web-1", env: "prod" } },
    { metric: "cpu.idle", dimensions: { host: "web-2" } },
    { metric: "memory.free", dimensions: { host: "web-1" } }
  ])
})

afterAll(async () => {
  await server.close()
})

describe("effect-signalfx metrics", () => {
  it("searches metrics: JSON for scripts, a table for people", async () => {
    const found = records(await json(["metrics", "search", "sf_metric:cpu.*"]))
    assert.deepStrictEqual(found.map((metric) => metric.name).sort(), ["cpu.idle", "cpu.utilization"])
    assert.isTrue(found.every((metric) => metric.type === "GAUGE"))

    const { code, stderr, stdout } = await cli(["metrics", "search", "sf_metric:cpu.*"])
    assert.strictEqual(code, 0, stderr)
    const [heading, ...rows] = tableRows(stdout)
    assert.deepStrictEqual(heading, ["NAME", "TYPE", "DESCRIPTION", "TAGS", "PROPERTIES"])
    assert.deepStrictEqual(rows.map((row) => row.slice(0, 2)).sort(), [["cpu.idle", "GAUGE"], [
      "cpu.utilization",
      "GAUGE"
    ]])
    assert.strictEqual(stderr, "")
  })

  it("shows at most --limit results and says on stderr that more match", async () => {
    const { code, stderr, stdout } = await cli(["metrics", "search", "sf_metric:*", "--limit", "2", "--json"])
    assert.strictEqual(code, 0, stderr)
    assert.lengthOf(records(JSON.parse(stdout)), 2)
    assert.match(stderr, /more metrics match than the 2 shown/)

    const all = await cli(["metrics", "search", "sf_metric:*", "--limit", "3", "--json"])
    assert.lengthOf(records(JSON.parse(all.stdout)), 3)
    assert.strictEqual(all.stderr, "")
  })

  it("says so when nothing matches", async () => {
    const { code, stderr, stdout } = await cli(["metrics", "search", "sf_metric:nothing.here"])
    assert.strictEqual(code, 0, stderr)
    assert.strictEqual(stdout, "")
    assert.match(stderr, /no metrics match/)
    assert.deepStrictEqual(await json(["metrics", "search", "sf_metric:nothing.here"]), [])
  })

  it("gets a metric, and changes its description, tags and properties keeping the rest", async () => {
    const metric = record(await json(["metrics", "get", "memory.free"]))
    assert.strictEqual(metric.name, "memory.free")
    assert.strictEqual(metric.type, "GAUGE")

    const updated = record(
      await json([
        "metrics",
        "update",
        "memory.free",
        "--description",
        "free memory",
        "--tag",
        "critical",
        "--property",
        "owner=sre"
      ])
    )
    assert.deepStrictEqual(updated.tags, ["critical"])
    assert.deepStrictEqual(updated.customProperties, { owner: "sre" })

    const changed = record(await json(["metrics", "update", "memory.free", "--remove-tag", "critical"]))
    assert.deepStrictEqual(changed.tags, [])
    assert.deepStrictEqual(changed.customProperties, { owner: "sre" })
    assert.strictEqual(changed.description, "free memory")

    const { code, stderr, stdout } = await cli(["metrics", "get", "memory.free"])
    assert.strictEqual(code, 0, stderr)
    const fields = Object.fromEntries(tableRows(stdout).map(([field, ...value]) => [field, value.join("  ")]))
    assert.strictEqual(fields.name, "memory.free")
    assert.strictEqual(fields.description, "free memory")
    assert.strictEqual(fields["custom properties"], "owner=sre")
  })

  it("exits 4 with one sentence for a metric that does not exist", async () => {
    const { code, stderr, stdout } = await cli(["metrics", "get", "no.such.metric"])
    assert.strictEqual(code, 4)
    assert.strictEqual(stdout, "")
    assert.match(stderr, /^effect-signalfx: .*no\.such\.metric.*\n$/)
    const update = await cli(["metrics", "update", "no.such.metric", "--tag", "x"])
    assert.strictEqual(update.code, 4)
  })

  it("exits 3 for a refused token, naming it nowhere, and for no token at all", async () => {
    const secret = "WRONG-SECRET-TOKEN-4711"
    const { code, stderr, stdout } = await cli(["metrics", "search", "sf_metric:*"], { SPLUNK_ACCESS_TOKEN: secret })
    assert.strictEqual(code, 3)
    assert.strictEqual(stdout, "")
    assert.match(stderr, /^effect-signalfx: .*refused.*\n$/)
    assert.notInclude(stderr, secret)
    assert.notInclude(stderr, "    at ")

    const none = await cli(["metrics", "get", "cpu.idle"], { SPLUNK_ACCESS_TOKEN: undefined })
    assert.strictEqual(none.code, 3)
    assert.match(none.stderr, /no access token/)
  })

  it("exits 7 for a query the service refuses, 2 for a name no request can carry", async () => {
    const refused = await cli(["metrics", "search", "((("])
    assert.strictEqual(refused.code, 7, refused.stderr)
    assert.match(refused.stderr, /^effect-signalfx: .*HTTP 400.*\n$/)

    const empty = await cli(["metrics", "get", ""])
    assert.strictEqual(empty.code, 2, empty.stderr)
  })

  it("exits 2 for a usage mistake it finds itself", async () => {
    const zero = await cli(["metrics", "search", "sf_metric:*", "--limit", "0"])
    assert.strictEqual(zero.code, 2)
    assert.match(zero.stderr, /--limit 0/)
    const nothing = await cli(["metrics", "update", "cpu.idle"])
    assert.strictEqual(nothing.code, 2)
    assert.match(nothing.stderr, /nothing to change/)
    const malformed = await cli(["metrics", "update", "cpu.idle", "--property", "no-equals"])
    assert.strictEqual(malformed.code, 2)
    assert.match(malformed.stderr, /--property no-equals is not key=value/)
  })
})

describe("effect-signalfx dimensions", () => {
  it("searches and gets dimensions", async () => {
    const hosts = records(await json(["dimensions", "search", "key:host"]))
    assert.deepStrictEqual(hosts.map((dimension) => dimension.value).sort(), ["web-1", "web-2"])

    const { code, stderr, stdout } = await cli(["dimensions", "search", "key:host"])
    assert.strictEqual(code, 0, stderr)
    const [heading, ...rows] = tableRows(stdout)
    assert.deepStrictEqual(heading, ["KEY", "VALUE", "DESCRIPTION", "TAGS", "PROPERTIES"])
    assert.deepStrictEqual(rows.map((row) => row.slice(0, 2)).sort(), [["host", "web-1"], ["host", "web-2"]])

    const dimension = record(await json(["dimensions", "get", "env", "prod"]))
    assert.strictEqual(dimension.key, "env")
    assert.strictEqual(dimension.value, "prod")

    const missing = await cli(["dimensions", "get", "host", "web-99"])
    assert.strictEqual(missing.code, 4)
    assert.include(missing.stderr, "host:web-99")
  })

  it("adds and removes a dimension's tags and custom properties, keeping the others", async () => {
    const tagged = record(
      await json([
        "dimensions",
        "update",
        "host",
        "web-2",
        "--tag",
        "critical",
        "--tag",
        "db",
        "--property",
        "role=db",
        "--property",
        "rack=r1"
      ])
    )
    assert.deepStrictEqual(tagged.tags, ["critical", "db"])
    assert.deepStrictEqual(tagged.customProperties, { role: "db", rack: "r1" })

    await json(["dimensions", "update", "host", "web-2", "--remove-tag", "critical", "--remove-property", "rack"])
    const read = record(await json(["dimensions", "get", "host", "web-2"]))
    assert.deepStrictEqual(read.tags, ["db"])
    assert.deepStrictEqual(read.customProperties, { role: "db" })

    const { stdout } = await cli(["dimensions", "search", "key:host AND tags:db"])
    const [, ...rows] = tableRows(stdout)
    assert.deepStrictEqual(rows, [["host", "web-2", "db", "role=db"]])
  })
})

describe("effect-signalfx timeseries", () => {
  it("searches time series by metric and dimension, and gets one by its id", async () => {
    const found = records(await json(["timeseries", "search", "sf_metric:cpu.utilization AND host:web-1"]))
    assert.lengthOf(found, 1)
    const [series] = found
    assert.strictEqual(series?.metric, "cpu.utilization")
    assert.deepStrictEqual(series?.dimensions, { host: "web-1", env: "prod" })
    const id = String(series?.id)

    const one = record(await json(["timeseries", "get", id]))
    assert.strictEqual(one.id, id)

    const { code, stderr, stdout } = await cli(["timeseries", "search", "host:web-1"])
    assert.strictEqual(code, 0, stderr)
    const [heading, ...rows] = tableRows(stdout)
    assert.deepStrictEqual(heading, ["ID", "METRIC", "TYPE", "DIMENSIONS", "TAGS"])
    const row = rows.find((cells) => cells[0] === id)
    assert.deepStrictEqual(row?.slice(1), ["cpu.utilization", "GAUGE", "env:prod, host:web-1"])

    assert.strictEqual((await cli(["timeseries", "get", "NoSuchSeries"])).code, 4)
  })
})

describe("effect-signalfx tags", () => {
  it("creates, changes, finds, reads and deletes a tag", async () => {
    const created = record(
      await json(["tags", "update", "team-sre", "--description", "the SRE team", "--property", "owner=sre"])
    )
    assert.strictEqual(created.name, "team-sre")
    assert.strictEqual(created.description, "the SRE team")
    assert.deepStrictEqual(created.customProperties, { owner: "sre" })

    await json(["tags", "update", "team-sre", "--property", "pager=on", "--remove-property", "owner"])
    const read = record(await json(["tags", "get", "team-sre"]))
    assert.strictEqual(read.description, "the SRE team")
    assert.deepStrictEqual(read.customProperties, { pager: "on" })

    const table = await cli(["tags", "search", "name:team-*"])
    assert.strictEqual(table.code, 0, table.stderr)
    assert.deepStrictEqual(tableRows(table.stdout), [["NAME", "DESCRIPTION", "PROPERTIES"], [
      "team-sre",
      "the SRE team",
      "pager=on"
    ]])

    const deleted = await cli(["tags", "delete", "team-sre"])
    assert.strictEqual(deleted.code, 0, deleted.stderr)
    assert.include(deleted.stdout, "team-sre")

    const gone = await cli(["tags", "get", "team-sre"])
    assert.strictEqual(gone.code, 4)
    assert.include(gone.stderr, "team-sre")
    assert.strictEqual((await cli(["tags", "delete", "team-sre"])).code, 4)
    assert.deepStrictEqual(await json(["tags", "search", "name:team-*"]), [])
  })
})

describe("effect-signalfx metadata help", () => {
  it("shows an example on every subcommand", async () => {
    const commands = [
      ["metrics", "search"],
      ["metrics", "get"],
      ["metrics", "update"],
      ["dimensions", "search"],
      ["dimensions", "get"],
      ["dimensions", "update"],
      ["timeseries", "search"],
      ["timeseries", "get"],
      ["tags", "search"],
      ["tags", "get"],
      ["tags", "update"],
      ["tags", "delete"]
    ]
    for (const words of commands) {
      const { code, stderr, stdout } = await runCli([...words, "--help"])
      assert.strictEqual(code, 0, `${words.join(" ")}: ${stderr}`)
      assert.match(stdout, new RegExp(`EXAMPLES[\\s\\S]*\\$ effect-signalfx ${words.join(" ")}`), words.join(" "))
    }
  })
})
