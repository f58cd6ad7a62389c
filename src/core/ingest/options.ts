/**
 * The Ingest service's defaults and constants, in both packages. Defaults follow the trusted
 * senders (the OpenTelemetry Collector's SignalFx exporter and the Go client): see
 * docs/protocol.md §6. Durations are in milliseconds; each package makes them its `Duration` and
 * checks them, and the other options are checked here.
 */
import * as zlib from "node:zlib"
import type * as Datapoint from "../datapoint.js"
import type { Variables } from "../environment.js"
import { validationMessage } from "../errorMessages.js"
import { invalid, oneOf, positiveInteger } from "../http/options.js"
import { validateDimensionsRecord } from "../validation.js"

/** @internal */
export const defaults = {
  format: "protobuf",
  compression: "auto",
  // A request costs over a millisecond of CPU whatever it carries (`npm run bench:requests`), so
  // batches of 5,000 cost half the CPU per datapoint of batches of 1,000 (`npm run bench`, warm:
  // 2.1 vs 4.2 µs). 5,000 gauges are ~550 KB before gzip, far below the 20 MiB the service's
  // receivers take; the OpenTelemetry Collector's batch processor sends 8,192 by default.
  maxBatchSize: 5000,
  flushIntervalMillis: 1_000,
  // Four full batches: a burst is absorbed while the requests before it are in flight.
  queueCapacity: 20_000,
  eventQueueCapacity: 1_000,
  overflow: "dropNewest",
  maxConcurrentRequests: 4,
  requestTimeoutMillis: 10_000,
  retryMillis: {
    initialDelay: 1_000,
    maxDelay: 30_000,
    maxElapsed: 5 * 60_000,
    maxRetryAfter: 60_000
  },
  shutdownTimeoutMillis: 10_000
} as const

/** The options of the Ingest service that hold no duration and no secret. @internal */
export interface PlainOptions {
  /** `"protobuf"` (default) or `"json"`. */
  readonly format?: "protobuf" | "json" | undefined
  /** `"auto"` (default) gzips bodies over 1500 bytes; `"gzip"` always; `"none"` never. */
  readonly compression?: "auto" | "gzip" | "none" | undefined
  /** Datapoints (or events) per request; default 5,000. */
  readonly maxBatchSize?: number | undefined
  /** Datapoints the queue holds; default 20,000. */
  readonly queueCapacity?: number | undefined
  /** Events the queue holds; default 1,000. */
  readonly eventQueueCapacity?: number | undefined
  /** What a full queue drops: `"dropNewest"` (default) or `"dropOldest"`. */
  readonly overflow?: "dropNewest" | "dropOldest" | undefined
  /** Batches in flight at once per kind (datapoints, events); default 4. */
  readonly maxConcurrentRequests?: number | undefined
  /** Global dimensions added to everything sent. */
  readonly dimensions?: Datapoint.Dimensions | undefined
}

/**
 * The options of the Ingest service, in both packages: each names its token type (`Redacted`)
 * and what its `Duration` accepts (a number is milliseconds).
 *
 * @since 0.2.0
 * @category models
 */
export interface IngestOptions<Token, DurationInput> extends PlainOptions {
  /** The org access token with the ingest scope. */
  readonly token: Token
  /** The realm, e.g. `us1` or `eu0`; defaults to `us0`. Ignored when `ingestEndpoint` is set. */
  readonly realm?: string | undefined
  /** An explicit base URL, e.g. an OpenTelemetry Collector's `http://collector:9943`. */
  readonly ingestEndpoint?: string | undefined
  /** How long the oldest queued item may wait for its batch to fill; default 1 second. */
  readonly flushInterval?: DurationInput | undefined
  /** Time allowed for one request; default 10 seconds. */
  readonly requestTimeout?: DurationInput | undefined
  /** Backoff of retries; defaults `{ initialDelay: 1 s, maxDelay: 30 s, maxElapsed: 5 min, maxRetryAfter: 1 min }`. */
  readonly retry?: {
    readonly initialDelay?: DurationInput | undefined
    readonly maxDelay?: DurationInput | undefined
    readonly maxElapsed?: DurationInput | undefined
    /** The longest `Retry-After` honoured. */
    readonly maxRetryAfter?: DurationInput | undefined
  } | undefined
  /** How long a stop may take to deliver what is queued; default 10 seconds. */
  readonly shutdownTimeout?: DurationInput | undefined
  /** Appended to the `effect-signalfx/<version>` User-Agent. */
  readonly userAgent?: string | undefined
  /** Allow a plain `http://` endpoint on a host other than loopback (the token then travels unencrypted). */
  readonly allowInsecureHttp?: boolean | undefined
}

/** @internal */
export type ResolvedPlainOptions = { readonly [K in keyof PlainOptions]-?: Exclude<PlainOptions[K], undefined> }

/** The `dimensions` option, each key and value checked as on a datapoint. */
const globalDimensions = (dimensions: Datapoint.Dimensions | undefined): Datapoint.Dimensions => {
  const checked = validateDimensionsRecord(dimensions ?? {})
  return checked.ok ? checked.value : invalid("dimensions", validationMessage(checked.problems, checked.omitted))
}

/**
 * The plain options checked, or their defaults; a bad one throws the core's `InvalidOption`
 * (see `../http/options.ts`), for each package's resolver to turn into its `ConfigurationError`.
 * @internal
 */
export const resolvePlainOptions = (options: PlainOptions): ResolvedPlainOptions => ({
  dimensions: globalDimensions(options.dimensions),
  format: oneOf("format", options.format, ["protobuf", "json"], defaults.format),
  compression: oneOf("compression", options.compression, ["auto", "gzip", "none"], defaults.compression),
  maxBatchSize: positiveInteger("maxBatchSize", options.maxBatchSize, defaults.maxBatchSize),
  queueCapacity: positiveInteger("queueCapacity", options.queueCapacity, defaults.queueCapacity),
  eventQueueCapacity: positiveInteger("eventQueueCapacity", options.eventQueueCapacity, defaults.eventQueueCapacity),
  overflow: oneOf("overflow", options.overflow, ["dropNewest", "dropOldest"], defaults.overflow),
  maxConcurrentRequests: positiveInteger(
    "maxConcurrentRequests",
    options.maxConcurrentRequests,
    defaults.maxConcurrentRequests
  )
})

/** The environment variables of an explicit ingest URL, the first set winning. @internal */
export const INGEST_URL: Variables = ["SPLUNK_INGEST_URL", "SIGNALFX_INGEST_URL", "SIGNALFX_INGEST_ENDPOINT"]

/** The ingest host of a realm. @internal */
export const ingestHost = (realm: string): string => `ingest.${realm}.signalfx.com`

/** Bodies above this size are gzipped in `"auto"` mode, as the Go client and the collector do. @internal */
export const AUTO_GZIP_THRESHOLD = 1500

/**
 * zlib's fastest level. Datapoint bodies repeat metric names and dimensions so much that level 1
 * already shrinks them ~9× (112 → 12.2 bytes per datapoint in `npm run bench`); the default
 * level 6 gets 10% further (9.9 bytes) for three times the CPU (0.63 vs 0.20 µs per datapoint).
 * @internal
 */
export const GZIP_LEVEL = 1

/** Whether a body of this size is gzipped under the `compression` option. @internal */
export const gzips = (compression: "auto" | "gzip" | "none", bodyLength: number): boolean =>
  compression === "gzip" || (compression === "auto" && bodyLength > AUTO_GZIP_THRESHOLD)

const gzipOptions: zlib.ZlibOptions = { level: GZIP_LEVEL }

/**
 * On the calling thread: at level 1 compressing a batch takes about as long as handing it to
 * libuv's pool and back (~80 µs per 1,000 datapoints either way on the main thread), and the
 * pool's round trips added ~130 µs of CPU per batch on top.
 * @internal
 */
export const gzip = (body: Uint8Array): Uint8Array => zlib.gzipSync(body, gzipOptions)
