/**
 * Writing a benchmark's output into bench/RESULTS.md: between its own begin and end markers, so
 * that each benchmark replaces its section and leaves the others' as they were.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { benchDir } from "./cli.js"

/** Replaces the section marked `name` (`<!-- name:begin -->` … `<!-- name:end -->`), or adds it. */
export const writeSection = (name: string, output: string): void => {
  const file = path.join(benchDir, "RESULTS.md")
  const begin = `<!-- ${name}:begin -->`
  const end = `<!-- ${name}:end -->`
  const previous = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : `# Benchmark results\n\n${begin}\n${end}\n`
  const from = previous.indexOf(begin)
  const to = previous.indexOf(end)
  const next = from === -1 || to === -1
    ? `${previous}\n${begin}\n${output}\n${end}\n`
    : `${previous.slice(0, from + begin.length)}\n${output}\n${previous.slice(to)}`
  fs.writeFileSync(file, next)
  console.log(`\nWritten to ${path.relative(process.cwd(), file)}`)
}
