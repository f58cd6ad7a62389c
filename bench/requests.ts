/**
 * `npm run bench:requests`: what one request costs, whatever it carries — the figure behind the
 * default batch size and the synchronous gzip. It posts the same gzipped 110 KB body (about
 * 1,000 datapoints) over loopback with `node:http`, with `fetch`, and with `@effect/platform`'s
 * `FetchHttpClient` (what the Ingest service runs on by default), and compresses it with
 * `zlib.gzip` (libuv's pool) and `zlib.gzipSync`. Figures are CPU microseconds per request: the
 * main thread (Linux `schedstat`) and the whole process (`process.cpuUsage`).
 *
 * The sink is this same file in a child process, so its work is not counted.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { fork } from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import { fileURLToPath } from "node:url"
import * as zlib from "node:zlib"

const WARMUP = 200
const MEASURED = 1000

const sink = (): void => {
  const server = http.createServer((request, response) => {
    request.resume()
    request.on("end", () => {
      response.setHeader("content-length", 2)
      response.end("OK")
    })
  })
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    if (address !== null && typeof address === "object") process.send!(address.port)
  })
  process.on("disconnect", () => server.close())
}

const mainThreadMicros = (): number =>
  Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]) / 1000

const measure = async (name: string, once: () => Promise<unknown>): Promise<void> => {
  for (let i = 0; i < WARMUP; i++) await once()
  const main0 = mainThreadMicros()
  const cpu0 = process.cpuUsage()
  for (let i = 0; i < MEASURED; i++) await once()
  const cpu = process.cpuUsage(cpu0)
  const main = (mainThreadMicros() - main0) / MEASURED
  const total = (cpu.user + cpu.system) / MEASURED
  console.log(`| ${name} | ${main.toFixed(0)} | ${total.toFixed(0)} |`)
}

const driver = async (): Promise<void> => {
  const child = fork(fileURLToPath(import.meta.url), ["sink"], { stdio: "inherit" })
  const port = await new Promise<number>((resolve) => child.once("message", (port: number) => resolve(port)))
  const url = `http://127.0.0.1:${port}/v2/datapoint`
  // Protobuf-like bytes: repetitive enough to compress about as datapoints do.
  const raw = Buffer.alloc(110_000)
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 31) % 97
  const body = zlib.gzipSync(raw, { level: 1 })
  const headers = { "content-type": "application/x-protobuf", "content-encoding": "gzip" }

  console.log(`CPU µs per request, ${MEASURED} requests after ${WARMUP} unmeasured, Node ${process.version}\n`)
  console.log("| what | main thread | process |\n|---|--:|--:|")
  const agent = new http.Agent({ keepAlive: true })
  await measure("`node:http`, keep-alive agent", () =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(url, {
        method: "POST",
        agent,
        headers: { ...headers, "content-length": body.length }
      }, (response) => {
        response.resume()
        response.on("end", resolve)
      })
      request.on("error", reject)
      request.end(body)
    }))
  await measure("`fetch`", async () => {
    const response = await fetch(url, { method: "POST", body, headers })
    await response.text()
  })
  const runtime = ManagedRuntime.make(FetchHttpClient.layer)
  const viaPlatform = Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(
      HttpClientRequest.post(url).pipe(
        HttpClientRequest.setHeader("content-encoding", "gzip"),
        HttpClientRequest.bodyUint8Array(body, "application/x-protobuf")
      )
    )
    return yield* response.text
  })
  await measure("`@effect/platform` `FetchHttpClient`, execute + text", () => runtime.runPromise(viaPlatform))
  await runtime.dispose()
  await measure(
    "`zlib.gzip` level 1 (libuv's pool)",
    () =>
      new Promise<void>((resolve, reject) =>
        zlib.gzip(raw, { level: 1 }, (error) => (error === null ? resolve() : reject(error)))
      )
  )
  await measure("`zlib.gzipSync` level 1", () => Promise.resolve(zlib.gzipSync(raw, { level: 1 })))
  agent.destroy()
  child.disconnect()
}

if (process.argv[2] === "sink") sink()
else void driver()
