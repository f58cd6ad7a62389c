/**
 * `npm run bench:signalflow`: how many SignalFlow values per second the client takes in on one
 * core — binary data frames read off a loopback WebSocket, decoded (gunzipped when compressed),
 * routed to their channel, buffered and handed to a `Stream` consumer that counts them.
 *
 * The peer is this same file in a child process, so its work (building and sending the frames)
 * is not counted. It answers an `execute` with `frames` data batches of `values` values each, then
 * the end of the channel. The figures: values per second of wall time, and values per second of
 * the client process's CPU time (user + system, all threads: gunzip runs on the main thread).
 */
import { SignalFlow } from "effect-signalfx"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { fork } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as zlib from "node:zlib"
import { WebSocketServer } from "ws"

interface Scenario {
  readonly name: string
  readonly frames: number
  readonly values: number
  readonly gzip: boolean
  readonly version: 1 | 2 | 3
}

const scenarios: ReadonlyArray<Scenario> = [
  { name: "1,000 values per batch, gzip (the default)", frames: 2_000, values: 1_000, gzip: true, version: 2 },
  { name: "1,000 values per batch, uncompressed", frames: 2_000, values: 1_000, gzip: false, version: 2 },
  { name: "100 values per batch, gzip", frames: 10_000, values: 100, gzip: true, version: 2 },
  { name: "10 values per batch, uncompressed", frames: 50_000, values: 10, gzip: false, version: 1 }
]

const dataBody = (scenario: Scenario, timestamp: number): Buffer => {
  const headerLength = scenario.version === 1 ? 12 : 20
  const body = Buffer.alloc(headerLength + scenario.values * 17)
  body.writeBigInt64BE(BigInt(timestamp), 0)
  if (scenario.version !== 1) body.writeBigInt64BE(0n, 8)
  body.writeUInt32BE(scenario.values, headerLength - 4)
  for (let i = 0, offset = headerLength; i < scenario.values; i++, offset += 17) {
    body[offset] = i % 3 === 0 ? 1 : 2
    body.writeBigUInt64BE(0x1234_0000_0000n + BigInt(i), offset + 1)
    if (body[offset] === 1) body.writeBigInt64BE(BigInt(i * 7), offset + 9)
    else body.writeDoubleBE(i * 0.5 + timestamp / 1e6, offset + 9)
  }
  return scenario.gzip ? zlib.gzipSync(body) : body
}

const header = (scenario: Scenario, channel: string): Buffer => {
  const header = Buffer.alloc(20)
  header[0] = scenario.version
  header[1] = 5
  header[2] = scenario.gzip ? 1 : 0
  header.write(channel, 4, 16, "utf8")
  return header
}

/** The child: a SignalFlow peer that answers each `execute` with the scenario named by its program. */
const peer = (): void => {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/v2/signalflow/connect" }, () => {
    const address = server.address()
    process.send?.({ port: typeof address === "object" && address !== null ? address.port : 0 })
  })
  // The bodies are built (and gzipped) once per scenario, as the service computes its batches
  // before writing them: the wall time then measures the client, not the building.
  const built = new Map<string, ReadonlyArray<Buffer>>()
  server.on("connection", (socket) => {
    socket.on("message", (data) => {
      const request: { type: string; channel?: string; program?: string } = JSON.parse(data.toString())
      if (request.type === "authenticate") socket.send(JSON.stringify({ type: "authenticated" }))
      if (request.type !== "execute") return
      // The program names the scenario and the number of frames: `name|frames`.
      const [name, frameCount] = request.program!.split("|")
      const scenario = { ...scenarios.find((s) => s.name === name)!, frames: Number(frameCount) }
      const channel = request.channel!
      let bodies = built.get(request.program!)
      if (bodies === undefined) {
        bodies = Array.from({ length: scenario.frames }, (_, i) => dataBody(scenario, (i + 1) * 1000))
        built.set(request.program!, bodies)
      }
      const frameHeader = header(scenario, channel)
      for (const body of bodies) socket.send(Buffer.concat([frameHeader, body]), { binary: true })
      socket.send(JSON.stringify({ type: "control-message", channel, event: "END_OF_CHANNEL", timestampMs: 0 }))
    })
  })
  process.on("disconnect", () => process.exit(0))
}

const measure = (signalflow: SignalFlow.Service, scenario: Scenario) =>
  Effect.gen(function*() {
    const started = performance.now()
    const cpu = process.cpuUsage()
    const count = yield* signalflow.execute(`${scenario.name}|${scenario.frames}`).pipe(
      Stream.runFold(0, (total, message) => (message.type === "data" ? total + message.data.length : total))
    )
    const seconds = (performance.now() - started) / 1000
    const used = process.cpuUsage(cpu)
    const cpuSeconds = (used.user + used.system) / 1e6
    if (count !== scenario.frames * scenario.values) {
      return yield* Effect.die(`expected ${scenario.frames * scenario.values} values, counted ${count}`)
    }
    return { count, seconds, cpuSeconds }
  })

const main = async (): Promise<void> => {
  const child = fork(fileURLToPath(import.meta.url), ["peer"], { stdio: "inherit" })
  const port = await new Promise<number>((resolve) => child.once("message", (m: { port: number }) => resolve(m.port)))
  const program = Effect.scoped(Effect.gen(function*() {
    const largest = Math.max(...scenarios.map((s) => s.frames))
    const signalflow = yield* SignalFlow.make({
      token: Redacted.make("bench"),
      streamEndpoint: `ws://127.0.0.1:${port}`,
      // Room for a whole run: this measures decoding, not the slow-consumer policy.
      bufferSize: largest + 16
    })
    console.log(`SignalFlow decoding, node ${process.version}, one client process (the peer runs in another)`)
    for (const scenario of scenarios) {
      // The first run warms up the client and has the peer build its frames.
      yield* measure(signalflow, scenario)
      const runs = []
      for (let i = 0; i < 3; i++) runs.push(yield* measure(signalflow, scenario))
      const best = runs.reduce((a, b) => (a.cpuSeconds < b.cpuSeconds ? a : b))
      const perWall = Math.round(best.count / best.seconds)
      const perCpu = Math.round(best.count / best.cpuSeconds)
      console.log(
        `${scenario.name.padEnd(44)} ${best.count.toLocaleString("en")} values: ` +
          `${perWall.toLocaleString("en")} values/s wall, ${perCpu.toLocaleString("en")} values per CPU-second ` +
          `(${((best.cpuSeconds / best.count) * 1e9).toFixed(0)} ns per value)`
      )
    }
  }))
  await Effect.runPromise(program)
  child.disconnect()
}

if (process.argv[2] === "peer") peer()
else await main()
