/**
 * `effect-signalfx signalflow` against the local server: datapoints are sent first (through its
 * ingest API), then `data('cpu.utilization').publish()` is run over their past range and each
 * output is read back as a program would: CSV and JSON parsed, the SVG chart's lines and legend
 * read, the terminal chart's axis and legend found. Then where the program comes from, and the
 * exit code of each kind of mistake.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { datapointLine, eventLine } from "../../src/internal/cli/signalflow/json.js"
import { parseSettings } from "../../src/internal/cli/signalflow/settings.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { localServerEnv, runCli } from "./run.js"
import { parseCsv, parseSvgChart } from "./signalflow/parse.js"
import { startInTerminal } from "./tmux.js"

const PROGRAM = "data('cpu.utilization').publish()"
/** A host whose name a CSV must quote. */
const AWKWARD_HOST = "db,\"primary\""

/** What was sent, by host: a value a second from the start of the range. */
const SENT: Readonly<Record<string, ReadonlyArray<number | undefined>>> = {
  "web-1": [1.5, 2.5, 3.5, 4.5, 5.5],
  "web-2": [10, 20, 30, 40, 50],
  // Appears only in the range's fourth second: its column is still in the CSV's header.
  [AWKWARD_HOST]: [undefined, undefined, undefined, 99]
}
const SECONDS = 5

let server: FakeSignalFx.Server
/** The range's start: whole seconds, five minutes ago, so that every window of it has closed. */
let start: number
let env: Record<string, string>

const range = () => ["--start", String(start), "--stop", String(start + SECONDS * 1000), "--resolution", "1s"]

beforeAll(async () => {
  server = await FakeSignalFx.start({ tokens: ["TOKEN"] })
  env = localServerEnv(server.url)
  start = Math.floor(Date.now() / 1000) * 1000 - 300_000
  const gauge = Object.entries(SENT).flatMap(([host, values]) =>
    values.flatMap((value, second) =>
      value === undefined ? [] : [{
        metric: "cpu.utilization",
        value,
        dimensions: { host },
        timestamp: start + second * 1000
      }]
    )
  )
  const response = await fetch(`${server.url}/v2/datapoint`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-sf-token": "TOKEN" },
    body: JSON.stringify({ gauge })
  })
  assert.strictEqual(response.status, 200)
})

afterAll(async () => {
  await server.close()
})

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The values sent for `host`, by timestamp. */
const sentByTimestamp = (host: string): Map<number, number> =>
  new Map(
    (SENT[host] ?? []).flatMap((value, second) => value === undefined ? [] : [[start + second * 1000, value] as const])
  )

describe("effect-signalfx signalflow --output csv", () => {
  it("writes a millisecond timestamp column, then a column per time series named by its metric and host", async () => {
    const { code, stderr, stdout } = await runCli(["signalflow", ...range(), "--output", "csv", PROGRAM], { env })
    assert.strictEqual(code, 0, stderr)
    const [header, ...rows] = parseCsv(stdout)
    assert.isDefined(header)
    assert.strictEqual(header[0], "timestamp")
    assert.sameMembers(header.slice(1), Object.keys(SENT).map((host) => `cpu.utilization/${host}`))
    assert.deepStrictEqual(rows.map((row) => Number(row[0])), [0, 1, 2, 3, 4].map((second) => start + second * 1000))
    for (const [column, name] of header.entries()) {
      if (column === 0) continue
      const host = name.slice("cpu.utilization/".length)
      const expected = sentByTimestamp(host)
      for (const row of rows) {
        assert.strictEqual(row.length, header.length)
        const value = expected.get(Number(row[0]))
        assert.strictEqual(row[column], value === undefined ? "" : String(value), `${host} at ${row[0]}`)
      }
    }
  })

  it("is the default output when stdout is not a terminal, and reads the program from a file or stdin alike", async () => {
    const fromArgument = await runCli(["signalflow", ...range(), PROGRAM], { env })
    assert.strictEqual(fromArgument.code, 0, fromArgument.stderr)
    assert.strictEqual(parseCsv(fromArgument.stdout)[0]?.[0], "timestamp")

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-flow-")), "cpu.flow")
    fs.writeFileSync(file, `# the CPU of every host\n${PROGRAM}\n`)
    const fromFile = await runCli(["signalflow", ...range(), "--file", file], { env })
    assert.strictEqual(fromFile.code, 0, fromFile.stderr)
    assert.deepStrictEqual(parseCsv(fromFile.stdout), parseCsv(fromArgument.stdout))

    const fromStdin = await runCli(["signalflow", ...range()], { env, stdin: `${PROGRAM}\n` })
    assert.strictEqual(fromStdin.code, 0, fromStdin.stderr)
    assert.deepStrictEqual(parseCsv(fromStdin.stdout), parseCsv(fromArgument.stdout))

    const fromDash = await runCli(["signalflow", ...range(), "-"], { env, stdin: PROGRAM })
    assert.deepStrictEqual(parseCsv(fromDash.stdout), parseCsv(fromArgument.stdout))
  })
})

describe("effect-signalfx signalflow --output json", () => {
  it("writes an object per value: its timestamp, time series id, metric, dimensions and value", async () => {
    const { code, stderr, stdout } = await runCli(["signalflow", ...range(), "--output", "json", PROGRAM], { env })
    assert.strictEqual(code, 0, stderr)
    const lines: Array<unknown> = stdout.trim().split("\n").map((line) => JSON.parse(line))
    const received = new Map<string, Map<number, unknown>>()
    const tsIds = new Map<string, Set<unknown>>()
    for (const line of lines) {
      assert.isTrue(isRecord(line), `not an object: ${JSON.stringify(line)}`)
      if (!isRecord(line)) continue
      const { dimensions, metric, timestamp, tsId, type, value } = line
      assert.strictEqual(type, "datapoint")
      assert.strictEqual(metric, "cpu.utilization")
      assert.isString(tsId)
      assert.isNumber(timestamp)
      const host = isRecord(dimensions) ? dimensions.host : undefined
      assert.isString(host)
      if (typeof host !== "string" || typeof timestamp !== "number") continue
      received.set(host, (received.get(host) ?? new Map()).set(timestamp, value))
      tsIds.set(host, (tsIds.get(host) ?? new Set()).add(tsId))
    }
    for (const host of Object.keys(SENT)) {
      assert.deepStrictEqual(received.get(host), sentByTimestamp(host), host)
      assert.strictEqual(tsIds.get(host)?.size, 1, `${host} has one time series id`)
    }
  })
})

describe("effect-signalfx signalflow --output chart", () => {
  it("draws the chart in the terminal when the range ends: the value axis, the range and a legend line per series", async () => {
    const { code, stderr, stdout } = await runCli(["signalflow", ...range(), "--output", "chart", PROGRAM], { env })
    assert.strictEqual(code, 0, stderr)
    const lines = stdout.split("\n")
    // asciichart's value axis: a label, then ┤ or ┼, on each of the chart's rows.
    const axisRows = lines.filter((line) => /^\s*[\d.]+[kMB]?\s[┤┼]/.test(line))
    assert.isAtLeast(axisRows.length, 5, stdout)
    assert.include(stdout, new Date(start).toISOString().replace(".000Z", "Z"))
    for (const host of Object.keys(SENT)) {
      assert.isTrue(lines.some((line) => line.includes(`cpu.utilization/${host}`)), `${host} in the legend:\n${stdout}`)
    }
    assert.include(stdout, "last 50")
  })

  it("draws an SVG file with --out: a line per series, a legend naming each", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-chart-")), "cpu.svg")
    const { code, stderr, stdout } = await runCli(["signalflow", ...range(), "--out", file, PROGRAM], { env })
    assert.strictEqual(code, 0, stderr)
    assert.include(stdout, file)
    const chart = parseSvgChart(fs.readFileSync(file, "utf8"))
    assert.isAbove(chart.width, 0)
    assert.isAbove(chart.height, 0)
    assert.strictEqual(chart.lines.length, Object.keys(SENT).length)
    // The two hosts with five values are drawn as lines (four segments).
    assert.strictEqual(chart.lines.filter((d) => (d.match(/L/g) ?? []).length === SECONDS - 1).length, 2)
    assert.sameMembers([...chart.legendLabels], Object.keys(SENT).map((host) => `cpu.utilization/${host}`))
  })

  it("refuses an SVG of a live range, which never ends", async () => {
    const { code, stderr } = await runCli(["signalflow", "--out", "live.svg", PROGRAM], { env })
    assert.strictEqual(code, 2)
    assert.include(stderr, "--stop")
  })

  it("redraws the chart of a live range in place on a terminal until ^C", async () => {
    const terminal = startInTerminal(
      ["signalflow", "--start", String(start), "--resolution", "1s", "--output", "chart", PROGRAM],
      { env, columns: 100, rows: 30 }
    )
    try {
      // Redrawn as the range's values arrive: the last of them is shown, and one legend, however
      // many times the chart was drawn.
      const screen = await terminal.waitFor(
        (text) => text.includes("cpu.utilization/web-2  last 50") && text.includes("┤"),
        "the chart with every value of the range"
      )
      assert.strictEqual(screen.split("cpu.utilization/web-2").length - 1, 1, screen)
      terminal.sendKeys(["C-c"])
      assert.strictEqual(await terminal.waitForExit(), 130)
    } finally {
      terminal.close()
    }
  })
})

describe("effect-signalfx signalflow mistakes", () => {
  it("refuses a bad --start with exit code 2, naming the option and the value", async () => {
    const { code, stderr, stdout } = await runCli(["signalflow", "--start", "yesterday", PROGRAM], { env })
    assert.strictEqual(code, 2)
    assert.include(stderr, "--start")
    assert.include(stderr, "yesterday")
    assert.strictEqual(stdout, "")
    const backwards = await runCli(["signalflow", "--start=-1m", "--stop=-2m", PROGRAM], { env })
    assert.strictEqual(backwards.code, 2)
    assert.include(backwards.stderr, "--stop")
    const resolution = await runCli(["signalflow", "--resolution", "fast", PROGRAM], { env })
    assert.strictEqual(resolution.code, 2)
    assert.include(resolution.stderr, "--resolution \"fast\"")
  })

  it("answers a program the service refuses with exit code 6 and its reason", async () => {
    const { code, stderr } = await runCli(["signalflow", ...range(), "data('cpu.utilization').publish("], { env })
    assert.strictEqual(code, 6)
    assert.include(stderr, "SYNTAX")
    assert.notInclude(stderr, "    at ")
  })

  it("answers a refused token with exit code 3, without the token", async () => {
    const { code, stderr } = await runCli(["signalflow", ...range(), PROGRAM], {
      env: localServerEnv(server.url, "NOT-THE-TOKEN")
    })
    assert.strictEqual(code, 3)
    assert.notInclude(stderr, "NOT-THE-TOKEN")
  })

  it("answers an unreachable service with exit code 5", async () => {
    // A port nothing listens on: taken, then freed.
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const address = probe.address()
        probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
      })
    })
    // The command tries for 10 seconds before it gives up: time for that on a loaded machine.
    const { code, stderr } = await runCli(["signalflow", ...range(), PROGRAM], {
      env: { ...env, SPLUNK_STREAM_URL: `http://127.0.0.1:${port}` },
      killAfterMillis: 50_000
    })
    assert.strictEqual(code, 5, stderr)
    assert.include(stderr, `127.0.0.1:${port}`)
  }, 60_000)

  it("refuses an empty program on stdin, and a program both as an argument and a file, with exit code 2", async () => {
    const empty = await runCli(["signalflow", ...range()], { env, stdin: "  \n" })
    assert.strictEqual(empty.code, 2)
    assert.include(empty.stderr, "empty")
    const both = await runCli(["signalflow", ...range(), "--file", "x.flow", PROGRAM], { env })
    assert.strictEqual(both.code, 2)
  })
})

describe("signalflow settings, as options and at the prompt", () => {
  const now = Date.parse("2024-05-01T12:00:00Z")

  // Every form of time and duration is tested in test/core/time.test.ts; here, that the settings read them.
  it("reads its times and durations in the shared grammar, naming a refused one's option and value", () => {
    assert.deepStrictEqual(
      Effect.runSync(
        parseSettings(
          { start: "2024-05-01T11:00:00Z", stop: "-1h30m", resolution: "10 seconds", "max-delay": "0" },
          now + 3_600_000
        )
      ),
      { start: now - 3_600_000, stop: now - 1_800_000, resolution: 10_000, maxDelay: 0, output: undefined }
    )
    const refusals: ReadonlyArray<readonly [Record<string, string>, string]> = [
      [{ start: "yesterday" }, "--start \"yesterday\" is not a time: give milliseconds since the epoch"],
      [{ stop: "-5" }, "--stop \"-5\" is not a time"],
      [{ resolution: "0" }, "--resolution \"0\" is not a positive duration: give a number and a unit"],
      [{ "max-delay": "-1s" }, "--max-delay \"-1s\" is not a duration: give a number and a unit"]
    ]
    for (const [settings, message] of refusals) {
      const refused = Effect.runSync(Effect.either(parseSettings(settings, now)))
      assert.isTrue(Either.isLeft(refused), message)
      if (Either.isLeft(refused)) {
        assert.strictEqual(refused.left.kind, "usage")
        assert.include(refused.left.message, message)
      }
    }
  })

  it("resolves a whole set of settings, naming a bad one as the prompt spells it", () => {
    const parsed = Effect.runSync(
      parseSettings({ start: "-15m", stop: "now", resolution: "1m", "max-delay": "5s", output: "json" }, now)
    )
    assert.deepStrictEqual(parsed, {
      start: now - 15 * 60_000,
      stop: now,
      resolution: 60_000,
      maxDelay: 5000,
      output: "json"
    })
    // Nothing given: a live computation from a minute ago, the rest decided later.
    assert.deepStrictEqual(Effect.runSync(parseSettings({ stop: "" }, now)), {
      start: now - 60_000,
      stop: undefined,
      resolution: undefined,
      maxDelay: undefined,
      output: undefined
    })
    const refused = Effect.runSync(Effect.either(parseSettings({ output: "graph" }, now, "prompt")))
    assert.isTrue(Either.isLeft(refused))
    if (Either.isLeft(refused)) {
      assert.strictEqual(refused.left.kind, "usage")
      assert.include(refused.left.message, ".output \"graph\"")
    }
    const unknown = Effect.runSync(Effect.either(parseSettings({ colour: "red" }, now, "prompt")))
    assert.isTrue(Either.isLeft(unknown))
  })
})

describe("signalflow JSON lines", () => {
  it("writes an integer beyond 2^53 with all its digits, and an event with its properties", () => {
    const metadata = {
      sf_metric: "_SF_COMP_X_01-PUBLISH_METRIC",
      sf_originatingMetric: "bytes",
      sf_key: ["host", "sf_metric"],
      host: "a"
    }
    const big = JSON.parse(
      datapointLine(1000, { tsId: "T", value: 9007199254740993n, metadata }).replace(
        /"value":(\d+)/,
        "\"value\":\"$1\""
      )
    )
    assert.deepStrictEqual(big, {
      type: "datapoint",
      timestamp: 1000,
      tsId: "T",
      metric: "bytes",
      dimensions: { host: "a" },
      value: "9007199254740993"
    })
    const line = eventLine({
      type: "event",
      tsId: "E",
      timestampMs: 2000,
      metadata: { sf_eventType: "cpu high", sf_key: ["host"], host: "a\u009b2J" },
      properties: { is: "anomalous" }
    })
    // A C1 control (a one-byte CSI) is escaped, and reads back as it was.
    assert.notMatch(line, /\u009b/)
    assert.deepStrictEqual(JSON.parse(line), {
      type: "event",
      timestamp: 2000,
      tsId: "E",
      dimensions: { host: "a\u009b2J" },
      properties: { is: "anomalous" }
    })
  })
})
