/**
 * A registry snapshot, converted: datapoints sorted by metric type, built up one at a time.
 */
import type * as Datapoint from "../datapoint.js"

/** @internal */
export class PointsBuilder {
  readonly gauges: Array<Datapoint.Datapoint> = []
  readonly counters: Array<Datapoint.Datapoint> = []
  readonly cumulativeCounters: Array<Datapoint.Datapoint> = []

  constructor(
    readonly prefix: string,
    readonly timestamp: number
  ) {}

  add(
    type: Datapoint.MetricType,
    metric: string,
    value: number | bigint,
    dimensions: Datapoint.Dimensions
  ): void {
    // A histogram's min of an empty window and the like are NaN or null: nothing to report.
    if (typeof value === "number" && !Number.isFinite(value)) return
    const point: Datapoint.Datapoint = { metric: this.prefix + metric, value, timestamp: this.timestamp, dimensions }
    switch (type) {
      case "gauge":
        this.gauges.push(point)
        return
      case "counter":
        this.counters.push(point)
        return
      case "cumulative_counter":
        this.cumulativeCounters.push(point)
        return
    }
  }

  get size(): number {
    return this.gauges.length + this.counters.length + this.cumulativeCounters.length
  }
}
