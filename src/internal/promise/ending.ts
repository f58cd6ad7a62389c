/**
 * How a `SignalFx` client ends with its process: its measured reporters (each in a scope whose
 * closing makes the reporter's last report), and the exit hook that delivers what is queued when
 * the event loop runs dry (a script that sent and simply ended), within the shutdown deadline
 * counted from the first time it ran dry with work left (see `lifecycle.ts`).
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import { countOf } from "../../core/english.js"
import * as MetricsReporter from "../../MetricsReporter.js"
import { unrefClock } from "./clock.js"
import type { StartedIngest } from "./ingest.js"
import { hold, onBeforeExit } from "./lifecycle.js"

/** @internal */
export class ClientEnding {
  readonly #ingest: StartedIngest
  readonly #shutdownTimeoutMillis: number
  readonly #stopped: () => boolean
  readonly #removeExitHook: () => void
  /** One scope per `reportMeasured`. */
  readonly #reporters: Array<Scope.CloseableScope> = []
  #exitFlush: Promise<void> | undefined
  #exitDeadline: number | undefined

  constructor(ingest: StartedIngest, shutdownTimeoutMillis: number, stopped: () => boolean) {
    this.#ingest = ingest
    this.#shutdownTimeoutMillis = shutdownTimeoutMillis
    this.#stopped = stopped
    this.#removeExitHook = onBeforeExit(() => this.#flushBeforeExit())
  }

  /**
   * Starts reporting the registry through the client, in a scope of its own that
   * {@link closeReporters} closes. On the unref'd clock, like the service: a reporter alone never
   * holds the process open.
   */
  report(registry: MetricsReporter.MeasuredRegistry, options: MetricsReporter.Options): void {
    const scope = Effect.runSync(Scope.make())
    const built = this.#ingest.runtime.runSyncExit(
      Layer.buildWithScope(MetricsReporter.layerMeasured(registry, options), scope).pipe(Effect.withClock(unrefClock))
    )
    if (Exit.isFailure(built)) throw Cause.squash(built.cause)
    this.#reporters.push(scope)
  }

  /** Every reporter reports a last time. */
  readonly closeReporters: Effect.Effect<void> = Effect.suspend(() =>
    Effect.forEach(this.#reporters.splice(0), (scope) => Scope.close(scope, Exit.void), { discard: true })
  )

  /** The client is stopping: its own `stop()` delivers what is left. */
  removeExitHook(): void {
    this.#removeExitHook()
  }

  /** The event loop ran dry: deliver what is queued before the process ends. */
  #flushBeforeExit(): void {
    if (this.#stopped() || this.#exitFlush !== undefined) return
    const { runtime, service } = this.#ingest
    if (this.#reporters.length === 0) {
      const { datapoints, events } = this.#ingest.sync(service.stats)
      if (datapoints.pending + events.pending === 0) {
        this.#exitDeadline = undefined
        return
      }
    }
    // One deadline for the whole ending, from the first time the loop ran dry with work left.
    const now = Date.now()
    this.#exitDeadline ??= now + this.#shutdownTimeoutMillis
    const left = Math.max(0, this.#exitDeadline - now)
    // The event loop ran dry: the program is ending. Its reporters report a last time, and that
    // report is flushed in the same breath: work that ends within one turn would not bring
    // `beforeExit` back.
    const delivered = Effect.zipRight(this.closeReporters, Effect.timeoutOption(service.flush, left))
    this.#exitFlush = hold(
      runtime.runPromise(delivered).then((outcome) => {
        this.#exitFlush = undefined
        if (Option.isNone(outcome)) this.#abandonAtExit()
      })
    )
  }

  /**
   * The shutdown deadline passed while the process was ending: what is left is dropped (and
   * counted), and the requests still open are aborted. Their sockets would otherwise keep the
   * process alive until the request timeout, well past the deadline.
   */
  #abandonAtExit(): void {
    this.#removeExitHook()
    const { internals, runtime, service } = this.#ingest
    const { datapoints, events } = this.#ingest.sync(service.stats)
    runtime.runSync(
      Effect.logWarning(
        `The process is exiting with ${countOf(datapoints.pending, "datapoints")} and ${
          countOf(events.pending, "events")
        } undelivered ` +
          `after the shutdown deadline of ${Duration.format(this.#shutdownTimeoutMillis)}`
      ).pipe(Effect.annotateLogs({ package: "effect-signalfx", module: "SignalFx" }))
    )
    runtime.runFork(internals.abandon)
  }
}
