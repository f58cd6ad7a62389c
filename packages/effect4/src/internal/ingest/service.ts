/**
 * Assembles the Ingest service: validation in `send`, two pipelines (datapoints and events)
 * sharing one transport, the global dimensions, and the graceful stop as a scope finalizer.
 */
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as jsonCodec from "../../core/wire/json.js"
import * as protobufCodec from "../../core/wire/protobuf.js"
import { encodeEventSegments } from "../../core/wire/protobufEvents.js"
import type * as Datapoint from "../../Datapoint.js"
import type * as Event from "../../Event.js"
import type * as Ingest from "../../Ingest.js"
import type { ClosedError, ConfigurationError, ValidationError } from "../../SignalFxError.js"
import { validateDatapoints, validateEvent, validateEvents } from "../validated.js"
import { addedDimensions, removedDimensions } from "./globalDimensions.js"
import * as options_ from "./options.js"
import type { PipelineControl } from "./pipeline.js"
import { makePipeline } from "./pipeline.js"
import type { Transport } from "./transport.js"
import { makeTransport } from "./transport.js"

const textEncoder = new TextEncoder()

/** The datapoints' pipeline, and `send`: validate, then queue. */
interface DatapointQueue {
  readonly pipeline: PipelineControl
  readonly send: (
    input: Datapoint.Datapoints,
    globals: Datapoint.Dimensions
  ) => Effect.Effect<void, ValidationError | ClosedError>
}

/**
 * In protobuf, each `send` is validated and encoded in one walk, and the queue holds its bytes:
 * no datapoint is copied. An invalid send is walked again, by `validateDatapoints`, for an error
 * that names every problem. JSON, the rare choice, queues validated copies and encodes a batch as
 * it leaves.
 */
const datapointQueue = (
  resolved: options_.ResolvedOptions,
  transport: Transport
): Effect.Effect<DatapointQueue, never, Scope.Scope> => {
  const config = { kind: "datapoints", path: "/v2/datapoint", capacity: resolved.queueCapacity } as const
  if (resolved.format === "protobuf") {
    const encoder = new protobufCodec.DatapointEncoder()
    return Effect.map(
      makePipeline<protobufCodec.EncodedDatapoints>(
        {
          ...config,
          contentType: "application/x-protobuf",
          encode: protobufCodec.joinDatapoints,
          absorb: (last, next) => last.absorb(next)
        },
        resolved,
        transport
      ),
      (pipeline) => ({
        pipeline,
        send: (input, globals) =>
          Effect.suspend((): Effect.Effect<void, ValidationError | ClosedError> => {
            const encoded = encoder.encodeValid(input, globals)
            if (encoded !== undefined) return pipeline.offer(encoded, globals)
            const validated = validateDatapoints(input, globals)
            // Valid on the second walk: a getter in the input answered differently. Its copies are sent.
            return Result.isFailure(validated)
              ? Effect.fail(validated.failure)
              : pipeline.offer(encoder.encode(validated.success, globals), globals)
          })
      })
    )
  }
  return Effect.map(
    makePipeline<ReadonlyArray<Datapoint.Validated>>(
      {
        ...config,
        contentType: "application/json",
        encode: (segments) => textEncoder.encode(jsonCodec.encodeDatapointSegments(segments))
      },
      resolved,
      transport
    ),
    (pipeline) => ({
      pipeline,
      send: (input, globals) =>
        Effect.suspend((): Effect.Effect<void, ValidationError | ClosedError> => {
          const validated = validateDatapoints(input, globals)
          return Result.isFailure(validated)
            ? Effect.fail(validated.failure)
            : pipeline.offer(validated.success, globals)
        })
    })
  )
}

/** @internal */
export const make = (
  options: Ingest.Options
): Effect.Effect<Ingest.Service, ConfigurationError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const resolved = yield* Effect.fromResult(options_.resolve(options))
    const transport = yield* makeTransport(resolved)
    const protobuf = resolved.format === "protobuf"
    const { pipeline: datapoints, send: sendDatapoints } = yield* datapointQueue(resolved, transport)
    const events = yield* makePipeline<ReadonlyArray<Event.Validated>>(
      {
        kind: "events",
        path: "/v2/event",
        capacity: resolved.eventQueueCapacity,
        contentType: protobuf ? "application/x-protobuf" : "application/json",
        encode: protobuf
          ? encodeEventSegments
          : (segments) => textEncoder.encode(jsonCodec.encodeEventSegments(segments))
      },
      resolved,
      transport
    )

    // Replaced, never mutated: queued segments keep the dimensions in force when they were sent.
    let globals: Datapoint.Dimensions = resolved.dimensions

    // Added after the pipelines, so it runs before their fibers are interrupted: nothing queued is lost.
    yield* Effect.addFinalizer(() =>
      Effect.all([datapoints.close, events.close], { concurrency: "unbounded", discard: true })
    )

    const replaceGlobals = (
      next: () => Result.Result<Datapoint.Dimensions, ValidationError>
    ): Effect.Effect<void, ValidationError> =>
      Effect.suspend(() => {
        const replaced = next()
        if (Result.isFailure(replaced)) return Effect.fail(replaced.failure)
        globals = replaced.success
        return Effect.void
      })

    const offerEvents = (
      validated: Result.Result<ReadonlyArray<Event.Validated>, ValidationError>,
      at: Datapoint.Dimensions
    ): Effect.Effect<void, ValidationError | ClosedError> =>
      Result.isFailure(validated) ? Effect.fail(validated.failure) : events.offer(validated.success, at)

    return {
      send: (input) => Effect.suspend(() => sendDatapoints(input, globals)),
      sendEvent: (input) =>
        Effect.suspend(() => offerEvents(Result.map(validateEvent(input, globals), (event) => [event]), globals)),
      sendEvents: (input) => Effect.suspend(() => offerEvents(validateEvents(input, globals), globals)),
      flush: Effect.all([datapoints.flush, events.flush], { concurrency: "unbounded", discard: true }),
      addDimensions: (dimensions) => replaceGlobals(() => addedDimensions(dimensions, globals)),
      removeDimensions: (keys) => replaceGlobals(() => removedDimensions(keys, globals)),
      dimensions: Effect.sync(() => globals),
      stats: Effect.sync(() => ({ datapoints: datapoints.stats.snapshot(), events: events.stats.snapshot() }))
    }
  })
