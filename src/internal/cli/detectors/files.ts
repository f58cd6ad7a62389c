/**
 * Detectors as code: reading detector files. Each file holds one detector in the REST API's
 * shape (`name`, `programText`, `rules`, and any other field the API takes), as JSON (`.json`)
 * or YAML (`.yaml`, `.yml`, parsed with the `yaml` package). A folder stands for the detector
 * files directly in it. Files and folders are bounded, and a file that cannot be read or parsed
 * is a usage mistake naming the file and, when the parser knows it, the line.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import * as fs from "node:fs"
import * as path from "node:path"
import { LineCounter, parseDocument } from "yaml"
import type { DetectorInput, DetectorRuleInput } from "../../../Rest.js"
import type { CliError } from "../exit.js"
import { fail } from "../exit.js"

/** The largest detector file read (1 MiB): a detector with a long program is a few kilobytes. */
const MAX_DETECTOR_FILE_BYTES = 1024 * 1024

/** The most files one command reads, folders expanded. */
const MAX_DETECTOR_FILES = 1000

/** YAML aliases a file may expand: enough for any detector, too few for an exponential blow-up. */
const MAX_ALIAS_COUNT = 100

const EXTENSIONS: ReadonlyArray<string> = [".json", ".yaml", ".yml"]

/**
 * Fields the service sets on a detector. A file exported with `detectors get --json` carries
 * them; they are not the file's to set, so they are neither sent nor compared.
 */
const SERVICE_FIELDS: ReadonlySet<string> = new Set(["id", "created", "creator", "lastUpdated", "lastUpdatedBy"])

/** One detector read from its file. @internal */
export interface DetectorFile {
  readonly file: string
  readonly detector: DetectorInput
}

const reasonOf = (error: unknown): string => error instanceof Error ? error.message : String(error)

/**
 * The files the arguments name: a file as it is, a folder as its detector files (`.json`,
 * `.yaml`, `.yml`, not its subfolders) in name order. A missing path is a usage mistake.
 * @internal
 */
export const expandPaths = (paths: ReadonlyArray<string>): Effect.Effect<Array<string>, CliError> =>
  Effect.gen(function*() {
    const files: Array<string> = []
    for (const given of paths) {
      const stat = yield* Effect.try({
        try: () => fs.statSync(given),
        catch: () => fail("usage", `no such file or folder: ${given}`)
      })
      if (stat.isDirectory()) {
        const entries = yield* Effect.try({
          try: () => fs.readdirSync(given, { withFileTypes: true }),
          catch: (error) => fail("usage", `cannot read the folder ${given}: ${reasonOf(error)}`)
        })
        const inFolder = entries
          .filter((entry) => entry.isFile() && EXTENSIONS.includes(path.extname(entry.name).toLowerCase()))
          .map((entry) => path.join(given, entry.name))
          .sort()
        if (inFolder.length === 0) {
          return yield* fail("usage", `the folder ${given} holds no detector files (.json, .yaml or .yml)`)
        }
        for (const file of inFolder) files.push(file)
      } else {
        files.push(given)
      }
      if (files.length > MAX_DETECTOR_FILES) {
        return yield* fail("usage", `more than ${MAX_DETECTOR_FILES} detector files given; apply them in parts`)
      }
    }
    return files
  })

/** The line (from 1) of the character at `offset`. */
const lineAt = (text: string, offset: number): number => {
  let line = 1
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text.charCodeAt(index) === 10) line++
  }
  return line
}

const unparsable = (file: string, line: number | undefined, reason: string): CliError =>
  fail("usage", `cannot parse ${file}${line === undefined ? "" : ` at line ${line}`}: ${reason}`)

/** Whether `text` is JSON, or the start of some JSON: its only fault is that it ends early. */
const isJsonSoFar = (text: string): boolean => {
  try {
    JSON.parse(text)
    return true
  } catch (error) {
    const reason = reasonOf(error)
    const position = /at position (\d+)/.exec(reason)?.[1]
    return reason.startsWith("Unexpected end of JSON input") ||
      (position !== undefined && Number(position) >= text.length)
  }
}

/**
 * The line JSON.parse stopped at, when its message does not say: the first line whose end makes
 * the text more than unfinished. A token never spans lines in JSON, so cutting at a line's end
 * never makes a fault, and a binary search over the lines finds it in a few parses.
 */
const faultyLine = (text: string): number => {
  const ends = [...text.matchAll(/\n/g)].map((match) => match.index).concat(text.length)
  let good = 0
  let bad = ends.length
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2)
    if (isJsonSoFar(text.slice(0, ends[middle - 1]))) good = middle
    else bad = middle
  }
  return bad
}

const parseJson = (file: string, text: string): Either.Either<unknown, CliError> => {
  try {
    return Either.right(JSON.parse(text))
  } catch (error) {
    // Node says where ("… in JSON at position 42"), or quotes the whole text instead.
    const reason = reasonOf(error).replace(/, (?:\.\.\.)?"[\s\S]*" is not valid JSON$/, "")
    const position = /at position (\d+)/.exec(reason)?.[1]
    const plain = reason.replace(/ (?:in JSON )?at position \d+/, "")
    return Either.left(
      unparsable(file, position === undefined ? faultyLine(text) : lineAt(text, Number(position)), plain)
    )
  }
}

const parseYaml = (file: string, text: string): Either.Either<unknown, CliError> => {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const [error] = document.errors
  if (error !== undefined) {
    return Either.left(unparsable(file, lineCounter.linePos(error.pos[0]).line, error.message))
  }
  try {
    return Either.right(document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }))
  } catch (cause) {
    return Either.left(unparsable(file, undefined, reasonOf(cause)))
  }
}

const notADetector = (file: string, reason: string): CliError => fail("usage", `${file} is not a detector: ${reason}`)

const ruleAt = (file: string, rule: unknown, index: number): Either.Either<DetectorRuleInput, CliError> => {
  if (!Predicate.isRecord(rule)) return Either.left(notADetector(file, `rules[${index}] is not a mapping`))
  const { detectLabel, severity } = rule
  if (typeof detectLabel !== "string") {
    return Either.left(notADetector(file, `rules[${index}] has no detectLabel (the label the program publishes)`))
  }
  if (typeof severity !== "string") {
    return Either.left(notADetector(file, `rules[${index}] has no severity (Critical, Major, Minor, Warning or Info)`))
  }
  return Either.right({ ...rule, detectLabel, severity })
}

/**
 * The detector a parsed file holds: a mapping with a `name`, a `programText` and a list of
 * `rules` (each with its `detectLabel` and `severity`); the service's own fields left out.
 * @internal
 */
export const detectorOf = (file: string, value: unknown): Either.Either<DetectorInput, CliError> => {
  if (!Predicate.isRecord(value)) return Either.left(notADetector(file, "it holds no mapping of a detector's fields"))
  const { name, programText, rules } = value
  if (typeof name !== "string" || name.trim() === "") return Either.left(notADetector(file, "it has no name"))
  if (typeof programText !== "string") return Either.left(notADetector(file, "it has no programText"))
  if (!Array.isArray(rules)) return Either.left(notADetector(file, "rules is not a list"))
  return Either.map(
    Either.all(rules.map((rule: unknown, index) => ruleAt(file, rule, index))),
    (checkedRules) => ({
      ...Object.fromEntries(Object.entries(value).filter(([field]) => !SERVICE_FIELDS.has(field))),
      name,
      programText,
      rules: checkedRules
    })
  )
}

/**
 * Reads the detector in `file`: JSON or YAML by its extension, at most
 * {@link MAX_DETECTOR_FILE_BYTES}. Any problem is a usage mistake naming the file (and the line).
 * @internal
 */
export const readDetectorFile = (file: string): Effect.Effect<DetectorFile, CliError> =>
  Effect.gen(function*() {
    const extension = path.extname(file).toLowerCase()
    if (!EXTENSIONS.includes(extension)) {
      return yield* fail("usage", `${file} is not a detector file: its name must end in .json, .yaml or .yml`)
    }
    const text = yield* Effect.try({
      try: () => {
        const size = fs.statSync(file).size
        if (size > MAX_DETECTOR_FILE_BYTES) {
          throw new Error(`it is ${size} bytes, over the 1 MiB a detector file may have`)
        }
        return fs.readFileSync(file, "utf8")
      },
      catch: (error) => fail("usage", `cannot read ${file}: ${reasonOf(error)}`)
    })
    const value = yield* (extension === ".json" ? parseJson(file, text) : parseYaml(file, text))
    const detector = yield* detectorOf(file, value)
    return { file, detector }
  })
