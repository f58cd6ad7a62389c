/**
 * Events: things that happened (a deployment, an alert), with a type, a category, dimensions and
 * properties.
 *
 * @since 0.1.0
 */
import type * as Either from "effect/Either"
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
 * import { Event } from "effect-signalfx"
 * import { Either } from "effect"
 *
 * const result = Event.validate({ eventType: "deploy", properties: { ratio: Number.NaN } })
 * if (Either.isLeft(result)) {
 *   console.log(result.left.issues.map(String))
 *   // [ `properties["ratio"]: NaN is not a finite number` ]
 * }
 * ```
 *
 * @since 0.1.0
 * @category validation
 */
export const validate: (input: unknown) => Either.Either<Validated, ValidationError> = validation.validateEvent

/**
 * Checks an array of events; paths start with the index, e.g. `[2].eventType`.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateAll: (input: unknown) => Either.Either<ReadonlyArray<Validated>, ValidationError> =
  validation.validateEvents

/**
 * @since 0.1.0
 * @category schemas
 */
export const CategorySchema: Schema.Schema<Category> = Schema.Literal(...rules.category.values)

/**
 * @since 0.1.0
 * @category schemas
 */
export const EventType: Schema.Schema<string> = Schema.String.pipe(Schema.filter(fromRule(rules.eventType)))
  .annotations({ identifier: "EventType" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const PropertiesSchema: Schema.Schema<Properties> = checkedRecord(
  Schema.Union(Schema.String, Schema.Number, Schema.BigIntFromSelf, Schema.Boolean).pipe(
    Schema.filter(fromRule(rules.propertyValue))
  ),
  rules.propertyKey,
  rules.propertyCount
).annotations({ identifier: "Properties" })

/**
 * The Schema of one valid {@link Event}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EventSchema: Schema.Schema<Event> = Schema.Struct({
  eventType: EventType,
  category: Schema.optional(CategorySchema),
  dimensions: Schema.optional(DimensionsSchema),
  properties: Schema.optional(PropertiesSchema),
  timestamp: Schema.optional(Timestamp)
}).annotations({ identifier: "Event" })
