/**
 * The reporting loop shared by every registry: snapshot, convert, drop what SignalFx would refuse
 * (warning once per metric, so one bad tag never costs the rest of the report), and send through
 * the Ingest service — which batches, retries and accounts for it like any other datapoint.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { PointsBuilder } from "../../core/reporter/points.js"
import type * as Datapoint from "../../Datapoint.js"
import * as Ingest from "../../Ingest.js"
import type * as MetricsReporter from "../../MetricsReporter.js"
import { validateDatapoints } from "../validated.js"

/** @internal */
export const DEFAULT_INTERVAL = Duration.seconds(10)

const keepValid = (
  points: ReadonlyArray<Datapoint.Datapoint>,
  type: "gauges" | "counters" | "cumulativeCounters",
  warned: Set<string>,
  warnings: Array<string>
): Array<Datapoint.Datapoint> =>
  points.filter((point) => {
    const result = validateDatapoints({ [type]: [point] })
    if (Either.isRight(result)) return true
    if (!warned.has(point.metric)) {
      warned.add(point.metric)
      warnings.push(
        `Not reporting ${point.metric}: ${result.left.issues.map((issue) => issue.toString()).join("; ")}`
      )
    }
    return false
  })

const makeReport = (
  collect: (builder: PointsBuilder) => void,
  options: MetricsReporter.Options
): Effect.Effect<Effect.Effect<void, never, Ingest.Ingest>> =>
  Effect.sync(() => {
    const warned = new Set<string>()
    const dimensions = options.dimensions ?? {}
    return Effect.gen(function*() {
      const ingest = yield* Ingest.Ingest
      const builder = new PointsBuilder(options.prefix ?? "", yield* Clock.currentTimeMillis)
      collect(builder)
      const warnings: Array<string> = []
      const withDimensions = (points: ReadonlyArray<Datapoint.Datapoint>) =>
        points.map((point) => ({ ...point, dimensions: { ...dimensions, ...point.dimensions } }))
      const batch = {
        gauges: keepValid(withDimensions(builder.gauges), "gauges", warned, warnings),
        counters: keepValid(withDimensions(builder.counters), "counters", warned, warnings),
        cumulativeCounters: keepValid(
          withDimensions(builder.cumulativeCounters),
          "cumulativeCounters",
          warned,
          warnings
        )
      }
      for (const warning of warnings) yield* Effect.logWarning(warning)
      // After the Ingest service stopped there is nowhere to report to; the loss is counted there.
      yield* ingest.send(batch).pipe(Effect.catchTag("ClosedError", () => Effect.void))
    }).pipe(
      Effect.catchTag("ValidationError", (error) => Effect.logError("A metrics report was refused", error)),
      // A registry whose reading throws (a broken gauge callback, a getter) costs this report,
      // never the reporter or the stop that makes the last one.
      Effect.catchAllDefect((defect) =>
        Effect.logError("A metrics report was skipped: reading the registry threw", Cause.die(defect))
      ),
      Effect.annotateLogs({ package: "effect-signalfx", module: "MetricsReporter" })
    )
  })

/** @internal */
export const reportOnce = (
  collect: (builder: PointsBuilder) => void,
  options: MetricsReporter.Options
): Effect.Effect<void, never, Ingest.Ingest> => Effect.flatten(makeReport(collect, options))

/**
 * Reports every `interval`, and once more when the layer is released so the last figures are not
 * lost; the Ingest service, which this needs, is still open then and delivers them.
 * @internal
 */
export const layer = (
  collect: (builder: PointsBuilder) => void,
  options: MetricsReporter.Options
): Layer.Layer<never, never, Ingest.Ingest> =>
  Layer.scopedDiscard(Effect.gen(function*() {
    const report = yield* makeReport(collect, options)
    const interval = options.interval === undefined ? DEFAULT_INTERVAL : Duration.decode(options.interval)
    const context = yield* Effect.context<Ingest.Ingest>()
    yield* Effect.addFinalizer(() => Effect.provide(report, context))
    yield* Effect.sleep(interval).pipe(
      Effect.zipRight(report),
      Effect.forever,
      Effect.interruptible,
      Effect.forkScoped
    )
  }))
