/**
 * Assembles the Ingest service: validation in `send`, two pipelines (datapoints and events)
 * sharing one transport, the global dimensions, and the graceful stop as a scope finalizer.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Scope from "effect/Scope"
import * as jsonCodec from "../../core/wire/json.js"
import * as protobufCodec from "../../core/wire/protobuf.js"
import { encodeEventSegments } from "../../core/wire/protobufEvents.js"
import type * as Datapoint from "../../Datapoint.js"
import type * as Event from "../../Event.js"
import type * as Ingest from "../../Ingest.js"
import type { ClosedError, ConfigurationError } from "../../SignalFxError.js"
import { ValidationError } from "../../SignalFxError.js"
import { validateDatapoints, validateEvent, validateEvents } from "../validated.js"
import { addedDimensions, removedDimensions } from "./globalDimensions.js"
import * as options_ from "./options.js"
import type { Offered, PipelineControl } from "./pipeline.js"
import { completeOffer, makePipeline } from "./pipeline.js"
import type { Transport } from "./transport.js"
import { makeTransport } from "./transport.js"

const textEncoder = new TextEncoder()

/**
 * What the Promise facade reaches past the public service for.
 * @internal
 */
export interface Internals {
  /**
   * The synchronous core of the sends: validate, then queue at once. The service's effects run
   * it inside `Effect.suspend`; the facade calls it directly, sparing every `send` the fiber
   * that running an effect from outside costs (~1.4 µs).
   */
  readonly send: (input: Datapoint.Datapoints) => ValidationError | Offered
  readonly sendEvent: (input: Event.Event) => ValidationError | Offered
  readonly sendEvents: (input: ReadonlyArray<Event.Event>) => ValidationError | Offered
  /**
   * Stops both pipelines at once, dropping what is left as `shutdownDeadline` and aborting the
   * open requests: for a process that is ending past its shutdown deadline, whose open sockets
   * would otherwise hold it until their request timeout.
   */
  readonly abandon: Effect.Effect<void>
}

/** The datapoints' pipeline, and the synchronous core of `send`: validate, then queue. */
interface DatapointQueue {
  readonly pipeline: PipelineControl
  readonly send: (input: unknown, globals: Datapoint.Dimensions) => ValidationError | Offered
}

/**
 * In protobuf, each `send` is validated and encoded in one walk, and the queue holds its bytes:
 * no datapoint is copied, and a burst of sends not yet delivered costs the garbage collector a
 * few buffers, not every datapoint. An invalid send is walked again, by `validateDatapoints`, for
 * an error that names every problem. JSON, the rare choice, queues validated copies and encodes
 * a batch as it leaves.
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
        send: (input, globals) => {
          const encoded = encoder.encodeValid(input, globals)
          if (encoded !== undefined) return pipeline.unsafeOffer(encoded, globals)
          const validated = validateDatapoints(input, globals)
          // Valid on the second walk: a getter in the input answered differently. Its copies are sent.
          return Either.isLeft(validated)
            ? validated.left
            : pipeline.unsafeOffer(encoder.encode(validated.right, globals), globals)
        }
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
      send: (input, globals) => {
        const validated = validateDatapoints(input, globals)
        return Either.isLeft(validated) ? validated.left : pipeline.unsafeOffer(validated.right, globals)
      }
    })
  )
}

const run = (outcome: ValidationError | Offered): Effect.Effect<void, ValidationError | ClosedError> =>
  outcome instanceof ValidationError ? Effect.fail(outcome) : completeOffer(outcome)

/** @internal */
export const make = (
  options: Ingest.Options
): Effect.Effect<Ingest.Service, ConfigurationError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.map(makeWithInternals(options), ({ service }) => service)

/**
 * The service, and the internals the Promise facade uses beside it.
 * @internal
 */
export const makeWithInternals = (
  options: Ingest.Options
): Effect.Effect<
  { readonly service: Ingest.Service; readonly internals: Internals },
  ConfigurationError,
  HttpClient.HttpClient | Scope.Scope
> =>
  Effect.gen(function*() {
    const resolved = yield* options_.resolve(options)
    const transport = yield* makeTransport(resolved)
    const protobuf = resolved.format === "protobuf"
    const contentType = protobuf ? "application/x-protobuf" : "application/json"
    const { pipeline: datapoints, send: sendDatapoints } = yield* datapointQueue(resolved, transport)
    const events = yield* makePipeline<ReadonlyArray<Event.Validated>>(
      {
        kind: "events",
        path: "/v2/event",
        capacity: resolved.eventQueueCapacity,
        contentType,
        encode: protobuf
          ? encodeEventSegments
          : (segments) => textEncoder.encode(jsonCodec.encodeEventSegments(segments))
      },
      resolved,
      transport
    )

    // Replaced, never mutated: queued segments keep the dimensions in force when they were sent.
    let globals: Datapoint.Dimensions = resolved.dimensions

    // Registered after the pipelines, so it runs before their fibers are interrupted.
    yield* Effect.addFinalizer(() =>
      Effect.all([datapoints.close, events.close], { concurrency: "unbounded", discard: true })
    )

    const replaceGlobals = (
      next: () => Either.Either<Datapoint.Dimensions, ValidationError>
    ): Effect.Effect<void, ValidationError> =>
      Effect.suspend(() => {
        const replaced = next()
        if (Either.isLeft(replaced)) return Effect.fail(replaced.left)
        globals = replaced.right
        return Effect.void
      })

    const internals: Internals = {
      send: (input) => sendDatapoints(input, globals),
      sendEvent: (input) => {
        const validated = validateEvent(input, globals)
        return Either.isLeft(validated) ? validated.left : events.unsafeOffer([validated.right], globals)
      },
      sendEvents: (input) => {
        const validated = validateEvents(input, globals)
        return Either.isLeft(validated) ? validated.left : events.unsafeOffer(validated.right, globals)
      },
      abandon: Effect.all([datapoints.abandon, events.abandon], { concurrency: "unbounded", discard: true })
    }

    const service: Ingest.Service = {
      send: (input) => Effect.suspend(() => run(internals.send(input))),
      sendEvent: (input) => Effect.suspend(() => run(internals.sendEvent(input))),
      sendEvents: (input) => Effect.suspend(() => run(internals.sendEvents(input))),
      flush: Effect.all([datapoints.flush, events.flush], { concurrency: "unbounded", discard: true }),
      addDimensions: (dimensions) => replaceGlobals(() => addedDimensions(dimensions, globals)),
      removeDimensions: (keys) => replaceGlobals(() => removedDimensions(keys, globals)),
      dimensions: Effect.sync(() => globals),
      stats: Effect.sync(() => ({ datapoints: datapoints.stats.snapshot(), events: events.stats.snapshot() }))
    }
    return { service, internals }
  })
