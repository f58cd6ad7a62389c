/**
 * The datapoints every client sends, generated the same way in every process so that what
 * differs between clients is only the client. Objects are built as a caller would build them:
 * the ~1,000-series workload reuses one metric name and dimensions object per series (as an
 * application holding a handle per series does); the distinct-series workload builds fresh
 * strings and objects for every datapoint.
 */

export type WorkloadName = "series1k" | "distinct" | "single" | "burst"

export interface Workload {
  readonly name: WorkloadName
  readonly title: string
  /** Datapoints sent in all. */
  readonly total: number
  /** Datapoints per `send` call. */
  readonly perSend: number
  /** The sink never answers: memory must stay bounded. */
  readonly stall: boolean
}

export const workloads = (quick: boolean): ReadonlyArray<Workload> => {
  const scale = quick ? 10 : 1
  return [
    {
      name: "series1k",
      title: "200k gauges, ~1,000 series, 100 per send",
      total: 200_000 / scale,
      perSend: 100,
      stall: false
    },
    {
      name: "distinct",
      title: "200k gauges, 200k distinct series, 100 per send",
      total: 200_000 / scale,
      perSend: 100,
      stall: false
    },
    { name: "single", title: "200k single-datapoint sends", total: 200_000 / scale, perSend: 1, stall: false },
    { name: "burst", title: "1M burst into a stalled server", total: 1_000_000 / scale, perSend: 100, stall: true }
  ]
}

export interface Gauge {
  readonly metric: string
  readonly value: number
  readonly timestamp: number
  readonly dimensions: { readonly [key: string]: string }
}

const SERIES = 1000

interface Series {
  readonly metric: string
  readonly dimensions: { readonly [key: string]: string }
}

const seriesTable: ReadonlyArray<Series> = Array.from({ length: SERIES }, (_, s) => ({
  metric: `bench.gauge.${s % 20}`,
  dimensions: { host: `host-${s % 50}`, service: `service-${s % 7}`, region: `region-${s % 3}`, instance: `i-${s}` }
}))

/** A gauge's value: half of them integral, as counts and sizes are. */
const valueOf = (i: number): number => (i % 997) * 0.5

/** The `count` datapoints starting at index `from`, stamped `timestamp`. */
export const gauges = (workload: WorkloadName, from: number, count: number, timestamp: number): Array<Gauge> => {
  const out: Array<Gauge> = new Array(count)
  if (workload === "distinct") {
    for (let k = 0; k < count; k++) {
      const i = from + k
      out[k] = {
        metric: `bench.gauge.${i % 20}`,
        value: valueOf(i),
        timestamp,
        dimensions: {
          host: `host-${i % 50}`,
          service: `service-${i % 7}`,
          region: `region-${i % 3}`,
          instance: `i-${i}`
        }
      }
    }
  } else {
    for (let k = 0; k < count; k++) {
      const i = from + k
      const series = seriesTable[i % SERIES]!
      out[k] = { metric: series.metric, value: valueOf(i), timestamp, dimensions: series.dimensions }
    }
  }
  return out
}
