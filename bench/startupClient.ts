/**
 * One run of `npm run bench:startup` (driven by `startup.ts`), in a fresh process of its own.
 *
 * `start <client>`: load the client, construct it, stop it, exit; the process reports its CPU and
 * peak RSS on stdout as it exits (the driver times the whole process). With `MODULE_LOG` set
 * (and `moduleLog.js` imported first), it also appends every CommonJS file it loaded to that log.
 *
 * `burst <client> <port>`: load and construct the client, then send 200,000 gauges in 2,000 sends
 * of 100 without awaiting them, and wait until the sink (over the driver) holds all of them.
 * Reports over IPC.
 */
import type * as Facade from "effect-signalfx/promise"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import { performance } from "node:perf_hooks"

import type { BurstClient, BurstReport, BurstToDriver, StartReport, StartupClient } from "./startupTypes.js"
import { BURST_PER_SEND, BURST_SENDS } from "./startupTypes.js"

const TOKEN = "BENCH_TOKEN"
const [mode, clientArg, portArg] = process.argv.slice(2)
// Nothing listens there for a start-up run: the clients are stopped before they send.
const endpoint = `http://127.0.0.1:${portArg ?? "9"}`

/** Nanoseconds the main thread has run on a CPU (Linux `schedstat`). */
const mainThreadNanos = (): number => {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0])
  } catch {
    return NaN
  }
}

const cpuNow = (): number => {
  const { system, user } = process.cpuUsage()
  return system + user
}

/** The unbundled facade (tsc's output), beside the bundle `effect-signalfx/promise` resolves to. */
const unbundledFacade = new URL("../../dist/promise/index.js", import.meta.url).href

const start = async (client: StartupClient): Promise<void> => {
  switch (client) {
    case "bare":
      return
    case "official": {
      const { requireOfficial } = await import("./official.js")
      const signalfx = requireOfficial()
      new signalfx.Ingest(TOKEN, { ingestEndpoint: endpoint })
      return
    }
    case "facade":
    case "facadeUnbundled": {
      const { SignalFx }: typeof Facade = client === "facade"
        ? await import("effect-signalfx/promise")
        : await import(unbundledFacade)
      await new SignalFx(TOKEN, { ingestEndpoint: endpoint }).stop()
      return
    }
    case "effect": {
      const [{ Ingest }, Effect, Redacted, FetchHttpClient] = await Promise.all([
        import("effect-signalfx"),
        import("effect/Effect"),
        import("effect/Redacted"),
        import("@effect/platform/FetchHttpClient")
      ])
      await Ingest.make({ token: Redacted.make(TOKEN), ingestEndpoint: endpoint }).pipe(
        Effect.scoped,
        Effect.provide(FetchHttpClient.layer),
        Effect.runPromise
      )
    }
  }
}

/** Resolves once the sink holds `count` datapoints (the driver relays). */
const sinkHas = (count: number): Promise<void> =>
  new Promise((resolve) => {
    process.once("message", () => resolve())
    process.send!({ type: "waitFor", count } satisfies BurstToDriver)
  })

const burst = async (client: BurstClient): Promise<BurstReport> => {
  const { gauges } = await import("./workloads.js")
  const total = BURST_SENDS * BURST_PER_SEND
  let finish: () => Promise<number>
  let send: (points: ReturnType<typeof gauges>) => Promise<unknown>
  if (client === "official") {
    const { requireOfficial } = await import("./official.js")
    const ingest = new (requireOfficial().Ingest)(TOKEN, { ingestEndpoint: endpoint })
    send = (points) => ingest.send({ gauges: points }) as Promise<unknown>
    finish = () => Promise.resolve(0)
  } else {
    const { SignalFx } = await import("effect-signalfx/promise")
    // A queue that holds the whole burst: nothing is dropped for want of room.
    const sfx = new SignalFx(TOKEN, { ingestEndpoint: endpoint, queueCapacity: total })
    send = (points) => sfx.send({ gauges: points })
    finish = async () => {
      await sfx.flush()
      const { dropped } = sfx.stats().datapoints
      await sfx.stop()
      return Object.values(dropped).reduce((a, b) => a + b, 0)
    }
  }
  const cpu0 = cpuNow()
  const main0 = mainThreadNanos()
  const t0 = performance.now()
  const pending: Array<Promise<unknown>> = []
  for (let s = 0; s < BURST_SENDS; s++) {
    pending.push(send(gauges("series1k", s * BURST_PER_SEND, BURST_PER_SEND, Date.now())))
  }
  await Promise.all(pending)
  const dropped = await finish()
  await sinkHas(total - dropped)
  return {
    elapsedMs: performance.now() - t0,
    cpuMicros: cpuNow() - cpu0,
    mainThreadMicros: (mainThreadNanos() - main0) / 1000,
    processCpuMicros: cpuNow(),
    peakRss: process.resourceUsage().maxRSS * 1024,
    dropped
  }
}

if (mode === "start") {
  process.on("exit", () => {
    const log = process.env["MODULE_LOG"]
    if (log !== undefined) {
      // CommonJS files (the official client, protobufjs) do not pass the ES module hooks.
      const required = Object.keys(createRequire(import.meta.url).cache)
      fs.appendFileSync(log, required.map((file) => `file://${file}\n`).join(""))
    }
    const report: StartReport = { cpuMicros: cpuNow(), peakRss: process.resourceUsage().maxRSS * 1024 }
    fs.writeSync(1, JSON.stringify(report))
  })
  void start(clientArg as StartupClient)
} else {
  void burst(clientArg as BurstClient).then((result) =>
    process.send!({ type: "result", result } satisfies BurstToDriver, () => process.exit(0))
  )
}
