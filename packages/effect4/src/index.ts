/**
 * effect-signalfx for Effect 4: an Effect-native client for SignalFx / Splunk Observability Cloud.
 *
 * @since 0.2.0
 * @module @effect-signalfx/effect4
 */

/**
 * Datapoints, metric types, and the rules SignalFx holds them to.
 *
 * @since 0.2.0
 */
export * as Datapoint from "./Datapoint.js"

/**
 * Events: type, category, dimensions and properties.
 *
 * @since 0.2.0
 */
export * as Event from "./Event.js"

/**
 * The errors of the library, as tagged classes.
 *
 * @since 0.2.0
 */
export * as SignalFxError from "./SignalFxError.js"
