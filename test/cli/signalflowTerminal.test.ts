/* eslint-disable no-control-regex -- the tests look for terminal escapes */
/**
 * `effect-signalfx signalflow` where a person sees it: the live display (a row per time series
 * with its dimensions, last value, min, max and a sparkline, redrawn in place, ^C to stop) and
 * the prompt, in a real terminal (tmux), against the local server; the plain lines `live` prints
 * when its output is not a terminal, parsed; and the frame's bounds (width, height, the number of
 * series followed, what a server may put in a name), on the display's state itself.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Board, MAX_SERIES } from "../../src/internal/cli/signalflow/liveBoard.js"
import { displayWidth } from "../../src/internal/cli/signalflow/liveText.js"
import { parseSettingsCommand } from "../../src/internal/cli/signalflow/promptSettings.js"
import { SETTING_NAMES } from "../../src/internal/cli/signalflow/settings.js"
import type * as SignalFlow from "../../src/SignalFlow.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { localServerEnv, runCli } from "./run.js"
import type { Terminal } from "./tmux.js"
import { startInTerminal } from "./tmux.js"

const PROGRAM = "data('cpu').publish()"
const SPARK = /[▁▂▃▄▅▆▇█]/
const COLOUR = /\u001b\[[0-9;]*m/

interface Gauge {
  readonly metric: string
  readonly dimensions: Readonly<Record<string, string>>
  readonly value: number
  readonly timestamp?: number
}

/** A row of the display: its name, then its sparkline, last value, minimum and maximum. */
interface ScreenRow {
  readonly spark: string
  readonly last: string
  readonly min: string
  readonly max: string
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** Every row of the series named `label` on the screen, top to bottom. */
const rowsOf = (screen: string, label: string): Array<ScreenRow> =>
  [...screen.matchAll(new RegExp(`^${escapeRegExp(label)}  +([▁▂▃▄▅▆▇█ ]{10}) +(\\S+) +(\\S+) +(\\S+)$`, "gm"))].map((
    [, spark = "", last = "", min = "", max = ""]
  ) => ({ spark, last, min, max }))

const lastRowOf = (screen: string, label: string): ScreenRow | undefined => rowsOf(screen, label).at(-1)

const count = (screen: string, text: string) => screen.split(text).length - 1

describe("effect-signalfx signalflow, in a terminal and not", () => {
  let server: FakeSignalFx.Server
  let env: Record<string, string>
  /** The first of ten seconds of data, two minutes ago: web-1 is 1…10, web-2 goes up and down. */
  let base: number
  const WEB_2 = [0.5, 2.5, 4.5, 1.5, 3.5, 0.5, 2.5, 4.5, 1.5, 3.5]

  const send = async (gauge: ReadonlyArray<Gauge>) => {
    const response = await fetch(`${server.url}/v2/datapoint`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-sf-token": "TOKEN" },
      body: JSON.stringify({ gauge })
    })
    assert.strictEqual(response.status, 200)
  }

  const terminals: Array<Terminal> = []
  const terminal = (args: ReadonlyArray<string>, options: Parameters<typeof startInTerminal>[1] = {}) => {
    const started = startInTerminal(args, { ...options, env: { ...env, ...options.env } })
    terminals.push(started)
    return started
  }

  beforeAll(async () => {
    server = await FakeSignalFx.start({ tokens: ["TOKEN"] })
    env = localServerEnv(server.url)
    base = Math.floor(Date.now() / 1000) * 1000 - 120_000
    await send(
      Array.from({ length: 10 }, (_, index) => [
        { metric: "cpu", dimensions: { host: "web-1" }, value: index + 1, timestamp: base + index * 1000 },
        { metric: "cpu", dimensions: { host: "web-2" }, value: WEB_2[index] ?? 0, timestamp: base + index * 1000 }
      ]).flat()
    )
  })
  afterAll(async () => {
    for (const started of terminals) started.close()
    await server.close()
  })

  const pastRange = (stop = base + 10_000) => ["--start", String(base), "--stop", String(stop)]

  it("prints one plain line per timestamp when its output is not a terminal", async () => {
    const { code, stderr, stdout } = await runCli(["signalflow", PROGRAM, "--output", "live", ...pastRange()], { env })
    assert.strictEqual(code, 0, stderr)
    assert.notMatch(stdout, /\u001b/)
    const lines = stdout.split("\n").filter((line) => line !== "")
    const parsed = lines.map((line) => {
      const [time = "", ...fields] = line.split("\t")
      const values = new Map(fields.map((field) => {
        const at = field.lastIndexOf(": ")
        return [field.slice(0, at), Number(field.slice(at + 2))] as const
      }))
      return { time: Date.parse(time), values }
    })
    assert.deepStrictEqual(
      parsed.map(({ time }) => time),
      Array.from({ length: 10 }, (_, index) => base + index * 1000)
    )
    assert.deepStrictEqual(parsed.map(({ values }) => values.get("cpu host=web-1")), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert.deepStrictEqual(parsed.map(({ values }) => values.get("cpu host=web-2")), WEB_2)
  })

  it("shows a row per series with its dimensions, sparkline, last value, min and max; a past range ends by itself", async () => {
    const screen = terminal(["signalflow", PROGRAM, ...pastRange(), "--output", "live"], { columns: 100, rows: 20 })
    assert.strictEqual(await screen.waitForExit(), 0, screen.capture())
    const shown = screen.capture()
    const web1 = lastRowOf(shown, "cpu host=web-1")
    const web2 = lastRowOf(shown, "cpu host=web-2")
    assert.isDefined(web1, shown)
    assert.isDefined(web2, shown)
    assert.deepStrictEqual([web1?.last, web1?.min, web1?.max], ["10", "1", "10"])
    assert.deepStrictEqual([web2?.last, web2?.min, web2?.max], ["3.5", "0.5", "4.5"])
    assert.match(web1?.spark ?? "", SPARK)
    // The rising series rises: its sparkline starts at the lowest block and ends at the highest.
    assert.match(web1?.spark ?? "", /^▁.*█$/)
    // One frame: its column headings and each row once. (Its header, the first line, is gone:
    // tmux scrolls the screen one line to say that the command ended.)
    assert.strictEqual(count(shown, "TIME SERIES"), 1, shown)
    assert.strictEqual(rowsOf(shown, "cpu host=web-1").length, 1, shown)
    // Coloured on a terminal.
    assert.match(screen.capture(true), COLOUR)
  })

  it("has no colours with NO_COLOR, and still redraws the same frame", async () => {
    const screen = terminal(["signalflow", PROGRAM, ...pastRange()], { env: { NO_COLOR: "1" } })
    assert.strictEqual(await screen.waitForExit(), 0, screen.capture())
    const shown = screen.capture(true)
    assert.notMatch(shown, COLOUR)
    assert.strictEqual(lastRowOf(shown, "cpu host=web-1")?.last, "10", shown)
    assert.strictEqual(count(shown, "TIME SERIES"), 1, shown)
  })

  it("redraws in place as data arrives, and ^C ends it with code 130, the last frame kept", async () => {
    const program = "data('live.metric').publish()"
    const screen = terminal(["signalflow", program], { columns: 90, rows: 20 })
    // Live data, as it arrives: the server counts a datapoint without a timestamp at its arrival.
    await screen.waitFor((shown) => shown.includes(program), "the display's header")
    await send([{ metric: "live.metric", dimensions: { host: "a" }, value: 7 }])
    await screen.waitFor((shown) => lastRowOf(shown, "live.metric host=a")?.last === "7", "the first value")
    await send([{ metric: "live.metric", dimensions: { host: "a" }, value: 9 }])
    const updated = await screen.waitFor(
      (shown) => lastRowOf(shown, "live.metric host=a")?.last === "9",
      "the second value"
    )
    // One frame, redrawn: one header (the program and the last timestamp, at the top) and one
    // row, not a scroll of frames.
    assert.strictEqual(count(updated, program), 1, updated)
    assert.match(updated.split("\n")[0] ?? "", /^data\('live\.metric'\)\.publish\(\) +\d{4}-\d\d-\d\dT[\d:.]+Z @1s$/)
    assert.strictEqual(count(updated, "TIME SERIES"), 1, updated)
    assert.strictEqual(rowsOf(updated, "live.metric host=a").length, 1, updated)
    const row = lastRowOf(updated, "live.metric host=a")
    assert.deepStrictEqual([row?.min, row?.max], ["7", "9"])
    assert.match(row?.spark ?? "", SPARK)

    screen.sendKeys(["C-c"])
    assert.strictEqual(await screen.waitForExit(), 130)
    const left = screen.capture()
    assert.strictEqual(count(left, "TIME SERIES"), 1, left)
    assert.strictEqual(rowsOf(left, "live.metric host=a").length, 1, left)
    assert.strictEqual(lastRowOf(left, "live.metric host=a")?.last, "9", left)
    // ^C is read as a key, not echoed into the frame.
    assert.notInclude(left, "^C")
  })

  it("fits the terminal: long names cut, escapes shown as text, rows bounded with +N more series", async () => {
    const metric = "wide"
    const path = `/${"very-long-segment/".repeat(12)}\u001b[31mend`
    await send(Array.from({ length: 15 }, (_, index) => ({
      metric,
      dimensions: { host: `h${String(index).padStart(2, "0")}`, path },
      value: index,
      timestamp: base
    })))
    const screen = terminal(["signalflow", `data('${metric}').publish()`, ...pastRange(base + 1000)], {
      columns: 70,
      rows: 12,
      env: { NO_COLOR: "1" }
    })
    assert.strictEqual(await screen.waitForExit(), 0, screen.capture())
    const lines = screen.capture().split("\n")
    const frame = lines.slice(0, lines.findIndex((line) => line.startsWith("+")) + 1)
    assert.isAbove(frame.length, 3, lines.join("\n"))
    // 12 lines: the header, the headings, 8 rows and the note, one line spare.
    assert.strictEqual(frame.at(-1), "+7 more series")
    assert.strictEqual(frame.filter((line) => line.startsWith("wide host=")).length, 8)
    for (const line of frame) assert.isAtMost(displayWidth(line), 69, line)
    const first = frame.find((line) => line.startsWith("wide host=h00"))
    assert.match(first ?? "", /wide host=h00 path=\/very-long-segment\/.*…/)
    assert.notMatch(screen.capture(true), /\u001b\[31m/)
  })

  it("the prompt: runs programs with ^D, takes settings, survives a bad program and ^C, leaves on ^D", async () => {
    const screen = terminal(["signalflow"], { columns: 100, rows: 50 })
    await screen.waitFor((shown) => /^> $/m.test(shown.split("\n").at(-1) + " "), "the prompt")
    screen.sendKeys([`.start ${base}`], true)
    screen.sendKeys(["Enter"])
    screen.sendKeys([`.stop ${base + 10_000}`], true)
    screen.sendKeys(["Enter"])
    await screen.waitFor((shown) => /^stop\s+\d+$/m.test(shown), "the stop setting shown")
    // ^D after the text runs it.
    screen.sendKeys([PROGRAM], true)
    screen.sendKeys(["C-d"])
    await screen.waitFor((shown) => lastRowOf(shown, "cpu host=web-1")?.last === "10", "the whole range")

    // A narrower range shows less; this time the program is a line, then ^D on the empty next one.
    screen.sendKeys([`.stop ${base + 5000}`], true)
    screen.sendKeys(["Enter"])
    screen.sendKeys([PROGRAM], true)
    screen.sendKeys(["Enter"])
    screen.sendKeys(["C-d"])
    const narrower = await screen.waitFor(
      (shown) => rowsOf(shown, "cpu host=web-1").length === 2,
      "the narrower range's frame"
    )
    const narrow = lastRowOf(narrower, "cpu host=web-1")
    assert.deepStrictEqual([narrow?.last, narrow?.min, narrow?.max], ["5", "1", "5"], narrower)

    // A program the server refuses: its sentence, and the prompt back.
    screen.sendKeys(["dta('cpu').publish()"], true)
    screen.sendKeys(["C-d"])
    await screen.waitFor(
      (shown) => /name 'dta' is\s*not defined[\s\S]*\n> $/.test(`${shown} `),
      "the refusal, then the prompt"
    )

    // ^C at the prompt clears what was typed.
    screen.sendKeys(["oops"], true)
    screen.sendKeys(["C-c"])
    await screen.waitFor((shown) => /> oops\^C\n> $/.test(`${shown} `), "the cleared prompt")

    // A live run (no stop) goes on until ^C, which stops it, not the prompt.
    screen.sendKeys([".stop none"], true)
    screen.sendKeys(["Enter"])
    screen.sendKeys(["data('cpu', filter=filter('host', 'web-2')).publish()"], true)
    screen.sendKeys(["C-d"])
    // Its frame, the third with a row for web-2 (and none for web-1).
    await screen.waitFor((shown) => rowsOf(shown, "cpu host=web-2").length === 3, "the live run")
    screen.sendKeys(["C-c"])
    const stopped = await screen.waitFor(
      (shown) => /stopped\n> $/.test(`${shown} `),
      "the prompt after the stopped run"
    )
    assert.strictEqual(rowsOf(stopped, "cpu host=web-1").length, 2, stopped)
    assert.strictEqual(screen.exitCode(), undefined)

    screen.sendKeys(["."], true)
    screen.sendKeys(["Enter"])
    // Not given, the output is the terminal's default (live).
    const settings = await screen.waitFor((shown) => /^output\s+\(default\)$/m.test(shown), "every setting")
    assert.match(settings, /^start\s+\d+$/m)
    assert.match(settings, /^stop\s+\(default\)$/m)

    screen.sendKeys(["C-d"])
    assert.strictEqual(await screen.waitForExit(), 0, screen.capture())
  })
})

describe("the live display's frame", () => {
  const paint = (_tone: string, text: string) => text
  const metadata = (tsId: string, properties: Record<string, unknown>): SignalFlow.Message => ({
    type: "metadata",
    tsId,
    properties
  })
  const data = (logicalTimestampMs: number, points: Array<[string, number]>): SignalFlow.Message => ({
    type: "data",
    logicalTimestampMs,
    data: points.map(([tsId, value]) => ({ tsId, value }))
  })

  it("follows at most MAX_SERIES time series, and says so", () => {
    const board = new Board("data('x').publish()")
    for (let index = 0; index <= MAX_SERIES; index++) {
      board.push(metadata(`ts${index}`, { sf_metric: "x", sf_key: ["sf_metric", "n"], n: String(index) }))
    }
    const frame = board.render({ columns: 80, rows: 10, paint })
    assert.isAtMost(frame.length, 9)
    assert.include(frame.join("\n"), `+${MAX_SERIES - 5} more series`)
    assert.include(frame.join("\n"), `only the first ${MAX_SERIES} time series are followed`)
  })

  it("escapes what a server puts in a name and cuts it to the width, wide characters counted twice", () => {
    const board = new Board("data('x').publish()")
    board.push(
      metadata("a", { sf_metric: "x", sf_key: ["sf_metric", "k"], k: `\u001b]0;title\u0007${"界".repeat(50)}` })
    )
    board.push(data(1000, [["a", 1]]))
    const frame = board.render({ columns: 70, rows: 10, paint })
    for (const line of frame) {
      assert.notMatch(line, /[\u0000-\u001f]/)
      assert.isAtMost(displayWidth(line), 69, line)
    }
    assert.match(frame.join("\n"), /x k=\\u001b]0;title\\u0007界+…/)
  })

  it("leaves gaps in a sparkline for timestamps without a value", () => {
    const board = new Board("data('x').publish()")
    board.push(metadata("a", { sf_metric: "x" }))
    board.push(metadata("b", { sf_metric: "y" }))
    board.push(data(1000, [["a", 1], ["b", 5]]))
    board.push(data(2000, [["b", 6]]))
    board.push(data(3000, [["a", 3], ["b", 7]]))
    const frame = board.render({ columns: 80, rows: 10, paint }).join("\n")
    assert.match(frame, /^x {2,}( {7}▁ █) +3 +1 +3$/m)
  })

  it("shows the latest events below the rows, newest first, their text escaped", () => {
    const board = new Board("detect(when(data('x') > 1)).publish()")
    board.push(metadata("a", { sf_metric: "x" }))
    board.push(data(1000, [["a", 2]]))
    for (const [index, state] of ["anomalous", "ok", "anomalous", "ok\u001b[2J"].entries()) {
      board.push({
        type: "event",
        tsId: "e",
        timestampMs: 1000 * (index + 1),
        metadata: { sf_eventType: "cpu high" },
        properties: { is: state, incidentId: `I${index}`, inputs: { nested: true } }
      })
    }
    const frame = board.render({ columns: 120, rows: 20, paint })
    const events = frame.slice(frame.indexOf("events") + 1)
    assert.deepStrictEqual(events, [
      "  1970-01-01T00:00:04.000Z cpu high is=ok\\u001b[2J incidentId=I3",
      "  1970-01-01T00:00:03.000Z cpu high is=anomalous incidentId=I2",
      "  1970-01-01T00:00:02.000Z cpu high is=ok incidentId=I1"
    ])
  })
})

describe("the prompt's settings commands", () => {
  it("sets, shows, clears; knows signalflow-cli's names; refuses an unknown one", () => {
    assert.deepStrictEqual(parseSettingsCommand(".", SETTING_NAMES), { _tag: "ShowAll" })
    assert.deepStrictEqual(parseSettingsCommand(".settings", SETTING_NAMES), { _tag: "ShowAll" })
    assert.deepStrictEqual(parseSettingsCommand(".start -15m", SETTING_NAMES), {
      _tag: "Set",
      name: "start",
      value: "-15m"
    })
    assert.deepStrictEqual(parseSettingsCommand(".max_delay  2s", SETTING_NAMES), {
      _tag: "Set",
      name: "max-delay",
      value: "2s"
    })
    assert.deepStrictEqual(parseSettingsCommand(".stop", SETTING_NAMES), { _tag: "Show", name: "stop" })
    assert.deepStrictEqual(parseSettingsCommand(".stop none", SETTING_NAMES), { _tag: "Clear", name: "stop" })
    const unknown = parseSettingsCommand(".strat -1m", SETTING_NAMES)
    assert.strictEqual(unknown._tag, "Invalid")
    assert.include(unknown._tag === "Invalid" ? unknown.message : "", "no setting strat")
  })
})
