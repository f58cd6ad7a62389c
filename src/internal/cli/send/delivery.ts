/**
 * The delivery of what `send` and `event` queue: the library's Ingest service built for one
 * batch, given `--timeout` for its retries, flushed and stopped; then its stats say whether
 * everything was delivered, and if not, why, as the exit code and one sentence.
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import { countOf, formatCount } from "../../../core/english.js"
import { peerText } from "../../../core/peerText.js"
import type * as Datapoint from "../../../Datapoint.js"
import * as Ingest from "../../../Ingest.js"
import type { ValidationError } from "../../../SignalFxError.js"
import type { Connection } from "../common.js"
import { ingestLayer } from "../common.js"
import type { CliError } from "../exit.js"
import { fail } from "../exit.js"
import * as Output from "../output.js"

/**
 * How long the service may take, after the deadline, to stop: what is still queued or in flight
 * then is counted as not delivered. Also what ^C leaves it to deliver what it holds.
 */
const SHUTDOWN_GRACE = Duration.seconds(1)

/** The longest a request may wait for its answer, when `--timeout` is longer. */
const MAX_REQUEST_TIMEOUT = Duration.seconds(10)

const PROGRESS_EVERY = Duration.millis(200)

/** What to deliver, where, and how to tell the outcome. @internal */
export interface Delivery {
  readonly connection: Connection
  readonly kind: "datapoints" | "events"
  /** How many `enqueue` queues: the queue is made to hold them all. */
  readonly count: number
  /** `--dimension`: added to everything sent, as the service's global dimensions. */
  readonly dimensions: Datapoint.Dimensions
  /** Bounds the delivery, retries included. */
  readonly timeout: Duration.Duration
  /** Print the stats as one JSON object. */
  readonly json: boolean
  /** Print the count delivered, and the service's warnings as they come. */
  readonly verbose: boolean
}

/**
 * The service's warnings ("Cannot deliver datapoints to …: retrying") with `--verbose` only, on
 * stderr as main.ts's logger writes them: otherwise the outcome is told once, at the end.
 */
const loggerLayer = (verbose: boolean): Layer.Layer<never> =>
  verbose ? Layer.empty : Logger.minimumLogLevel(LogLevel.None)

const ingestOptions = (delivery: Delivery) => {
  const capacity = Math.max(delivery.count, 1)
  return {
    queueCapacity: capacity,
    eventQueueCapacity: capacity,
    requestTimeout: Duration.min(delivery.timeout, MAX_REQUEST_TIMEOUT),
    retry: { maxElapsed: delivery.timeout },
    shutdownTimeout: SHUTDOWN_GRACE
  }
}

/** `--dimension` as the service's global dimensions; a bad one is named as the option. */
const addDimensions = (ingest: Ingest.Service, dimensions: Datapoint.Dimensions): Effect.Effect<void, CliError> =>
  Object.keys(dimensions).length === 0 ? Effect.void : ingest.addDimensions(dimensions).pipe(
    Effect.catchTag("ValidationError", (error) => fail("usage", `--dimension is not valid: ${issuesText(error)}`))
  )

/** Every issue of a validation error on one line, a path stripped of what `strip` matches. @internal */
export const issuesText = (error: ValidationError, strip?: RegExp): string =>
  [
    ...error.issues.map((issue) => {
      const path = strip === undefined ? issue.path : issue.path.replace(strip, "")
      return path === "" ? issue.message : `${path}: ${issue.message}`
    }),
    ...(error.omitted === undefined || error.omitted === 0 ? [] : [`and ${formatCount(error.omitted)} more`])
  ].join("; ")

/** The progress line: how many are delivered, and what the last failure was while retrying. */
const progressText = (stats: Ingest.PipelineStats, delivery: Delivery): string => {
  const done = `${formatCount(stats.delivered)} of ${countOf(delivery.count, delivery.kind)} delivered`
  return stats.lastError === undefined ? done : `${done}; retrying after: ${peerText(stats.lastError.message, 60)}`
}

/** Waits until everything queued is delivered or dropped, with a progress line meanwhile. */
const flushWithProgress = (ingest: Ingest.Service, delivery: Delivery) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const update = yield* output.progress(`sending ${countOf(delivery.count, delivery.kind)}`)
    yield* ingest.stats.pipe(
      Effect.flatMap((stats) => Effect.sync(() => update(progressText(stats[delivery.kind], delivery)))),
      Effect.repeat(Schedule.spaced(PROGRESS_EVERY)),
      Effect.forkScoped
    )
    yield* ingest.flush
  }).pipe(Effect.scoped)

/** The stats as `--json` prints them. @internal */
export const statsJson = (kind: Delivery["kind"], stats: Ingest.PipelineStats) => ({
  kind,
  accepted: stats.accepted,
  delivered: stats.delivered,
  dropped: stats.dropped,
  retries: stats.retries,
  requests: stats.requests,
  bytesSent: stats.bytesSent,
  lastError: stats.lastError === undefined
    ? null
    : {
      message: peerText(stats.lastError.message, 400),
      status: stats.lastError.status ?? null,
      at: stats.lastError.at.toISOString()
    }
})

/**
 * Why not everything was delivered, as the exit code's kind and one sentence; `undefined` when
 * everything was. `lastError` tells the kind: a refused token (401, 403), another refusal (a 4xx:
 * the data, its size), or else the network, a timeout or a failing server, retried until the deadline.
 * @internal
 */
export const undelivered = (
  stats: Ingest.PipelineStats,
  kind: Delivery["kind"],
  timeout: Duration.Duration
): CliError | undefined => {
  const missing = stats.accepted - stats.delivered
  if (missing === 0) return undefined
  const lead = `${formatCount(missing)} of ${countOf(stats.accepted, kind)} ${
    missing === 1 ? "was" : "were"
  } not delivered`
  const message = stats.lastError?.message
  const status = stats.lastError?.status
  if (status === 401 || status === 403) return fail("token", `${lead}: the server refused the token (HTTP ${status})`)
  if (status !== undefined && status >= 300 && status < 500 && status !== 408 && status !== 429) {
    return fail("rejected", `${lead}: the server refused ${missing === 1 ? "it" : "them"}: ${message}`)
  }
  const within = `${lead} within ${Duration.format(timeout)}, retries included`
  return fail("network", message === undefined ? within : `${within}: ${message}`)
}

/**
 * Builds the Ingest service for `delivery`, queues with `enqueue`, and waits, at most
 * `--timeout`, for everything to be delivered; then stops the service (what is left is not
 * delivered) and tells the outcome: nothing on success unless `--verbose` or `--json`, else the
 * failure of the kind {@link undelivered} says. A failure of `enqueue` (a `ValidationError`)
 * stops the service with nothing sent.
 * @internal
 */
export const deliver = <E>(
  delivery: Delivery,
  enqueue: (ingest: Ingest.Service) => Effect.Effect<void, E>
): Effect.Effect<void, E | CliError, Output.Output> =>
  Effect.flatMap(Output.Output, (output) =>
    Effect.gen(function*() {
      // A scope of its own, closed before the stats are read, so that they count what the stop dropped.
      const ingestScope = yield* Scope.fork(yield* Effect.scope, ExecutionStrategy.sequential)
      const context = yield* Layer.buildWithScope(
        ingestLayer(delivery.connection, ingestOptions(delivery)),
        ingestScope
      )
      const ingest = Context.get(context, Ingest.Ingest)
      yield* addDimensions(ingest, delivery.dimensions)
      yield* enqueue(ingest)
      yield* flushWithProgress(ingest, delivery).pipe(Effect.timeoutOption(delivery.timeout))
      yield* Scope.close(ingestScope, Exit.void)
      const stats = (yield* ingest.stats)[delivery.kind]
      if (delivery.json) yield* output.json(statsJson(delivery.kind, stats))
      const failure = undelivered(stats, delivery.kind, delivery.timeout)
      if (failure !== undefined) return yield* failure
      if (delivery.verbose && !delivery.json) yield* output.line(`${countOf(stats.delivered, delivery.kind)} delivered`)
    }).pipe(Effect.scoped, Effect.provide(loggerLayer(delivery.verbose))))
