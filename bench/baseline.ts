/**
 * `npm run bench:baseline`: the memory a process carries before its first datapoint — the figure
 * behind the peak-RSS comparison in RESULTS.md. Each line is a fresh `node` process that imports
 * the modules named, collects garbage, and reports its resident set.
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath, pathToFileURL } from "node:url"
import { ensureOfficial, officialEntry } from "./official.js"

const sets: ReadonlyArray<readonly [label: string, modules: ReadonlyArray<string>]> = [
  ["bare `node`", []],
  ["the official client (`signalfx`)", ["official"]],
  ["protobufjs (the floor)", ["protobufjs"]],
  ["`effect/Effect`", ["effect/Effect"]],
  ["`effect/Effect`, `@effect/platform`'s `HttpClient` and `FetchHttpClient`", [
    "effect/Effect",
    "@effect/platform/HttpClient",
    "@effect/platform/FetchHttpClient"
  ]],
  ["`effect-signalfx` (the Effect API)", ["effect-signalfx"]],
  ["`effect-signalfx/promise` (the facade)", ["effect-signalfx/promise"]]
]

const measureIn = async (modules: ReadonlyArray<string>): Promise<void> => {
  // The official client is installed apart, in bench/official (see official.ts).
  for (const module of modules) await import(module === "official" ? pathToFileURL(officialEntry()).href : module)
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  await new Promise((resolve) => setTimeout(resolve, 50))
  gc?.()
  process.stdout.write(String(process.memoryUsage.rss()))
}

if (process.argv[2] === "measure") {
  void measureIn(process.argv.slice(3))
} else {
  ensureOfficial()
  console.log(`RSS after loading, MiB (Node ${process.version})\n`)
  console.log("| loaded | RSS MiB |\n|---|--:|")
  for (const [label, modules] of sets) {
    const rss = Number(
      execFileSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), "measure", ...modules], {
        encoding: "utf8"
      })
    )
    console.log(`| ${label} | ${(rss / 2 ** 20).toFixed(1)} |`)
  }
}
