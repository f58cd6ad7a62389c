/**
 * Detectors as code: validating, creating, updating and applying a set of detector files, each
 * reported on its own line. A detector is found by its name: `apply` creates it when no detector
 * has that name, updates it when one does and a field the file sets differs, and leaves it alone
 * otherwise, so that applying a folder again and again converges. Loaded only when such a
 * command runs (it pulls in the YAML parser), so that `--help` stays quick.
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import { peerText } from "../../../core/peerText.js"
import type * as Rest from "../../../Rest.js"
import type { CliError } from "../exit.js"
import { ExitCode, fail } from "../exit.js"
import { Output } from "../output.js"
import { changedFields } from "./compare.js"
import { isFatal, restError } from "./errors.js"
import type { DetectorFile } from "./files.js"
import { expandPaths, readDetectorFile } from "./files.js"

/** What a command does with each file. @internal */
export type Mode = "validate" | "create" | "update" | "apply"

/** What became of a file's detector. */
type Action = "valid" | "created" | "updated" | "unchanged"

interface Outcome {
  readonly action: Action
  readonly id: string | undefined
  /** The fields that differed from the service's copy, for an update. */
  readonly changed: ReadonlyArray<string>
}

/** How many detectors of one name are listed when refusing to choose between them. */
const MAX_NAMESAKES = 10

/**
 * The detectors named exactly `name` (the service's search matches part of a name, in any case).
 * @internal
 */
export const detectorsNamed = (rest: Rest.Service, name: string) =>
  rest.detectors.stream({ name }).pipe(
    Stream.filter((detector) => detector.name === name),
    Stream.take(MAX_NAMESAKES),
    Stream.runCollect,
    Effect.map(Chunk.toArray)
  )

/** The refusal to act on a name that several detectors share. @internal */
export const ambiguousName = (name: string, detectors: ReadonlyArray<Rest.Detector>): CliError =>
  fail(
    "usage",
    `${detectors.length} detectors are named ${JSON.stringify(name)} (ids ${
      detectors.map((detector) => detector.id).join(", ")
    }); delete or rename all but one of them`
  )

const unchanged = (id: string): Outcome => ({ action: "unchanged", id, changed: [] })

/** Does to one detector what `mode` says; `dryRun` asks the service to validate instead of writing. */
const applyOne = (
  rest: Rest.Service,
  mode: Exclude<Mode, "validate">,
  dryRun: boolean,
  { detector }: DetectorFile
) =>
  Effect.gen(function*() {
    const namesakes = yield* detectorsNamed(rest, detector.name)
    if (namesakes.length > 1) return yield* ambiguousName(detector.name, namesakes)
    const [existing] = namesakes
    if (existing === undefined) {
      if (mode === "update") {
        return yield* fail(
          "notFound",
          `no detector is named ${
            JSON.stringify(detector.name)
          }; create it with \`detectors create\` or \`detectors apply\``
        )
      }
      if (dryRun) {
        yield* rest.detectors.validate(detector)
        return { action: "created", id: undefined, changed: [] } satisfies Outcome
      }
      const created = yield* rest.detectors.create(detector)
      return { action: "created", id: created.id, changed: [] } satisfies Outcome
    }
    if (mode === "create") {
      return yield* fail(
        "usage",
        `a detector named ${
          JSON.stringify(detector.name)
        } exists (id ${existing.id}); change it with \`detectors update\` or \`detectors apply\``
      )
    }
    const changed = changedFields(detector, existing)
    if (changed.length === 0) return unchanged(existing.id)
    // An update replaces the detector: the fields the file leaves out keep the service's values.
    const replacement = { ...existing, ...detector }
    if (dryRun) yield* rest.detectors.validate(replacement)
    else yield* rest.detectors.update(existing.id, replacement)
    return { action: "updated", id: existing.id, changed } satisfies Outcome
  })

const validateOne = (rest: Rest.Service, { detector }: DetectorFile) =>
  Effect.as(rest.detectors.validate(detector), { action: "valid", id: undefined, changed: [] } satisfies Outcome)

const WORDS: Record<Action, readonly [done: string, wouldDo: string]> = {
  valid: ["valid", "valid"],
  created: ["created", "would create"],
  updated: ["updated", "would update"],
  unchanged: ["unchanged", "unchanged"]
}

const PAST: Record<Mode, string> = {
  validate: "valid",
  create: "created",
  update: "updated",
  apply: "applied"
}

/** The options of a run over files. @internal */
export interface RunOptions {
  readonly mode: Mode
  readonly paths: ReadonlyArray<string>
  readonly dryRun: boolean
  readonly json: boolean
}

/**
 * Runs `mode` over the detector files `paths` name, a line per file on stdout (an object per line
 * with `--json`). A file's failure (it cannot be parsed, the service refuses its detector, its
 * name is ambiguous) is reported on stderr and the run goes on with the next file; the run then
 * fails with the exit code of the first failure. A refused token or an unreachable service ends
 * the run at once, with its own exit code.
 * @internal
 */
export const runFiles = (rest: Rest.Service, options: RunOptions) =>
  Effect.gen(function*() {
    const output = yield* Output
    const files = yield* expandPaths(options.paths)
    const progress = yield* output.progress(`reading ${files.length} detector file(s)`)
    const failures: Array<CliError> = []
    // One file's failure is the command's: said once, as its failure, rather than also on a line.
    const single = files.length === 1 && !options.json
    // A line printed while the progress line shows would start on its row: the row is cleared
    // first, and the progress line redrawn below with the next file.
    const clearProgress = Effect.sync(() => progress(""))
    const report = (file: string, error: CliError) => {
      failures.push(error)
      return options.json
        ? Effect.zipRight(
          clearProgress,
          output.json({ file, action: "failed", exitCode: ExitCode[error.kind], error: error.message })
        )
        : single
        ? Effect.void
        : Effect.zipRight(clearProgress, output.warn(error.message))
    }

    const read: Array<DetectorFile> = []
    for (const file of files) {
      const parsed = yield* Effect.either(readDetectorFile(file))
      if (Either.isLeft(parsed)) yield* report(file, parsed.left)
      else read.push(parsed.right)
    }
    // Two files of one name would undo each other on every run.
    const filesByName = new Map<string, Array<string>>()
    for (const { detector, file } of read) {
      filesByName.set(detector.name, [...filesByName.get(detector.name) ?? [], file])
    }

    for (const [index, detectorFile] of read.entries()) {
      const { detector, file } = detectorFile
      progress(`${options.dryRun ? "checking" : "applying"} ${index + 1} of ${read.length}: ${file}`)
      const namesakes = filesByName.get(detector.name) ?? []
      if (options.mode !== "validate" && namesakes.length > 1) {
        yield* report(
          file,
          fail(
            "usage",
            `${file}: the detector name ${JSON.stringify(detector.name)} is also in ${
              namesakes.filter((other) => other !== file).join(", ")
            }; each detector needs a name of its own`
          )
        )
        continue
      }
      const outcome = yield* (options.mode === "validate"
        ? validateOne(rest, detectorFile)
        : applyOne(rest, options.mode, options.dryRun, detectorFile)).pipe(Effect.mapError(restError), Effect.either)
      if (Either.isLeft(outcome)) {
        if (isFatal(outcome.left)) return yield* outcome.left
        yield* report(file, fail(outcome.left.kind, `${file}: ${outcome.left.message}`))
        continue
      }
      const { action, changed, id } = outcome.right
      yield* clearProgress
      if (options.json) {
        yield* output.json({ file, name: detector.name, action, id, changed, dryRun: options.dryRun })
      } else {
        const [done, wouldDo] = WORDS[action]
        const word = options.dryRun ? wouldDo : done
        const details = [id === undefined ? [] : [`id ${id}`], changed.length === 0 ? [] : [changed.join(", ")]].flat()
        yield* output.line(
          `${output.paint(action === "unchanged" ? "dim" : "good", word.padEnd(12))} ${peerText(file)}  ${
            peerText(detector.name)
          }${details.length === 0 ? "" : `  (${peerText(details.join("; "))})`}`
        )
      }
    }
    const [first] = failures
    if (first !== undefined) {
      if (single) return yield* first
      return yield* fail(
        first.kind,
        `${failures.length} of ${files.length} detector file(s) not ${
          PAST[options.mode]
        }; each file's reason is reported with it`
      )
    }
  }).pipe(Effect.scoped)
