/**
 * @effect-signalfx/effect4/testing: a local SignalFx-compatible server for testing code that sends to
 * SignalFx, without an account.
 *
 * @since 0.2.0
 * @module @effect-signalfx/effect4/testing
 */

/**
 * The local SignalFx server: ingest and metadata APIs over loopback HTTP, with recording and
 * scripted faults.
 *
 * @since 0.2.0
 */
export * as FakeSignalFx from "./FakeSignalFx.js"
