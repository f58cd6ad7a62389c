/**
 * A time series' identity as the outputs show it, from the metadata the computation announced:
 * its metric, its dimensions and its stream label, and the name signalflow-cli gives it
 * (`label: metric/value.value`), which heads a CSV column and a chart's legend.
 */
import { peerText } from "../../../core/peerText.js"
import { setEntry } from "../../../core/record.js"

/** Properties that are the computation's bookkeeping, not what tells one series from another. */
const BOOKKEEPING = new Set([
  "sf_metric",
  "sf_originatingMetric",
  "sf_eventType",
  "sf_originatingEventType",
  "jobId",
  "programId"
])

/** The longest name an output shows: a series is told apart well before this. */
const MAX_NAME_LENGTH = 160

/** @internal */
export interface SeriesIdentity {
  /** The metric, unless the computation made the series up and none was its origin. */
  readonly metric: string | undefined
  /** The dimensions that identify the series (its `sf_key`), by name. */
  readonly dimensions: Readonly<Record<string, string>>
  /** The publish block's label, `publish('label')`. */
  readonly label: string | undefined
}

const text = (value: unknown): string | undefined => typeof value === "string" ? value : undefined

/** The metric: `sf_metric`, or where a computed one (`_SF_COMP_…`) came from. */
const metricOf = (metadata: Readonly<Record<string, unknown>>): string | undefined =>
  [text(metadata.sf_metric), text(metadata.sf_originatingMetric)].find((candidate) =>
    candidate !== undefined && !candidate.toLowerCase().startsWith("_sf_")
  )

/**
 * The names of the identifying dimensions: the `sf_key` the service sent, else (from a server
 * that sends none) every property that is not the service's own.
 */
const keyOf = (metadata: Readonly<Record<string, unknown>>): ReadonlyArray<string> => {
  const key = metadata.sf_key
  const names = Array.isArray(key)
    ? key.filter((name): name is string => typeof name === "string")
    : Object.keys(metadata).filter((name) => !name.startsWith("sf_"))
  return names.filter((name) => !BOOKKEEPING.has(name)).sort()
}

/**
 * The identity of the series whose metadata this is; a series without metadata (the client
 * forgot it, past its bound) has none.
 * @internal
 */
export const identityOf = (metadata: Readonly<Record<string, unknown>> | undefined): SeriesIdentity => {
  if (metadata === undefined) return { metric: undefined, dimensions: {}, label: undefined }
  const dimensions: Record<string, string> = {}
  for (const name of keyOf(metadata)) {
    const value = text(metadata[name])
    if (value !== undefined) setEntry(dimensions, name, value)
  }
  return { metric: metricOf(metadata), dimensions, label: text(metadata.sf_streamLabel) }
}

/**
 * signalflow-cli's name for a series: its label, then its metric and its dimensions' values in
 * the order of their names, dot-separated (`cpu: cpu.utilization/web-1`); the time series id
 * when nothing else tells it apart. Safe to print: one line, no terminal escapes, bounded.
 * @internal
 */
export const seriesName = (tsId: string, identity: SeriesIdentity): string => {
  const values = Object.keys(identity.dimensions).sort().map((name) => identity.dimensions[name]).join(".")
  const body = [identity.metric, values].filter((part) => part !== undefined && part !== "").join("/")
  const name = identity.label === undefined ? body : body === "" ? identity.label : `${identity.label}: ${body}`
  return peerText(name === "" ? tsId : name, MAX_NAME_LENGTH)
}
