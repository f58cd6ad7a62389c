/**
 * effect-signalfx/testing: a local SignalFx-compatible server for testing code that sends to
 * SignalFx, without an account.
 *
 * @since 0.1.0
 * @module effect-signalfx/testing
 */

/**
 * The local SignalFx server: ingest and metadata APIs over loopback HTTP, with recording and
 * scripted faults.
 *
 * @since 0.1.0
 */
export * as FakeSignalFx from "./FakeSignalFx.js"
