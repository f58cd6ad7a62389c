/** What `startup.ts` (the driver) and `startupClient.ts` (the measured processes) share. */

export type StartupClient = "bare" | "official" | "facade" | "facadeUnbundled" | "effect" | "cli"
export type BurstClient = "official" | "facade"

/** What a `start` run prints as it exits. */
export interface StartReport {
  /** User + system CPU of the whole process, all threads, from its start, microseconds. */
  readonly cpuMicros: number
  /** `maxRSS`, bytes. */
  readonly peakRss: number
}

export interface BurstReport {
  /** From the first send until the sink held every datapoint. */
  readonly elapsedMs: number
  /** CPU of the whole process over the same span, microseconds. */
  readonly cpuMicros: number
  /**
   * CPU of the main (JavaScript) thread alone over the same span, microseconds; the rest is V8's
   * compiler and GC helper threads and libuv's pool. NaN where `/proc` has no `schedstat`.
   */
  readonly mainThreadMicros: number
  /** CPU of the whole process from its start (loading, constructing, the burst), microseconds. */
  readonly processCpuMicros: number
  readonly peakRss: number
  readonly dropped: number
}

export type BurstToDriver =
  | { readonly type: "waitFor"; readonly count: number }
  | { readonly type: "result"; readonly result: BurstReport }

export const BURST_SENDS = 2_000
export const BURST_PER_SEND = 100
