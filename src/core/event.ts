/**
 * The event as a caller writes it and as validation returns it: plain types shared by both
 * packages, re-exported by their `Event` modules.
 *
 * @since 0.3.0
 */
import type { Dimensions } from "./datapoint.js"
import * as rules from "./rules.js"

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
  readonly dimensions?: Dimensions | undefined
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
  readonly dimensions: Dimensions
  readonly properties: Properties
  readonly timestamp: number | undefined
}
