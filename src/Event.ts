/**
 * Events: things that happened (a deployment, an alert), with a type, a category, dimensions and
 * properties.
 *
 * @since 0.1.0
 */
import type * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type * as Datapoint from "./Datapoint.js"
import { DimensionsSchema, Timestamp } from "./Datapoint.js"
import * as rules from "./internal/rules.js"
import { checkedRecord, fromRule } from "./internal/ruleSchemas.js"
import * as validation from "./internal/validation.js"
import type { ValidationError } from "./SignalFxError.js"

/**
 * The eight event categories of SignalFx. `USER_DEFINED` is the default; `COLLECTD` is
 * deprecated by the service but still accepted.
 *
 * @since 0.1.0
 * @category models
 */
export const categories: ReadonlyArray<Category> = rules.category.values

/**
 * @since 0.1.0
 * @category models
 */
export type Category =
  | "USER_DEFINED"
  | "ALERT"
  | "AUDIT"
  | "JOB"
  | "COLLECTD"
  | "SERVICE_DISCOVERY"
  | "EXCEPTION"
  | "AGENT"

/**
 * A property value. Numbers follow the datapoint rule: integral numbers and `bigint`s are sent as
 * integers, other numbers as doubles.
 *
 * @since 0.1.0
 * @category models
 */
export type PropertyValue = string | number | bigint | boolean

/**
 * @since 0.1.0
 * @category models
 */
export type Properties = { readonly [key: string]: PropertyValue }

/**
 * An event as a caller writes it.
 *
 * @example
 * ```ts
 * import type { Event } from "effect-signalfx"
 *
 * const deployment: Event.Event = {
 *   eventType: "deployments",
 *   category: "USER_DEFINED",
 *   dimensions: { host: "myhost", service: "myservice" },
 *   properties: { version: "2015.04.29-01", replicas: 3 },
 *   timestamp: Date.now()
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Event {
  readonly eventType: string
  /** Defaults to `USER_DEFINED`. */
  readonly category?: Category | undefined
  readonly dimensions?: Datapoint.Dimensions | undefined
  readonly properties?: Properties | undefined
  /** Milliseconds since the epoch; when absent the service stamps the time of arrival. */
  readonly timestamp?: number | undefined
}

/**
 * An event that passed validation: its category filled in, its dimensions and properties
 * copied.
 *
 * @since 0.1.0
 * @category models
 */
export interface Validated {
  readonly eventType: string
  readonly category: Category
  readonly dimensions: Datapoint.Dimensions
  readonly properties: Properties
  readonly timestamp: number | undefined
}

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
