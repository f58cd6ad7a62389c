/**
 * The datapoints the local server ingested, kept per metric time series and ordered by time,
 * for SignalFlow programs to read. A datapoint sent without a timestamp counts at the time the
 * server received it, as the service does.
 */
import type { RecordedDatapoint } from "../localServer.js"

/** A number as ingested: an int stays exact (`bigint` beyond 2^53) and says it was an int. */
export interface Sample {
  readonly timestamp: number
  readonly value: number | bigint
  readonly isInt: boolean
}

export interface Series {
  /** The metric and its dimensions, the identity of a metric time series. */
  readonly key: string
  readonly metric: string
  readonly dimensions: Readonly<Record<string, string>>
  type: RecordedDatapoint["type"]
  /** Ordered by timestamp; equal timestamps keep their arrival order. */
  readonly samples: Array<Sample>
}

export const seriesKey = (metric: string, dimensions: Readonly<Record<string, string>>): string =>
  JSON.stringify([metric, Object.keys(dimensions).sort().map((name) => [name, dimensions[name]])])

/** The first index whose timestamp is at least `timestamp`. */
const lowerBound = (samples: ReadonlyArray<Sample>, timestamp: number): number => {
  let low = 0
  let high = samples.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (samples[middle]!.timestamp < timestamp) low = middle + 1
    else high = middle
  }
  return low
}

export class SeriesStore {
  private readonly series = new Map<string, Series>()

  ingest(datapoints: ReadonlyArray<RecordedDatapoint>, receivedAt: number): void {
    for (const point of datapoints) {
      // Enum (string) values have no number to compute with.
      if (typeof point.value === "string") continue
      const key = seriesKey(point.metric, point.dimensions)
      let series = this.series.get(key)
      if (series === undefined) {
        series = { key, metric: point.metric, dimensions: point.dimensions, type: point.type, samples: [] }
        this.series.set(key, series)
      }
      series.type = point.type
      const sample: Sample = {
        timestamp: point.timestamp ?? receivedAt,
        value: point.value,
        isInt: point.valueType === "int"
      }
      const samples = series.samples
      // Usually appended in order; a late point is inserted after the ones with its timestamp.
      if (samples.length === 0 || samples[samples.length - 1]!.timestamp <= sample.timestamp) {
        samples.push(sample)
      } else {
        samples.splice(lowerBound(samples, sample.timestamp + 1), 0, sample)
      }
    }
  }

  all(): IterableIterator<Series> {
    return this.series.values()
  }

  clear(): void {
    this.series.clear()
  }
}

/** The samples of a series with `from <= timestamp < to`. */
export const samplesIn = (series: Series, from: number, to: number): ReadonlyArray<Sample> =>
  series.samples.slice(lowerBound(series.samples, from), lowerBound(series.samples, to))
