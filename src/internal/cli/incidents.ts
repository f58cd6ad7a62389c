/**
 * `effect-signalfx incidents`: list the incidents the detectors raised, and clear one, through
 * the library's Rest service.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { peerText } from "../../core/peerText.js"
import type * as Rest from "../../Rest.js"
import { connectionOptions } from "./common.js"
import { isoTime, pageSizeFor, withRest } from "./detectors.js"
import { fail } from "./exit.js"
import { describe } from "./help.js"
import { checkLimit, limitOption } from "./limit.js"
import { jsonOption, Output } from "./output.js"

/** When the incident began: its earliest event. */
const since = (incident: Rest.Incident): number | undefined =>
  incident.events.reduce<number | undefined>(
    (earliest, event) =>
      event.timestamp === undefined || (earliest !== undefined && earliest <= event.timestamp)
        ? earliest
        : event.timestamp,
    undefined
  )

const list = Command.make("list", {
  ...connectionOptions,
  json: jsonOption,
  includeResolved: Options.boolean("include-resolved").pipe(
    Options.withDescription("List the resolved incidents too, not only the active ones.")
  ),
  limit: limitOption
}, (args) =>
  withRest(args, (rest) =>
    Effect.gen(function*() {
      const output = yield* Output
      const limit = yield* checkLimit(args.limit)
      const pageSize = pageSizeFor(limit)
      const incidents = yield* rest.incidents.stream({ includeResolved: args.includeResolved, pageSize }).pipe(
        Stream.take(limit),
        Stream.runCollect
      )
      yield* output.table([...incidents], [
        ["ID", (incident) => incident.incidentId],
        ["DETECTOR", (incident) => incident.detectorName ?? incident.detectorId ?? ""],
        ["LABEL", (incident) => incident.detectLabel ?? ""],
        ["SEVERITY", (incident) => incident.severity ?? ""],
        ["STATE", (incident) => incident.anomalyState ?? ""],
        ["ACTIVE", (incident) => incident.active ? "yes" : "no"],
        ["SINCE", (incident) => isoTime(since(incident))]
      ], args.json)
    }))).pipe(Command.withDescription(describe(
      "Lists the active incidents (--include-resolved: the resolved ones too): id, detector, label, severity, state and since when. --json prints them as the API sends them, events included.",
      [
        ["what is alerting now", "effect-signalfx incidents list"],
        [
          "the last 20, resolved ones included, for a script",
          "effect-signalfx incidents list --include-resolved --limit 20 --json"
        ]
      ]
    )))

const clear = Command.make("clear", {
  ...connectionOptions,
  id: Args.text({ name: "id" }).pipe(Args.withDescription("The incident's id (see `incidents list`)."))
}, (args) =>
  withRest(args, (rest) =>
    Effect.gen(function*() {
      const output = yield* Output
      if (args.id.trim() === "") return yield* fail("usage", "the incident id is empty")
      yield* rest.incidents.clear(args.id)
      yield* output.line(`cleared incident ${peerText(args.id)}`)
    }))).pipe(Command.withDescription(describe(
      "Clears (resolves) an incident, as the Python client's clear_incident does. An id no incident has exits with 4.",
      [["clear an incident", "effect-signalfx incidents clear GxZ1b3vAgAA"]]
    )))

/** @internal */
export const incidentsCommand = Command.make("incidents").pipe(
  Command.withDescription(describe(
    "Incidents: the alerts of the detectors' rules. List them, and clear one.",
    [
      ["list the active incidents", "effect-signalfx incidents list"],
      ["clear one", "effect-signalfx incidents clear GxZ1b3vAgAA"]
    ]
  )),
  Command.withSubcommands([list, clear])
)
