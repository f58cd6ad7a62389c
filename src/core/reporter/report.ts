/**
 * One report of a registry, as both packages' reporters make it: the registry read into
 * datapoints stamped with one time, the reporter's `prefix` and `dimensions` applied, and what
 * SignalFx would refuse dropped with a warning once per metric, so one bad tag never costs the
 * rest of the report. What is left goes to the Ingest service, which batches, retries and
 * accounts for it like any other datapoint.
 */
import type * as Datapoint from "../datapoint.js"
import { validateDatapoints } from "../validation.js"
import { PointsBuilder } from "./points.js"

/**
 * The options of `MetricsReporter.Options` that both packages share: all but the interval,
 * whose type is each Effect major's `Duration` input.
 *
 * @since 0.2.0
 * @category models
 */
export interface ReportOptions {
  /** Prepended to every metric name, e.g. `"myapp."`. */
  readonly prefix?: string | undefined
  /** Dimensions added to every datapoint of this reporter (the Ingest service adds its global ones too). */
  readonly dimensions?: Datapoint.Dimensions | undefined
  /**
   * Which metrics to report, by name (before the prefix). For Effect's registry the default is
   * `MetricsReporter.applicationMetrics`: everything but the metrics Effect's runtime and this
   * library keep about themselves. Pass `() => true` to report those too. A measured-core
   * registry holds only what the application put in it: its default is every metric.
   */
  readonly include?: ((name: string) => boolean) | undefined
}

/** @internal */
export interface Report {
  readonly batch: {
    readonly gauges: ReadonlyArray<Datapoint.Datapoint>
    readonly counters: ReadonlyArray<Datapoint.Datapoint>
    readonly cumulativeCounters: ReadonlyArray<Datapoint.Datapoint>
  }
  /** One per metric newly found unreportable: the reporter warns of each metric once. */
  readonly warnings: ReadonlyArray<string>
}

/**
 * A reporter's reports: each call reads the registry through `collect` (which may throw: a
 * broken gauge callback; the caller decides what that costs) and remembers which metrics it
 * already warned about.
 * @internal
 */
export const makeReports = (
  options: ReportOptions
): (timestamp: number, collect: (builder: PointsBuilder) => void) => Report => {
  const warned = new Set<string>()
  const dimensions = options.dimensions ?? {}
  return (timestamp, collect) => {
    const builder = new PointsBuilder(options.prefix ?? "", timestamp)
    collect(builder)
    const warnings: Array<string> = []
    const keepValid = (
      points: ReadonlyArray<Datapoint.Datapoint>,
      type: "gauges" | "counters" | "cumulativeCounters"
    ): Array<Datapoint.Datapoint> =>
      points.flatMap((given) => {
        const point = { ...given, dimensions: { ...dimensions, ...given.dimensions } }
        const checked = validateDatapoints({ [type]: [point] })
        if (checked.ok) return [point]
        if (!warned.has(point.metric)) {
          warned.add(point.metric)
          const problems = checked.problems.map(({ message, path }) => path === "" ? message : `${path}: ${message}`)
          warnings.push(`Not reporting ${point.metric}: ${problems.join("; ")}`)
        }
        return []
      })
    return {
      batch: {
        gauges: keepValid(builder.gauges, "gauges"),
        counters: keepValid(builder.counters, "counters"),
        cumulativeCounters: keepValid(builder.cumulativeCounters, "cumulativeCounters")
      },
      warnings
    }
  }
}

/** How often a reporter reports unless told otherwise. @internal */
export const DEFAULT_INTERVAL_MILLIS = 10_000
