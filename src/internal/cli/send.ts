/**
 * `effect-signalfx send` and `effect-signalfx event`: datapoints and events, one from the command
 * line or many from stdin, delivered through the library's Ingest service. The exit code says
 * whether everything was delivered, and why not (`send/delivery.ts`).
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Arr from "effect/Array"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import { plural } from "../../core/english.js"
import { peerText } from "../../core/peerText.js"
import type * as Datapoint from "../../Datapoint.js"
import * as Event from "../../Event.js"
import type { ConnectionArgs } from "./common.js"
import { connectionOptions, resolveConnection } from "./common.js"
import { fail } from "./exit.js"
import { describe } from "./help.js"
import * as Output from "./output.js"
import { deliver, issuesText } from "./send/delivery.js"
import type { Problems } from "./send/stdin.js"
import { MAX_STDIN_BYTES, parseDatapoints, parseEvents, readStdin } from "./send/stdin.js"
import { parseDuration, parseTime, TIME_FORMS } from "./send/time.js"

const DEFAULT_TIMEOUT = "30s"

/** The options of every sending command: where to, what to add, how long, what to print. */
const deliveryOptions = {
  ...connectionOptions,
  dimension: Options.keyValueMap("dimension").pipe(
    Options.withDescription(
      "A dimension key=value added to what is sent; repeat it for more. With --stdin it applies to every entry, whose own dimension of the same key wins."
    ),
    Options.optional
  ),
  timeout: Options.text("timeout").pipe(
    Options.withDescription(
      `How long delivery may take, retries included: seconds, or a number and a unit (500ms, 30s, 2m). Default ${DEFAULT_TIMEOUT}. What is not delivered by then counts as not delivered.`
    ),
    Options.optional
  ),
  json: Options.boolean("json").pipe(
    Options.withDescription(
      "Print what became of what was sent as one JSON object: kind, accepted, delivered, dropped (by reason), retries, requests, bytesSent, lastError."
    )
  ),
  verbose: Options.boolean("verbose").pipe(
    Options.withDescription("Print how many were delivered, and each delivery problem on stderr as it happens.")
  )
} as const

interface DeliveryArgs extends ConnectionArgs {
  readonly dimension: Option.Option<HashMap.HashMap<string, string>>
  readonly timeout: Option.Option<string>
  readonly json: boolean
  readonly verbose: boolean
}

const timestampOption = Options.text("timestamp").pipe(
  Options.withDescription(`When it happened (default: when the server receives it): ${TIME_FORMS}.`),
  Options.optional
)

const stdinOption = (what: string) =>
  Options.boolean("stdin").pipe(
    Options.withDescription(
      `Read the ${what} from stdin (at most ${MAX_STDIN_BYTES / 1024 / 1024} MiB), in either format described above.`
    )
  )

/** The options given before a subcommand (`send --json gauge …`) count as if given after it. */
const mergeDeliveryArgs = (outer: DeliveryArgs, inner: DeliveryArgs): DeliveryArgs => {
  const either = <A>(pick: (args: DeliveryArgs) => Option.Option<A>) => Option.orElse(pick(inner), () => pick(outer))
  return {
    token: either((args) => args.token),
    tokenFile: either((args) => args.tokenFile),
    realm: either((args) => args.realm),
    ingestUrl: either((args) => args.ingestUrl),
    apiUrl: either((args) => args.apiUrl),
    streamUrl: either((args) => args.streamUrl),
    dimension: Option.isSome(outer.dimension) && Option.isSome(inner.dimension)
      ? Option.some(HashMap.union(outer.dimension.value, inner.dimension.value))
      : either((args) => args.dimension),
    timeout: either((args) => args.timeout),
    json: outer.json || inner.json,
    verbose: outer.verbose || inner.verbose
  }
}

/** What every sending command resolves before it sends: the connection, the dimensions, the timeout. */
const resolveDelivery = (args: DeliveryArgs) =>
  Effect.gen(function*() {
    const timeout: Duration.Duration = yield* Either.mapLeft(
      parseDuration(Option.getOrElse(args.timeout, () => DEFAULT_TIMEOUT)),
      (reason) => fail("usage", `--timeout ${reason}`)
    )
    const connection = yield* resolveConnection(args)
    return {
      connection,
      timeout,
      json: args.json,
      verbose: args.verbose,
      dimensions: Option.match(args.dimension, {
        onNone: (): Datapoint.Dimensions => ({}),
        onSome: (map): Datapoint.Dimensions => Object.fromEntries(HashMap.toEntries(map))
      })
    }
  })

const timestampOf = (text: Option.Option<string>, now: number) =>
  Option.match(text, {
    onNone: () => Either.right(undefined),
    onSome: (value) => Either.mapLeft(parseTime(value, now), (reason) => fail("usage", `--timestamp ${reason}`))
  })

/** A problem with stdin, or several: each listed on stderr, then one sentence. Nothing is sent. */
const refuseStdin = (problems: Problems, what: "datapoints" | "events") =>
  Effect.gen(function*() {
    const [first] = problems.listed
    if (problems.total === 1 && first !== undefined) {
      return yield* fail("usage", `the ${what} on stdin are not valid, so none was sent: ${first}`)
    }
    const output = yield* Output.Output
    for (const problem of problems.listed) yield* output.warn(peerText(problem, 400))
    const listed = problems.listed.length < problems.total
      ? `the first ${problems.listed.length} listed above`
      : "listed above"
    return yield* fail(
      "usage",
      `${plural(problems.total, "problem")} in the ${what} on stdin (${listed}), so none was sent`
    )
  })

const INTEGER = /^[+-]?\d+$/
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i

/** A value from the command line: a number; an integer beyond 2^53 kept exact as a bigint. */
const parseValue = (text: string) => {
  if (INTEGER.test(text)) {
    const number = Number(text)
    return Either.right(Number.isSafeInteger(number) ? number : BigInt(text))
  }
  return DECIMAL.test(text)
    ? Either.right(Number(text))
    : Either.left(fail("usage", `the value ${JSON.stringify(text)} is not a number`))
}

const datapointsOf = (type: Datapoint.MetricType, point: Datapoint.Datapoint): Datapoint.Datapoints => {
  switch (type) {
    case "gauge":
      return { gauges: [point] }
    case "counter":
      return { counters: [point] }
    case "cumulative_counter":
      return { cumulativeCounters: [point] }
  }
}

const STDIN_FORMATS = [
  "With --stdin it reads several datapoints, in either of two formats, told apart by their shape: one JSON object per line, {\"type\": \"gauge\", \"metric\": \"m\", \"value\": 1, \"dimensions\": {\"k\": \"v\"}, \"timestamp\": T} (type gauge, counter, cumulative_counter or cumulative; dimensions and timestamp optional); or the ingest API's JSON body, {\"gauge\": [{\"metric\": \"m\", \"value\": 1, …}], \"counter\": […], \"cumulative_counter\": […]}. A timestamp is milliseconds since the epoch, or text in any form --timestamp takes.",
  "A batch is all or nothing: every entry is checked first, and if any is not valid (a bad line, an unknown field, a rule of SignalFx broken) nothing is sent, each problem is named by its line (line 3) or place (gauge[2]) on stderr, and the exit code is 2."
]

const OUTCOME =
  "It waits until everything is delivered, at most --timeout, and prints nothing unless --verbose or --json. Exit codes: 0 all delivered; 2 a bad argument or entry (nothing sent); 3 the token was missing or refused; 5 not delivered within --timeout (network, timeout, a failing server); 7 the server refused the data."

const sendParent = Command.make(
  "send",
  { ...deliveryOptions, stdin: stdinOption("datapoints") },
  (args) =>
    Effect.gen(function*() {
      if (!args.stdin) {
        return yield* fail(
          "usage",
          "name the metric type, as in `send gauge <metric> <value>`, or give --stdin (see effect-signalfx send --help)"
        )
      }
      const delivery = yield* resolveDelivery(args)
      const now = yield* Clock.currentTimeMillis
      const parsed = parseDatapoints(yield* readStdin, now)
      if (Either.isLeft(parsed)) return yield* refuseStdin(parsed.left, "datapoints")
      if (parsed.right.count === 0) {
        return yield* fail("usage", "stdin holds no datapoint: give one JSON object per line, or the ingest body")
      }
      yield* deliver(
        { ...delivery, kind: "datapoints", count: parsed.right.count },
        (ingest) => ingest.send(parsed.right.datapoints)
      ).pipe(
        Effect.catchTag("ValidationError", (error) =>
          fail(
            "usage",
            `the datapoints on stdin are not valid with --dimension, so none was sent: ${issuesText(error)}`
          ))
      )
    })
)

/** Each type's command: what it sends, and a datapoint to show it with. */
const TYPES: Arr.NonEmptyReadonlyArray<{
  readonly name: string
  readonly type: Datapoint.MetricType
  readonly what: string
  readonly sample: string
}> = [
  { name: "gauge", type: "gauge", what: "a gauge, a value at a moment", sample: "cpu.utilization 42.5" },
  { name: "counter", type: "counter", what: "a counter, a count since the last report", sample: "requests.count 12" },
  {
    name: "cumulative_counter",
    type: "cumulative_counter",
    what: "a cumulative counter, a running total whose increments SignalFx computes",
    sample: "bytes.total 123456789"
  },
  {
    name: "cumulative",
    type: "cumulative_counter",
    what: "a cumulative counter (cumulative is short for cumulative_counter)",
    sample: "bytes.total 123456789"
  }
]

const sendOne = ({ name, sample, type, what }: (typeof TYPES)[number]) =>
  Command.make(
    name,
    {
      ...deliveryOptions,
      metric: Args.text({ name: "metric" }).pipe(Args.withDescription("The metric name.")),
      value: Args.text({ name: "value" }).pipe(
        Args.withDescription("A number, negative ones too (an integer beyond 2^53 is sent exact).")
      ),
      timestamp: timestampOption
    },
    (args) =>
      Effect.gen(function*() {
        const outer = yield* sendParent
        if (outer.stdin) {
          return yield* fail("usage", "--stdin reads datapoints from stdin: give no metric type, name or value with it")
        }
        const now = yield* Clock.currentTimeMillis
        const value = yield* parseValue(args.value)
        const timestamp = yield* timestampOf(args.timestamp, now)
        const delivery = yield* resolveDelivery(mergeDeliveryArgs(outer, args))
        yield* deliver(
          { ...delivery, kind: "datapoints", count: 1 },
          (ingest) => ingest.send(datapointsOf(type, { metric: args.metric, value, timestamp }))
        ).pipe(
          Effect.catchTag(
            "ValidationError",
            (error) => fail("usage", `the datapoint is not valid: ${issuesText(error, /^\w+\[0\]\.?/)}`)
          )
        )
      })
  ).pipe(
    Command.withDescription(describe(
      [`Sends ${what}, with --dimension key=value (repeated) and --timestamp.`, OUTCOME],
      [
        [
          `send ${what.split(",")[0]} with a dimension`,
          `effect-signalfx send ${name} ${sample} --dimension host=web-1`
        ],
        ["dated five minutes ago", `effect-signalfx send ${name} ${sample} --timestamp -5m`]
      ]
    ))
  )

/** @internal */
export const sendCommand = sendParent.pipe(
  Command.withDescription(describe(
    [
      "Sends a datapoint: `send gauge|counter|cumulative_counter <metric> <value>` (cumulative is short for cumulative_counter), with --dimension key=value (repeated) and --timestamp.",
      ...STDIN_FORMATS,
      `The options of the type's command may also come before it (send --json gauge …). ${OUTCOME}`
    ],
    [
      [
        "send a gauge with two dimensions",
        "effect-signalfx send gauge cpu.utilization 42.5 --dimension host=web-1 --dimension env=prod"
      ],
      ["send a counter, dated an hour ago", "effect-signalfx send counter requests.count 12 --timestamp -1h"],
      ["send a negative value", "effect-signalfx send gauge temperature -3.5"],
      [
        "send datapoints from a file, one JSON object per line, all with the dimension env=prod",
        "effect-signalfx send --stdin --dimension env=prod < datapoints.jsonl"
      ],
      [
        "send the ingest API's JSON body and print what became of it",
        "echo '{\"gauge\": [{\"metric\": \"queue.depth\", \"value\": 7}]}' | effect-signalfx send --stdin --json"
      ]
    ]
  )),
  Command.withSubcommands(Arr.map(TYPES, sendOne))
)

const EVENT_STDIN = [
  "With --stdin it reads several events instead, in either of two formats: one JSON object per line, {\"eventType\": \"deploy\", \"category\": \"USER_DEFINED\", \"dimensions\": {…}, \"properties\": {\"version\": \"1.2\", \"replicas\": 3}, \"timestamp\": T} (all but eventType optional), or the ingest API's JSON body, an array of such objects. Properties there may be strings, numbers or booleans.",
  "A batch is all or nothing: if any event is not valid, nothing is sent, each problem is named by its line (line 3) or index ([2]) on stderr, and the exit code is 2."
]

/** @internal */
export const eventCommand = Command.make(
  "event",
  {
    ...deliveryOptions,
    eventType: Args.text({ name: "eventType" }).pipe(
      Args.withDescription("The event type, e.g. deployment."),
      Args.optional
    ),
    category: Options.choice("category", Event.categories).pipe(
      Options.withDescription("The category (default USER_DEFINED)."),
      Options.optional
    ),
    property: Options.keyValueMap("property").pipe(
      Options.withDescription("A property key=value, its value a string; repeat it for more."),
      Options.optional
    ),
    timestamp: timestampOption,
    stdin: stdinOption("events")
  },
  (args) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      if (args.stdin) {
        if (Option.isSome(args.eventType) || Option.isSome(args.category) || Option.isSome(args.property)) {
          return yield* fail(
            "usage",
            "--stdin reads whole events: give their type, category and properties on stdin, not as arguments"
          )
        }
        if (Option.isSome(args.timestamp)) {
          return yield* fail("usage", "--stdin reads whole events: give each its timestamp on stdin")
        }
        const delivery = yield* resolveDelivery(args)
        const parsed = parseEvents(yield* readStdin, now)
        if (Either.isLeft(parsed)) return yield* refuseStdin(parsed.left, "events")
        const events = parsed.right
        if (events.length === 0) {
          return yield* fail("usage", "stdin holds no event: give one JSON object per line, or a JSON array")
        }
        return yield* deliver(
          { ...delivery, kind: "events", count: events.length },
          (ingest) => ingest.sendEvents(events)
        ).pipe(
          Effect.catchTag("ValidationError", (error) =>
            fail("usage", `the events on stdin are not valid with --dimension, so none was sent: ${issuesText(error)}`))
        )
      }
      if (Option.isNone(args.eventType)) {
        return yield* fail("usage", "name the event type, as in `event deployment`, or give --stdin")
      }
      const timestamp = yield* timestampOf(args.timestamp, now)
      const delivery = yield* resolveDelivery(args)
      const event: Event.Event = {
        eventType: args.eventType.value,
        category: Option.getOrUndefined(args.category),
        properties: Option.match(args.property, {
          onNone: () =>
            undefined,
          onSome: (map) =>
            Object.fromEntries(HashMap.toEntries(map))
        }),
        timestamp
      }
      yield* deliver({ ...delivery, kind: "events", count: 1 }, (ingest) => ingest.sendEvent(event)).pipe(
        Effect.catchTag("ValidationError", (error) => fail("usage", `the event is not valid: ${issuesText(error)}`))
      )
    })
).pipe(
  Command.withDescription(describe(
    [
      "Sends an event: something that happened (a deployment, a configuration change), shown on charts beside the metrics. --dimension key=value and --property key=value repeat; --timestamp dates it.",
      ...EVENT_STDIN,
      OUTCOME
    ],
    [
      [
        "record a deployment",
        "effect-signalfx event deployment --dimension service=checkout --property version=1.4.2"
      ],
      ["record an alert an hour ago", "effect-signalfx event disk.full --category ALERT --timestamp -1h"],
      ["send events from a file, one JSON object per line", "effect-signalfx event --stdin < events.jsonl"]
    ]
  ))
)
