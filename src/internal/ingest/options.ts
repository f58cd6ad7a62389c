/**
 * Turns the user's `Ingest.Options` into checked, resolved settings, failing with a
 * `ConfigurationError` that names the option. Defaults follow the trusted senders
 * (the OpenTelemetry Collector's SignalFx exporter and the Go client): see docs/protocol.md §6.
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import type * as Datapoint from "../../Datapoint.js"
import type * as Ingest from "../../Ingest.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import type { ResolvedConnection } from "../http/options.js"
import { connection, duration, invalid, oneOf, positiveInteger, resolving } from "../http/options.js"
import { validateDimensionsRecord } from "../validated.js"

/** @internal */
export interface ResolvedOptions extends ResolvedConnection {
  readonly format: "protobuf" | "json"
  readonly compression: "auto" | "gzip" | "none"
  readonly maxBatchSize: number
  readonly flushIntervalMillis: number
  readonly queueCapacity: number
  readonly eventQueueCapacity: number
  readonly overflow: "dropNewest" | "dropOldest"
  readonly maxConcurrentRequests: number
  readonly shutdownTimeout: Duration.Duration
  readonly dimensions: Datapoint.Dimensions
}

/** @internal */
export const defaults = {
  format: "protobuf",
  compression: "auto",
  // A request costs over a millisecond of CPU whatever it carries (`npm run bench:requests`), so
  // batches of 5,000 cost half the CPU per datapoint of batches of 1,000 (`npm run bench`, warm:
  // 2.1 vs 4.2 µs). 5,000 gauges are ~550 KB before gzip, far below the 20 MiB the service's
  // receivers take; the OpenTelemetry Collector's batch processor sends 8,192 by default.
  maxBatchSize: 5000,
  flushInterval: Duration.seconds(1),
  // Four full batches: a burst is absorbed while the requests before it are in flight.
  queueCapacity: 20_000,
  eventQueueCapacity: 1_000,
  overflow: "dropNewest",
  maxConcurrentRequests: 4,
  requestTimeout: Duration.seconds(10),
  retry: {
    initialDelay: Duration.seconds(1),
    maxDelay: Duration.seconds(30),
    maxElapsed: Duration.minutes(5),
    maxRetryAfter: Duration.minutes(1)
  },
  shutdownTimeout: Duration.seconds(10)
} as const

/** Bodies above this size are gzipped in `"auto"` mode, as the Go client and the collector do. */
/** @internal */
export const AUTO_GZIP_THRESHOLD = 1500

/**
 * zlib's fastest level. Datapoint bodies repeat metric names and dimensions so much that level 1
 * already shrinks them ~9× (112 → 12.2 bytes per datapoint in `npm run bench`); the default
 * level 6 gets 10% further (9.9 bytes) for three times the CPU (0.63 vs 0.20 µs per datapoint).
 * @internal
 */
export const GZIP_LEVEL = 1

/** @internal */
export const resolve = (options: Ingest.Options): Either.Either<ResolvedOptions, ConfigurationError> =>
  resolving(() => {
    const shared = connection(options, {
      option: "ingestEndpoint",
      url: options.ingestEndpoint,
      host: (realm) => `ingest.${realm}.signalfx.com`
    }, defaults)
    const dimensions = validateDimensionsRecord(options.dimensions ?? {})
    if (Either.isLeft(dimensions)) invalid("dimensions", dimensions.left.message)
    return {
      ...shared,
      format: oneOf("format", options.format, ["protobuf", "json"], defaults.format),
      compression: oneOf("compression", options.compression, ["auto", "gzip", "none"], defaults.compression),
      maxBatchSize: positiveInteger("maxBatchSize", options.maxBatchSize, defaults.maxBatchSize),
      flushIntervalMillis: Duration.toMillis(duration("flushInterval", options.flushInterval, defaults.flushInterval)),
      queueCapacity: positiveInteger("queueCapacity", options.queueCapacity, defaults.queueCapacity),
      eventQueueCapacity: positiveInteger(
        "eventQueueCapacity",
        options.eventQueueCapacity,
        defaults.eventQueueCapacity
      ),
      overflow: oneOf("overflow", options.overflow, ["dropNewest", "dropOldest"], defaults.overflow),
      maxConcurrentRequests: positiveInteger(
        "maxConcurrentRequests",
        options.maxConcurrentRequests,
        defaults.maxConcurrentRequests
      ),
      shutdownTimeout: duration("shutdownTimeout", options.shutdownTimeout, defaults.shutdownTimeout),
      dimensions: Either.isRight(dimensions) ? dimensions.right : {}
    }
  })
