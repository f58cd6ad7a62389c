/**
 * `effect-signalfx detectors`: list, get, validate, create, update, apply and delete detectors
 * through the library's Rest service, and keep them as code: a folder of JSON or YAML files,
 * applied again and again (`detectors/apply.ts`).
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { peerText } from "../../core/peerText.js"
import * as Rest from "../../Rest.js"
import type { ConnectionArgs } from "./common.js"
import { connectionOptions, resolveConnection, restLayer } from "./common.js"
import type { Mode } from "./detectors/apply.js"
import { restError } from "./detectors/errors.js"
import { fail } from "./exit.js"
import { describe } from "./help.js"
import { checkLimit, limitOption } from "./limit.js"
import { jsonOption, Output } from "./output.js"

/** The most a request asks for at once. */
const MAX_PAGE = 100

/**
 * Runs `use` with the Rest service of the connection the options name; the library's failures
 * become the command's (`detectors/errors.ts`).
 * @internal
 */
export const withRest = <A, E, R>(
  args: ConnectionArgs,
  use: (rest: Rest.Service) => Effect.Effect<A, E, R>
) =>
  Effect.gen(function*() {
    const connection = yield* resolveConnection(args)
    return yield* Effect.flatMap(Rest.Rest, use).pipe(Effect.provide(restLayer(connection)))
  }).pipe(Effect.mapError(restError))

/** The page size to ask for a `--limit` of objects with. @internal */
export const pageSizeFor = (limit: number): number => Math.min(limit, MAX_PAGE)

/** Milliseconds since the epoch as an ISO time to the second, or "" for none (or nonsense). @internal */
export const isoTime = (millis: number | undefined): string => {
  const date = new Date(millis ?? Number.NaN)
  return Number.isNaN(date.getTime()) ? "" : date.toISOString().replace(/\.\d{3}Z$/, "Z")
}

const nonEmpty = (what: string, value: string) =>
  value.trim() === "" ? Effect.fail(fail("usage", `the ${what} is empty`)) : Effect.succeed(value)

const list = Command.make("list", {
  ...connectionOptions,
  json: jsonOption,
  name: Options.text("name").pipe(
    Options.withDescription("Only the detectors whose name contains this text."),
    Options.optional
  ),
  limit: limitOption
}, (args) =>
  withRest(args, (rest) =>
    Effect.gen(function*() {
      const output = yield* Output
      const limit = yield* checkLimit(args.limit)
      const pageSize = pageSizeFor(limit)
      const detectors = yield* rest.detectors.stream({ name: Option.getOrUndefined(args.name), pageSize }).pipe(
        Stream.take(limit),
        Stream.runCollect
      )
      yield* output.table([...detectors], [
        ["ID", (detector) => detector.id],
        ["NAME", (detector) => detector.name],
        ["RULES", (detector) => detector.rules.map((rule) => `${rule.detectLabel} (${rule.severity})`).join(", ")],
        ["TAGS", (detector) => detector.tags.join(",")],
        ["LAST UPDATED", (detector) => isoTime(detector.lastUpdated)]
      ], args.json)
    }))).pipe(Command.withDescription(describe(
      "Lists the detectors: id, name, rules, tags and when each last changed; --json prints them as the API sends them.",
      [
        ["list every detector", "effect-signalfx detectors list"],
        [
          "the first 10 whose name contains cpu, for a script",
          "effect-signalfx detectors list --name cpu --limit 10 --json"
        ]
      ]
    )))

/** The module that reads detector files (with the YAML parser): loaded when a command needs it. */
const loadApply = Effect.promise(() => import("./detectors/apply.js"))

/**
 * The detector of this id or, when no detector has it, of this exact name. Two of that name is
 * a usage mistake naming both ids.
 */
const findDetector = (rest: Rest.Service, idOrName: string) =>
  rest.detectors.get(idOrName).pipe(
    Effect.catchTag("RestNotFoundError", () =>
      Effect.gen(function*() {
        const { ambiguousName, detectorsNamed } = yield* loadApply
        const named = yield* detectorsNamed(rest, idOrName)
        const [only] = named
        if (named.length > 1) return yield* ambiguousName(idOrName, named)
        return only ?? (yield* fail("notFound", `no detector has the id or name ${JSON.stringify(idOrName)}`))
      }))
  )

const printDetector = (detector: Rest.Detector) =>
  Effect.gen(function*() {
    const output = yield* Output
    const field = (label: string, value: string) =>
      output.line(`${output.paint("heading", label.padEnd(13))}${peerText(value)}`)
    yield* field("id", detector.id)
    yield* field("name", detector.name)
    if (detector.description) yield* field("description", detector.description)
    if (detector.tags.length > 0) yield* field("tags", detector.tags.join(", "))
    yield* field("last updated", isoTime(detector.lastUpdated))
    for (const rule of detector.rules) {
      yield* field("rule", `${rule.detectLabel} (${rule.severity})${rule.disabled === true ? ", disabled" : ""}`)
    }
    yield* output.line(output.paint("heading", "program"))
    for (const line of detector.programText.trimEnd().split(/\r?\n/)) yield* output.line(`  ${peerText(line)}`)
  })

const get = Command.make("get", {
  ...connectionOptions,
  json: jsonOption,
  detector: Args.text({ name: "id-or-name" }).pipe(Args.withDescription("The detector's id, or its exact name."))
}, (args) =>
  withRest(args, (rest) =>
    Effect.gen(function*() {
      const output = yield* Output
      const detector = yield* findDetector(rest, yield* nonEmpty("detector's id or name", args.detector))
      if (args.json) yield* output.json(detector)
      else yield* printDetector(detector)
    }))).pipe(Command.withDescription(describe(
      "Shows a detector: its fields, rules and program. --json prints it as the API sends it, which `detectors apply` takes back as it is.",
      [
        ["by id", "effect-signalfx detectors get GxVw3bQAYAA"],
        [
          "by name, saved as a file to keep",
          "effect-signalfx detectors get \"CPU too high\" --json > detectors/cpu.json"
        ]
      ]
    )))

const FILES_HELP =
  "Each file is one detector in the API's shape: name, programText, rules (each a detectLabel the program publishes, and a severity), and any other field the API takes (description, tags, …), as JSON (.json) or YAML (.yaml, .yml), at most 1 MiB. A folder stands for the detector files directly in it."

const EXIT_HELP =
  "Each file is reported on its own line (an object per line with --json). A file that cannot be read or parsed, lacks a name, or whose detector the API refuses is reported on stderr and the others go on; the command then exits with the code of the first failure reported (every file is read before any is sent): 2 for a file (named, with its line) or a name that two detectors share, 4 for a detector not found, 6 for a detector the API finds invalid (a program that does not parse, a rule naming a label the program does not publish). A refused token (3) or an unreachable API (5) stops at once."

const filesCommand = (
  mode: Mode,
  paragraphs: ReadonlyArray<string>,
  examples: ReadonlyArray<readonly [string, string]>
) =>
  Command.make(mode, {
    ...connectionOptions,
    json: jsonOption,
    ...(mode === "apply"
      ? {
        dryRun: Options.boolean("dry-run").pipe(
          Options.withDescription("Say what would be created or updated, and validate it, without changing anything.")
        )
      }
      : {}),
    files: Args.text({ name: mode === "apply" ? "file-or-folder" : "file" }).pipe(
      Args.withDescription("A detector file (JSON or YAML), or a folder of them."),
      Args.atLeast(1)
    )
  }, (args) =>
    withRest(args, (rest) =>
      Effect.gen(function*() {
        const { runFiles } = yield* loadApply
        yield* runFiles(rest, {
          mode,
          paths: args.files,
          dryRun: "dryRun" in args && args.dryRun === true,
          json: args.json
        })
      }))).pipe(Command.withDescription(describe([...paragraphs, FILES_HELP, EXIT_HELP], examples)))

const validate = filesCommand("validate", [
  "Asks the API whether each detector is valid — its program parses, each rule names a label the program publishes — without creating anything."
], [
  ["check a detector before committing it", "effect-signalfx detectors validate detectors/cpu.yaml"],
  ["check a whole folder", "effect-signalfx detectors validate detectors/"]
])

const create = filesCommand("create", [
  "Creates the detector of each file. A name that a detector already has is refused: use update or apply."
], [
  ["create a detector", "effect-signalfx detectors create detectors/cpu.yaml"]
])

const update = filesCommand("update", [
  "Updates the detector of each file's name: the fields the file sets replace the API's, the others stay. A detector whose fields already match is left unchanged; a name no detector has is not found (exit 4)."
], [
  ["update a detector from its file", "effect-signalfx detectors update detectors/cpu.yaml"]
])

const apply = filesCommand("apply", [
  "Detectors as code: makes the API hold each file's detector, found by its name. It creates a detector no one has named so, updates one whose fields differ from the file's (only the fields the file sets are compared and sent; the others stay as they are), and leaves the rest unchanged — so applying a folder again changes nothing. Two detectors of one name on the API, or two files of one name, are refused with the ids or files named.",
  "--dry-run says what would be created or updated, having the API validate it, and changes nothing."
], [
  ["apply a folder of detectors", "effect-signalfx detectors apply detectors/"],
  ["see what applying would change", "effect-signalfx detectors apply detectors/ --dry-run"],
  ["apply two files, a line of JSON for each", "effect-signalfx detectors apply cpu.yaml memory.json --json"]
])

const remove = Command.make("delete", {
  ...connectionOptions,
  id: Args.text({ name: "id" }).pipe(Args.withDescription("The detector's id (see `detectors list`)."))
}, (args) =>
  withRest(args, (rest) =>
    Effect.gen(function*() {
      const output = yield* Output
      yield* rest.detectors.delete(yield* nonEmpty("detector id", args.id))
      yield* output.line(`deleted detector ${peerText(args.id)}`)
    }))).pipe(Command.withDescription(describe(
      "Deletes a detector, by its id. A name is not taken here, so that a typo cannot delete the wrong one.",
      [["delete a detector", "effect-signalfx detectors delete GxVw3bQAYAA"]]
    )))

/** @internal */
export const detectorsCommand = Command.make("detectors").pipe(
  Command.withDescription(describe(
    [
      "Detectors: list, get, validate, create, update, apply (create or update by name, for a folder of detector files kept as code) and delete.",
      FILES_HELP
    ],
    [
      ["apply a folder of detectors", "effect-signalfx detectors apply detectors/"],
      ["list the detectors", "effect-signalfx detectors list"]
    ]
  )),
  Command.withSubcommands([list, get, validate, create, update, apply, remove])
)
