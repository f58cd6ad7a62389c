/**
 * The reporting loop shared by every registry: each report is the core's (`core/reporter/report.ts`:
 * read, convert, drop what SignalFx would refuse with one warning per metric), logged and sent
 * through the Ingest service, which batches, retries and accounts for it like any other datapoint.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { PointsBuilder } from "../../core/reporter/points.js"
import { DEFAULT_INTERVAL_MILLIS, makeReports } from "../../core/reporter/report.js"
import * as Ingest from "../../Ingest.js"
import type * as MetricsReporter from "../../MetricsReporter.js"

const makeReport = (
  collect: (builder: PointsBuilder) => void,
  options: MetricsReporter.Options
): Effect.Effect<Effect.Effect<void, never, Ingest.Ingest>> =>
  Effect.sync(() => {
    const reports = makeReports(options)
    return Effect.gen(function*() {
      const ingest = yield* Ingest.Ingest
      const timestamp = yield* Clock.currentTimeMillis
      const { batch, warnings } = reports(timestamp, collect)
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
    const interval = options.interval === undefined
      ? Duration.millis(DEFAULT_INTERVAL_MILLIS)
      : Duration.decode(options.interval)
    const context = yield* Effect.context<Ingest.Ingest>()
    yield* Effect.addFinalizer(() => Effect.provide(report, context))
    yield* Effect.sleep(interval).pipe(
      Effect.zipRight(report),
      Effect.forever,
      Effect.interruptible,
      Effect.forkScoped
    )
  }))
