/**
 * One benchmark run of one client, in its own process (forked by `run.ts`). It sends the
 * workload, times each `send`, asks the driver to tell it when the sink holds every datapoint,
 * and reports throughput, CPU and memory figures back over IPC.
 *
 * Each client's modules are imported only in its own process, so that (say) the official
 * client's memory does not include Effect's.
 *
 * The send loops hand the event loop a turn (`setImmediate`) every 500 datapoints, as an
 * application doing any I/O does: a loop that never yields starves every client's own I/O.
 *
 * argv: client workload total perSend stall port
 */
import type * as Effect4Api from "@effect-signalfx/effect4"
import * as fs from "node:fs"
import * as http from "node:http"
import { createRequire } from "node:module"
import * as path from "node:path"
import { performance } from "node:perf_hooks"
import { pathToFileURL } from "node:url"
import * as zlib from "node:zlib"
import type * as Protobuf from "protobufjs"
// Effect 4's types, from where the Effect 4 package finds its `effect` (this file's is Effect 3).
import type * as Effect4 from "../packages/effect4/node_modules/effect/dist/Effect.js"
import type * as Http4 from "../packages/effect4/node_modules/effect/dist/http/index.js"
import type * as Redacted4 from "../packages/effect4/node_modules/effect/dist/Redacted.js"
import { benchDir } from "./cli.js"
import { requireOfficial } from "./official.js"
import type { Gauge, WorkloadName } from "./workloads.js"
import { gauges } from "./workloads.js"

export type ClientName = "official" | "promise" | "effect" | "effect4" | "floor"

export type ToDriver =
  | { readonly type: "waitFor"; readonly id: number; readonly count: number }
  | { readonly type: "result"; readonly result: RunResult }

export type FromDriver = { readonly type: "reached"; readonly id: number }

/** The figures of one pass over the workload. */
export interface PassResult {
  /** Milliseconds from the first send until the sink had every datapoint (delivery runs only). */
  readonly elapsedMs: number
  /** User + system CPU of the whole process over the same span, in microseconds. */
  readonly cpuMicros: number
  /**
   * CPU of the main (JavaScript) thread alone over the same span, in microseconds; the rest of
   * `cpuMicros` is V8's helper threads (garbage collection, optimizing compiler) and libuv's pool
   * (gzip). NaN where `/proc` has no per-thread `schedstat`.
   */
  readonly mainThreadMicros: number
  /** `maxRSS` of the process at the end of the pass, bytes. */
  readonly peakRss: number
  /** Datapoints the client itself reported dropped during the pass. */
  readonly dropped: number
  readonly latencyP50Micros: number
  readonly latencyP99Micros: number
}

export interface RunResult {
  /** The cold pass, then (delivery workloads) the warm one. */
  readonly passes: ReadonlyArray<PassResult>
  /** RSS when the workload started (client built, modules loaded), bytes. */
  readonly startRss: number
}

const [clientArg, workloadArg, totalArg, perSendArg, stallArg, portArg] = process.argv.slice(2)
const client = clientArg as ClientName
const workload = workloadArg as WorkloadName
const total = Number(totalArg)
const perSend = Number(perSendArg)
const stall = stallArg === "true"
const endpoint = `http://127.0.0.1:${portArg}`
const TOKEN = "BENCH_TOKEN"
/** How long the stalled-server run keeps going after the burst before memory is read. */
const STALL_HOLD_MILLIS = 3000

let nextWaitId = 0
const waiting = new Map<number, () => void>()
process.on("message", (message: FromDriver) => {
  waiting.get(message.id)?.()
  waiting.delete(message.id)
})
/** Resolves once the sink has received `count` datapoints in this run. */
const sinkHas = (count: number): Promise<void> =>
  new Promise((resolve) => {
    const id = nextWaitId++
    waiting.set(id, resolve)
    process.send!({ type: "waitFor", id, count } satisfies ToDriver)
  })

/** Nanoseconds the main thread has run on a CPU (Linux `schedstat`, exact to the nanosecond). */
const mainThreadNanos = (): number => {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0])
  } catch {
    return NaN
  }
}

/** The CPU counters at the start of a measured span. */
const startCpu = () => ({ process: process.cpuUsage(), mainThread: mainThreadNanos() })
/** The CPU used since `startCpu`, in microseconds. */
const cpuSince = (start: ReturnType<typeof startCpu>) => {
  const used = process.cpuUsage(start.process)
  return { cpuMicros: used.user + used.system, mainThreadMicros: (mainThreadNanos() - start.mainThread) / 1000 }
}

const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!

/** A client as the benchmark drives it: `send` is awaited per call; `finish` resolves on delivery. */
interface Driven {
  readonly send: (points: Array<Gauge>) => Promise<unknown>
  /** Waits until what was sent is delivered (or dropped); returns how many were dropped so far. */
  readonly finish: () => Promise<number>
  readonly close: () => Promise<void>
}

const official = (): Driven => {
  const signalfx = requireOfficial()
  const ingest = new signalfx.Ingest(TOKEN, { ingestEndpoint: endpoint })
  return {
    send: (points) => ingest.send({ gauges: points }) as Promise<unknown>,
    finish: () => Promise.resolve(0),
    close: () => Promise.resolve()
  }
}

const promiseFacade = async (): Promise<Driven> => {
  const { SignalFx } = await import("effect-signalfx/promise")
  const sfx = new SignalFx(TOKEN, { ingestEndpoint: endpoint })
  return {
    send: (points) => sfx.send({ gauges: points }),
    finish: async () => {
      await sfx.flush()
      const { dropped } = sfx.stats().datapoints
      return Object.values(dropped).reduce((a, b) => a + b, 0)
    },
    close: () => sfx.stop()
  }
}

/**
 * The floor: the same datapoints written with protobufjs' Writer straight from the caller's
 * objects, gzipped at zlib's default level, posted over a keep-alive agent, 1,000 per request
 * and at most 4 requests in flight; no validation, no queue, no accounting, no retries.
 */
const floor = async (): Promise<Driven> => {
  const { Writer } = createRequire(import.meta.url)("protobufjs") as typeof Protobuf
  const agent = new http.Agent({ keepAlive: true })
  const batchSize = 1000
  const maxInFlight = 4
  let batch: Array<Gauge> = []
  const inFlight = new Set<Promise<void>>()
  const encode = (points: ReadonlyArray<Gauge>): Uint8Array => {
    // Field tags as (number << 3) | wire type, in docs/protocol.md §2.2's numbering.
    const writer = Writer.create()
    for (const point of points) {
      writer.uint32(10).fork()
      writer.uint32(18).string(point.metric)
      writer.uint32(24).int64(point.timestamp)
      writer.uint32(34).fork()
      if (Number.isInteger(point.value)) writer.uint32(24).int64(point.value)
      else writer.uint32(17).double(point.value)
      writer.ldelim()
      writer.uint32(40).int32(0)
      for (const key in point.dimensions) {
        writer.uint32(50).fork().uint32(10).string(key).uint32(18).string(point.dimensions[key]!).ldelim()
      }
      writer.ldelim()
    }
    return writer.finish()
  }
  const post = (points: ReadonlyArray<Gauge>): Promise<void> =>
    new Promise<Buffer>((resolve, reject) =>
      zlib.gzip(encode(points), (error, body) => (error === null ? resolve(body) : reject(error)))
    ).then((body) =>
      new Promise<void>((resolve, reject) => {
        const request = http.request(`${endpoint}/v2/datapoint`, {
          method: "POST",
          agent,
          headers: {
            "x-sf-token": TOKEN,
            "content-type": "application/x-protobuf",
            "content-encoding": "gzip",
            "content-length": body.length
          }
        }, (response) => {
          response.resume()
          response.on("end", () => resolve())
        })
        request.on("error", reject)
        request.end(body)
      })
    )
  const ship = async (points: ReadonlyArray<Gauge>): Promise<void> => {
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight)
    const request = post(points).finally(() => inFlight.delete(request))
    inFlight.add(request)
  }
  return {
    send: async (points) => {
      for (const point of points) batch.push(point)
      if (batch.length >= batchSize) {
        const full = batch
        batch = []
        await ship(full)
      }
    },
    finish: async () => {
      if (batch.length > 0) await ship(batch)
      batch = []
      await Promise.all(inFlight)
      return 0
    },
    close: () => {
      agent.destroy()
      return Promise.resolve()
    }
  }
}

/** Every this many datapoints the send loops let the event loop turn. */
const YIELD_EVERY = 500
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * A delivery workload runs twice in the same process: the first pass is a cold start (every
 * function interpreted, then compiled by V8 as it gets hot), the second is the steady state of
 * a process that has been sending for a while. The stalled burst runs once.
 */
const passes = stall ? 1 : 2
/** `send` calls per pass, and how many between two event-loop turns. */
const sends = Math.ceil(total / perSend)
const yieldEvery = Math.max(1, Math.round(YIELD_EVERY / perSend))

interface Measured {
  readonly elapsedMs: number
  readonly cpuMicros: number
  readonly mainThreadMicros: number
  readonly latencies: Float64Array
  readonly dropped: number
}

/** Closes a pass: its figures, with the process's peak RSS so far. */
const passResult = (measured: Measured): PassResult => {
  const sorted = measured.latencies.slice().sort()
  return {
    elapsedMs: measured.elapsedMs,
    cpuMicros: measured.cpuMicros,
    mainThreadMicros: measured.mainThreadMicros,
    peakRss: process.resourceUsage().maxRSS * 1024,
    dropped: measured.dropped,
    latencyP50Micros: percentile(sorted, 50),
    latencyP99Micros: percentile(sorted, 99)
  }
}

/** The send loop shared by the Promise-shaped clients. */
const runPromiseLoop = async (driven: Driven): Promise<RunResult> => {
  const startRss = process.memoryUsage.rss()
  const results: Array<PassResult> = []
  let droppedBefore = 0
  for (let pass = 0; pass < passes; pass++) {
    const offset = pass * total
    const latencies = new Float64Array(stall ? 0 : sends)
    const cpu0 = startCpu()
    const t0 = performance.now()
    if (stall) {
      // A burst: nothing is awaited (the official client's promises would wait on the stalled server).
      const pending: Array<Promise<unknown>> = []
      for (let s = 0; s < sends; s++) {
        pending.push(driven.send(gauges(workload, offset + s * perSend, perSend, Date.now())).catch(() => undefined))
      }
      await holdAndSample()
      results.push(passResult({ elapsedMs: performance.now() - t0, ...cpuSince(cpu0), latencies, dropped: 0 }))
      break
    }
    for (let s = 0; s < sends; s++) {
      const points = gauges(workload, offset + s * perSend, perSend, Date.now())
      const start = performance.now()
      await driven.send(points)
      latencies[s] = (performance.now() - start) * 1000
      if ((s + 1) % yieldEvery === 0) await turn()
    }
    const droppedSoFar = await driven.finish()
    await sinkHas((pass + 1) * total - droppedSoFar)
    const elapsedMs = performance.now() - t0
    results.push(passResult({ elapsedMs, ...cpuSince(cpu0), latencies, dropped: droppedSoFar - droppedBefore }))
    droppedBefore = droppedSoFar
  }
  return { passes: results, startRss }
}

/** The Effect API, used as an Effect program would: `yield* ingest.send(...)` in a generator. */
const runEffect = async (): Promise<RunResult> => {
  const [{ Ingest }, Effect, Redacted, FetchHttpClient] = await Promise.all([
    import("effect-signalfx"),
    import("effect/Effect"),
    import("effect/Redacted"),
    import("@effect/platform/FetchHttpClient")
  ])
  return Effect.gen(function*() {
    const ingest = yield* Ingest.make({ token: Redacted.make(TOKEN), ingestEndpoint: endpoint })
    const startRss = process.memoryUsage.rss()
    const results: Array<PassResult> = []
    let droppedBefore = 0
    for (let pass = 0; pass < passes; pass++) {
      const offset = pass * total
      const latencies = new Float64Array(stall ? 0 : sends)
      const cpu0 = startCpu()
      const t0 = performance.now()
      for (let s = 0; s < sends; s++) {
        const points = gauges(workload, offset + s * perSend, perSend, Date.now())
        const start = performance.now()
        yield* Effect.either(ingest.send({ gauges: points }))
        if (!stall) {
          latencies[s] = (performance.now() - start) * 1000
          if ((s + 1) % yieldEvery === 0) yield* Effect.promise(turn)
        }
      }
      if (stall) {
        yield* Effect.promise(holdAndSample)
        const cpu = cpuSince(cpu0)
        // Report and exit from here: the scope's graceful stop would wait on the stalled server.
        return yield* Effect.promise(() =>
          report({
            passes: [passResult({ elapsedMs: performance.now() - t0, ...cpu, latencies, dropped: 0 })],
            startRss
          })
        )
      }
      yield* ingest.flush
      const stats = (yield* ingest.stats).datapoints
      const droppedSoFar = Object.values(stats.dropped).reduce((a, b) => a + b, 0)
      yield* Effect.promise(() => sinkHas((pass + 1) * total - droppedSoFar))
      const elapsedMs = performance.now() - t0
      results.push(passResult({ elapsedMs, ...cpuSince(cpu0), latencies, dropped: droppedSoFar - droppedBefore }))
      droppedBefore = droppedSoFar
    }
    return { passes: results, startRss }
  }).pipe(
    Effect.scoped,
    Effect.provide(FetchHttpClient.layer),
    Effect.runPromise
  )
}

/**
 * The Effect 4 package's modules, loaded as the package itself resolves them: its `effect` is
 * Effect 4 (packages/effect4/node_modules/effect), where this file's `effect` is the repository's
 * Effect 3, and the program must share the package's copy. The package is the built one (dist/),
 * reached by its name through its `exports`, like the Effect 3 package above.
 */
const effect4Modules = async () => {
  const effect4 = createRequire(path.join(benchDir, "..", "packages", "effect4", "package.json"))
  const load = (specifier: string) => import(pathToFileURL(effect4.resolve(specifier)).href)
  // The package's types: its sources (the root tsconfig's `paths`) or its declarations (bench's build).
  const [{ Ingest }, Effect, Redacted, { FetchHttpClient }]: [
    typeof Effect4Api,
    typeof Effect4,
    typeof Redacted4,
    typeof Http4
  ] = await Promise.all([
    load("@effect-signalfx/effect4"),
    load("effect/Effect"),
    load("effect/Redacted"),
    load("effect/http")
  ])
  return { Ingest, Effect, Redacted, FetchHttpClient }
}

/** The Effect 4 API, the same program as `runEffect` in Effect 4's names (`Effect.result` for `Effect.either`). */
const runEffect4 = async (): Promise<RunResult> => {
  const { Effect, FetchHttpClient, Ingest, Redacted } = await effect4Modules()
  return Effect.gen(function*() {
    const ingest = yield* Ingest.make({ token: Redacted.make(TOKEN), ingestEndpoint: endpoint })
    const startRss = process.memoryUsage.rss()
    const results: Array<PassResult> = []
    let droppedBefore = 0
    for (let pass = 0; pass < passes; pass++) {
      const offset = pass * total
      const latencies = new Float64Array(stall ? 0 : sends)
      const cpu0 = startCpu()
      const t0 = performance.now()
      for (let s = 0; s < sends; s++) {
        const points = gauges(workload, offset + s * perSend, perSend, Date.now())
        const start = performance.now()
        yield* Effect.result(ingest.send({ gauges: points }))
        if (!stall) {
          latencies[s] = (performance.now() - start) * 1000
          if ((s + 1) % yieldEvery === 0) yield* Effect.promise(turn)
        }
      }
      if (stall) {
        yield* Effect.promise(holdAndSample)
        const cpu = cpuSince(cpu0)
        // Report and exit from here: the scope's graceful stop would wait on the stalled server.
        return yield* Effect.promise(() =>
          report({
            passes: [passResult({ elapsedMs: performance.now() - t0, ...cpu, latencies, dropped: 0 })],
            startRss
          })
        )
      }
      yield* ingest.flush
      const stats = (yield* ingest.stats).datapoints
      const droppedSoFar = Object.values(stats.dropped).reduce((a, b) => a + b, 0)
      yield* Effect.promise(() => sinkHas((pass + 1) * total - droppedSoFar))
      const elapsedMs = performance.now() - t0
      results.push(passResult({ elapsedMs, ...cpuSince(cpu0), latencies, dropped: droppedSoFar - droppedBefore }))
      droppedBefore = droppedSoFar
    }
    return { passes: results, startRss }
  }).pipe(
    Effect.scoped,
    Effect.provide(FetchHttpClient.layer),
    Effect.runPromise
  )
}

/** Keeps the process busy with its client for a while; RSS peaks are read from `maxRSS`. */
const holdAndSample = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, STALL_HOLD_MILLIS))

/** Sends the figures to the driver, then closes the client (not after a stall) and exits. */
const report = (result: RunResult, close?: () => Promise<void>): Promise<never> =>
  new Promise<never>(() => {
    process.send!({ type: "result", result } satisfies ToDriver, () => {
      if (stall || close === undefined) process.exit(0)
      void close().then(() => process.exit(0))
    })
  })

const main = async (): Promise<void> => {
  if (client === "effect") {
    await report(await runEffect())
  } else if (client === "effect4") {
    await report(await runEffect4())
  } else {
    const driven = client === "official" ? official() : client === "promise" ? await promiseFacade() : await floor()
    await report(await runPromiseLoop(driven), driven.close)
  }
}

void main()
