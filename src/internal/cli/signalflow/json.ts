/**
 * `--output json`: one JSON object per line, for scripts (`jq`, a log shipper). A line per value
 * of each time series, as soon as its logical timestamp is complete:
 *
 * `{"type":"datapoint","timestamp":1714564800000,"tsId":"AAAAAH2gJ3c","metric":"cpu.utilization","dimensions":{"host":"web-1"},"value":42.5}`
 *
 * with `"label"` when the program's `publish` named one, and a line per event or alert:
 * `{"type":"event","timestamp":…,"tsId":…,"metric":…,"dimensions":{…},"properties":{…}}`.
 * Integers beyond 2^53 are written with all their digits, as JSON allows.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as SignalFlow from "../../../SignalFlow.js"
import { Output } from "../output.js"
import type { SeriesIdentity } from "./series.js"
import { identityOf } from "./series.js"

type Field = readonly [name: string, value: unknown]

/**
 * What `JSON.stringify` leaves as it is and a terminal may act on (C1 controls, among them a
 * one-byte CSI) or a reader may take for a line break: written as `\u` escapes, the same text.
 */

const UNSAFE_FOR_TERMINALS = /[\u007f-\u009f\u2028\u2029]/g

/** One JSON object from its fields in order, a `bigint` written as the exact number it is. */
const jsonObject = (fields: ReadonlyArray<Field>): string =>
  `{${
    fields.filter(([, value]) => value !== undefined).map(([name, value]) =>
      `${JSON.stringify(name)}:${typeof value === "bigint" ? value.toString() : JSON.stringify(value)}`
    ).join(",")
  }}`.replace(UNSAFE_FOR_TERMINALS, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`)

const identityFields = (identity: SeriesIdentity): ReadonlyArray<Field> => [
  ["metric", identity.metric],
  ["dimensions", identity.dimensions],
  ["label", identity.label]
]

/**
 * The line of one time series' value at a timestamp.
 * @internal
 */
export const datapointLine = (timestamp: number, value: SignalFlow.SnapshotValue): string =>
  jsonObject([
    ["type", "datapoint"],
    ["timestamp", timestamp],
    ["tsId", value.tsId],
    ...identityFields(identityOf(value.metadata)),
    ["value", value.value]
  ])

/**
 * The line of an event or alert.
 * @internal
 */
export const eventLine = (event: SignalFlow.EventMessage): string =>
  jsonObject([
    ["type", "event"],
    ["timestamp", event.timestampMs],
    ["tsId", event.tsId],
    ...identityFields(identityOf(event.metadata)),
    ["properties", event.properties]
  ])

/**
 * Writes a computation's values and events on stdout, a JSON object per line.
 * @internal
 */
export const writeJson = <E, R>(
  messages: Stream.Stream<SignalFlow.Message, E, R>
): Effect.Effect<void, E, R | Output> =>
  Effect.gen(function*() {
    const output = yield* Output
    yield* messages.pipe(
      Stream.tap((message) => message.type === "event" ? output.line(eventLine(message)) : Effect.void),
      SignalFlow.byTimestamp,
      Stream.runForEach((snapshot) =>
        snapshot.values.length === 0
          ? Effect.void
          : output.write(
            snapshot.values.map((value) => `${datapointLine(snapshot.logicalTimestampMs, value)}\n`).join("")
          )
      )
    )
  })
