/**
 * Events: things that happened (a deployment, an alert), with a type, a category, dimensions and
 * properties.
 *
 * @since 0.2.0
 */
import type * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as rules from "./core/rules.js"
import { DimensionsSchema, Timestamp } from "./Datapoint.js"
import { checkedRecord, fromRule } from "./internal/ruleSchemas.js"
import * as validation from "./internal/validated.js"
import type { ValidationError } from "./SignalFxError.js"

export { categories } from "./core/event.js"
export type { Category, Event, Properties, PropertyValue, Validated } from "./core/event.js"
import type { Category, Event, Properties, Validated } from "./core/event.js"

/**
 * Checks one event against SignalFx's rules; on failure one {@link ValidationError} lists every
 * problem with its path.
 *
 * @example
 * ```ts
 * import { Event } from "@effect-signalfx/effect4"
 * import { Result } from "effect"
 *
 * const result = Event.validate({ eventType: "deploy", properties: { ratio: Number.NaN } })
 * if (Result.isFailure(result)) {
 *   console.log(result.failure.issues.map(String))
 *   // [ `properties["ratio"]: NaN is not a finite number` ]
 * }
 * ```
 *
 * @since 0.2.0
 * @category validation
 */
export const validate: (input: unknown) => Result.Result<Validated, ValidationError> = validation.validateEvent

/**
 * Checks an array of events; paths start with the index, e.g. `[2].eventType`.
 *
 * @since 0.2.0
 * @category validation
 */
export const validateAll: (input: unknown) => Result.Result<ReadonlyArray<Validated>, ValidationError> =
  validation.validateEvents

/**
 * @since 0.2.0
 * @category schemas
 */
export const CategorySchema: Schema.Codec<Category> = Schema.Literals(rules.category.values)

/**
 * @since 0.2.0
 * @category schemas
 */
export const EventType: Schema.Codec<string> = Schema.String.pipe(Schema.check(fromRule(rules.eventType)))
  .annotate({ identifier: "EventType" })

/**
 * @since 0.2.0
 * @category schemas
 */
export const PropertiesSchema: Schema.Codec<Properties> = checkedRecord(
  Schema.Union([Schema.String, Schema.Number, Schema.BigInt, Schema.Boolean]).pipe(
    Schema.check(fromRule(rules.propertyValue))
  ),
  rules.propertyKey,
  rules.propertyCount
).annotate({ identifier: "Properties" })

/**
 * The Schema of one valid {@link Event}.
 *
 * @since 0.2.0
 * @category schemas
 */
export const EventSchema: Schema.Codec<Event> = Schema.Struct({
  eventType: EventType,
  category: Schema.optional(CategorySchema),
  dimensions: Schema.optional(DimensionsSchema),
  properties: Schema.optional(PropertiesSchema),
  timestamp: Schema.optional(Timestamp)
}).annotate({ identifier: "Event" })
