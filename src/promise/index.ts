/**
 * effect-signalfx/promise: the `SignalFx` client with a Promise API, for code that does not use
 * Effect, and the error classes its promises reject with.
 *
 * @since 0.1.0
 */

export {
  /**
   * @since 0.1.0
   */
  SignalFx,
  /**
   * @since 0.1.0
   */
  type SignalFxLogger,
  /**
   * @since 0.1.0
   */
  type SignalFxOptions
} from "./SignalFx.js"

export {
  /**
   * @since 0.2.0
   */
  SignalFlowClient,
  /**
   * @since 0.2.0
   */
  type SignalFlowClientOptions,
  /**
   * @since 0.2.0
   */
  type SignalFlowIterable
} from "./signalflow.js"

export {
  /**
   * @since 0.2.0
   */
  ComputationAbortedError,
  /**
   * @since 0.2.0
   */
  ComputationFailedError,
  /**
   * @since 0.2.0
   */
  SignalFlowAuthenticationError,
  /**
   * @since 0.2.0
   */
  SignalFlowConnectionError
} from "../internal/signalflow/errors.js"

export {
  /**
   * @since 0.1.0
   */
  ClosedError,
  /**
   * @since 0.1.0
   */
  ConfigurationError,
  /**
   * @since 0.1.0
   */
  ValidationError,
  /**
   * @since 0.1.0
   */
  ValidationIssue
} from "../SignalFxError.js"

export type {
  /**
   * @since 0.1.0
   */
  Datapoint,
  /**
   * @since 0.1.0
   */
  Datapoints,
  /**
   * @since 0.1.0
   */
  Dimensions,
  /**
   * @since 0.1.0
   */
  Value
} from "../Datapoint.js"

export type {
  /**
   * @since 0.1.0
   */
  Category as EventCategory,
  /**
   * @since 0.1.0
   */
  Event,
  /**
   * @since 0.1.0
   */
  Properties as EventProperties
} from "../Event.js"

export type {
  /**
   * @since 0.1.0
   */
  PipelineStats,
  /**
   * @since 0.1.0
   */
  Stats
} from "../Ingest.js"
