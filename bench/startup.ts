/**
 * `npm run bench:startup`: what a short script pays, beside the official `signalfx` client.
 *
 * - **Start-up**: a fresh `node` process loads the client, constructs it, stops it and exits. The
 *   driver times the whole process (spawn to exit); the process reports its own CPU (all threads,
 *   from its start) and peak RSS as it exits.
 * - **The command**: `effect-signalfx --help`, the bundled command (dist/cli/main.js) as a user
 *   runs it, timed the same way; it reports its CPU and RSS through `exitReport.ts`.
 * - **Files loaded**: one more run per client with a module hook logging every file loaded, counted
 *   by package (a run apart: the hook slows loading).
 * - **Cold burst**: a fresh process loads and constructs the client, then sends 200,000 gauges in
 *   2,000 sends of 100 without awaiting them (the facade's queue holds them all) and waits until
 *   the loopback sink (`sink.ts`, its own process) holds every one: CPU and wall over that span.
 *
 * Each figure is the median of the repeats; repeats interleave the clients so that a busy moment
 * of the machine is shared between them. Options: `--repeats N` (default 7), `--quick` (3 repeats,
 * no write), `--no-write`, `--cpu-prof DIR` (a `.cpuprofile` per burst run). The tables are printed and written to bench/RESULTS.md (between the
 * startup markers).
 */
import { fork, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import { args, buildDir, flag } from "./cli.js"
import { ensureOfficial } from "./official.js"
import { writeSection } from "./results.js"
import type { SinkReply, SinkRequest } from "./sink.js"
import type { BurstClient, BurstReport, BurstToDriver, StartReport, StartupClient } from "./startupTypes.js"
import { BURST_PER_SEND, BURST_SENDS } from "./startupTypes.js"

const quick = args.includes("--quick")
const repeats = Number(flag("--repeats") ?? (quick ? 3 : 7))
const cpuProf = flag("--cpu-prof")
const write = !args.includes("--no-write") && !quick && cpuProf === undefined

const startupClients: ReadonlyArray<readonly [StartupClient, string]> = [
  ["bare", "bare `node` (the harness alone)"],
  ["official", "signalfx 8.0.1 (official): require, construct"],
  ["facade", "effect-signalfx/promise (bundled): import, construct, `stop()`"],
  ["facadeUnbundled", "the same facade unbundled (tsc's dist/promise)"],
  ["effect", "effect-signalfx (Effect API): import, `Ingest.make` in a scope, close"],
  ["cli", "`effect-signalfx --help` (the bundled command)"]
]
const burstClients: ReadonlyArray<readonly [BurstClient, string]> = [
  ["official", "signalfx 8.0.1 (official)"],
  ["facade", "effect-signalfx/promise"]
]

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
const fmt = (n: number, digits = 0): string =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`
const mib = (bytes: number): string => fmt(bytes / 2 ** 20, 1)

const clientScript = path.join(buildDir, "startupClient.js")
/** The command as the package's `bin` names it. */
const cliEntry = path.join(buildDir, "..", "..", "dist", "cli", "main.js")

// ---------------------------------------------------------------------------------------------
// Start-up

interface StartSample extends StartReport {
  readonly wallMs: number
}

const startOnce = (client: StartupClient, env: NodeJS.ProcessEnv = process.env, execArgv: Array<string> = []) =>
  new Promise<StartSample>((resolve, reject) => {
    const t0 = performance.now()
    // The command prints its help on stdout: it reports on file descriptor 3 instead.
    const reportFd = client === "cli" ? 3 : 1
    const child = spawn(
      process.execPath,
      client === "cli"
        ? [...execArgv, "--import", path.join(buildDir, "exitReport.js"), cliEntry, "--help"]
        : [...execArgv, clientScript, "start", client],
      { env, stdio: client === "cli" ? ["ignore", "ignore", "inherit", "pipe"] : ["ignore", "pipe", "inherit"] }
    )
    let out = ""
    child.stdio[reportFd]?.on("data", (chunk: Buffer) => (out += chunk.toString()))
    child.on("close", (code) => {
      const wallMs = performance.now() - t0
      if (code !== 0) reject(new Error(`start-up run of ${client} exited with ${code}`))
      else resolve({ ...(JSON.parse(out) as StartReport), wallMs })
    })
  })

/** The files one start-up run loads, by package. */
const filesLoaded = async (client: StartupClient): Promise<Map<string, number>> => {
  const log = path.join(os.tmpdir(), `effect-signalfx-modules-${process.pid}-${client}.log`)
  fs.writeFileSync(log, "")
  await startOnce(client, { ...process.env, MODULE_LOG: log }, ["--import", path.join(buildDir, "moduleLog.js")])
  const files = new Set(fs.readFileSync(log, "utf8").split("\n").filter((line) => line !== ""))
  fs.rmSync(log)
  const counts = new Map<string, number>()
  for (const url of files) {
    const file = url.startsWith("file://") ? fileURLToPath(url) : url
    // The harness's own files (this folder's compiled scripts) are not the client's.
    if (file.startsWith(buildDir)) continue
    const inModules = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)
    const group = inModules === null ? "effect-signalfx" : inModules[1]!.startsWith("@protobufjs/")
      ? "protobufjs"
      : inModules[1]!
    counts.set(group, (counts.get(group) ?? 0) + 1)
  }
  return counts
}

// ---------------------------------------------------------------------------------------------
// The cold burst

const sink = fork(path.join(buildDir, "sink.js"), [], { stdio: "inherit" })
const askSink = <T extends SinkReply["type"]>(request: SinkRequest | undefined, type: T) =>
  new Promise<Extract<SinkReply, { type: T }>>((resolve) => {
    const listener = (reply: SinkReply) => {
      if (reply.type === type) {
        sink.off("message", listener)
        resolve(reply as Extract<SinkReply, { type: T }>)
      }
    }
    sink.on("message", listener)
    if (request !== undefined) sink.send(request)
  })

let nextWaitId = 0
const burstOnce = async (client: BurstClient, port: number): Promise<BurstReport> => {
  await askSink({ type: "reset", stall: false }, "reset")
  const child = fork(clientScript, ["burst", client, String(port)], {
    execArgv: cpuProf === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${cpuProf}`],
    stdio: ["ignore", "ignore", "inherit", "ipc"]
  })
  const result = await new Promise<BurstReport>((resolve, reject) => {
    child.on("message", (message: BurstToDriver) => {
      if (message.type === "result") {
        resolve(message.result)
      } else {
        const id = nextWaitId++
        void askSink({ type: "waitFor", id, count: message.count }, "reached").then(() => child.send("reached"))
      }
    })
    child.on("exit", (code) => reject(new Error(`burst run of ${client} exited with ${code} before reporting`)))
  })
  const stats = await askSink({ type: "stats" }, "stats")
  const sent = BURST_SENDS * BURST_PER_SEND
  if (stats.errors > 0 || stats.datapoints !== sent - result.dropped) {
    throw new Error(`${client}: the sink counted ${stats.datapoints} of ${sent} sent, ${result.dropped} dropped`)
  }
  return result
}

// ---------------------------------------------------------------------------------------------
// Main

const main = async (): Promise<void> => {
  const started = Date.now()
  ensureOfficial()
  const { port } = await askSink(undefined, "listening")

  const starts = new Map<StartupClient, Array<StartSample>>()
  const bursts = new Map<BurstClient, Array<BurstReport>>()
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const [client] of startupClients) {
      const sample = await startOnce(client)
      starts.set(client, [...(starts.get(client) ?? []), sample])
      process.stderr.write(
        `  [${repeat + 1}/${repeats}] start ${client.padEnd(16)} ${fmt(sample.wallMs)} ms wall, ${
          fmt(sample.cpuMicros / 1000)
        } ms CPU, ${mib(sample.peakRss)} MiB\n`
      )
    }
    for (const [client] of burstClients) {
      const sample = await burstOnce(client, port)
      bursts.set(client, [...(bursts.get(client) ?? []), sample])
      process.stderr.write(
        `  [${repeat + 1}/${repeats}] burst ${client.padEnd(16)} ${fmt(sample.elapsedMs)} ms wall, ${
          fmt(sample.cpuMicros / 1000)
        } ms CPU (main thread ${fmt(sample.mainThreadMicros / 1000)}, process ${
          fmt(sample.processCpuMicros / 1000)
        }), ${mib(sample.peakRss)} MiB\n`
      )
    }
  }
  sink.disconnect()
  const files = new Map<StartupClient, Map<string, number>>()
  for (const [client] of startupClients) files.set(client, await filesLoaded(client))

  const official = (figure: (s: StartSample) => number) => median(starts.get("official")!.map(figure))
  const startRows = startupClients.map(([client, label]) => {
    const samples = starts.get(client)!
    const wall = median(samples.map((s) => s.wallMs))
    const cpu = median(samples.map((s) => s.cpuMicros))
    const rss = median(samples.map((s) => s.peakRss))
    const counted = files.get(client)!
    const total = [...counted.values()].reduce((a, b) => a + b, 0)
    const groups = [...counted].sort((a, b) => b[1] - a[1])
    const others = groups.slice(4).reduce((sum, [, n]) => sum + n, 0)
    const by = [
      ...groups.slice(0, 4).map(([group, n]) => `${group} ${n}`),
      ...(others > 0 ? [`${groups.length - 4} more packages ${others}`] : [])
    ].join(", ")
    return `| ${label} | ${fmt(wall)} | ${ratio(wall, official((s) => s.wallMs))} | ${fmt(cpu / 1000)} | ${
      ratio(cpu, official((s) => s.cpuMicros))
    } | ${mib(rss)} | ${ratio(rss, official((s) => s.peakRss))} | ${total}${total > 0 ? ` (${by})` : ""} |`
  })
  const burstOfficial = (figure: (s: BurstReport) => number) => median(bursts.get("official")!.map(figure))
  const burstRows = burstClients.map(([client, label]) => {
    const samples = bursts.get(client)!
    const wall = median(samples.map((s) => s.elapsedMs))
    const cpu = median(samples.map((s) => s.cpuMicros))
    const mainThread = median(samples.map((s) => s.mainThreadMicros))
    const processCpu = median(samples.map((s) => s.processCpuMicros))
    const rss = median(samples.map((s) => s.peakRss))
    return `| ${label} | ${fmt(wall)} | ${ratio(wall, burstOfficial((s) => s.elapsedMs))} | ${fmt(cpu / 1000)} | ${
      ratio(cpu, burstOfficial((s) => s.cpuMicros))
    } | ${fmt(mainThread / 1000)} | ${fmt(processCpu / 1000)} | ${
      ratio(processCpu, burstOfficial((s) => s.processCpuMicros))
    } | ${mib(rss)} | ${ratio(rss, burstOfficial((s) => s.peakRss))} | ${median(samples.map((s) => s.dropped))} |`
  })

  const cpuModel = /model name\s*:\s*(.*)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? os.cpus()[0]?.model
  const machine = `${os.cpus().length} × ${cpuModel}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `Node ${process.version}, ${os.type()} ${os.release()}`
  const command = `npm run bench:startup${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`
  const output = [
    `Machine: ${machine}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(", ")} at the end`,
    `Command: \`${command}\` — median of ${repeats} runs per figure, each a fresh process; ` +
    `${((Date.now() - started) / 1000).toFixed(0)} s in all (${new Date().toISOString().slice(0, 10)})`,
    "",
    "### Start-up: a whole process",
    "",
    "| process | wall ms | ×official | CPU ms | ×official | peak RSS MiB | ×official | files loaded (by package) |",
    "|---|--:|--:|--:|--:|--:|--:|---|",
    ...startRows,
    "",
    `### Cold burst: ${fmt(BURST_SENDS * BURST_PER_SEND)} gauges in ${fmt(BURST_SENDS)} sends of ${BURST_PER_SEND}, ` +
    "not awaited, in a fresh process",
    "",
    "| client | wall ms | ×official | CPU ms | ×official | main thread ms | process CPU ms | ×official | peak RSS MiB | ×official | dropped |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ...burstRows
  ].join("\n")
  console.log(`\n${output}`)
  if (write) writeSection("startup", output)
}

main().catch((error) => {
  console.error(error)
  sink.kill()
  process.exit(1)
})
