/**
 * SignalFlow for code that does not use Effect: the {@link SignalFlow} service run by a
 * `ManagedRuntime`, its streams as async iterables. The service (its WebSocket, its message
 * schemas) is loaded on a client's first computation or command.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { deferredIterable } from "../internal/promise/api.js"
import type { SignalFlowRunner } from "../internal/promise/signalflowRunner.js"
import * as proxy from "../internal/proxy/options.js"
import { resolve } from "../internal/signalflow/options.js"
import type * as SignalFlow from "../SignalFlow.js"

/**
 * The options of the SignalFlow service, less the Effect-only ones. The token may be given here
 * (on `SignalFx`'s `signalflow` option: SignalFlow needs a token with the API scope, which an
 * ingest token often lacks). `idleTimeout` defaults to 0 here: the socket closes when the last
 * computation ends, so a script that is done can end. `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`
 * are honoured as by `SignalFx`; `proxy`, `noProxy` and `ca` win over them.
 *
 * @since 0.2.0
 * @category models
 */
export interface SignalFlowClientOptions extends Omit<SignalFlow.Options, "token" | "reconnect"> {
  readonly token?: string | Redacted.Redacted<string> | undefined
  /**
   * Where warnings and errors go, as `SignalFx`'s `logger` option: an object with `warn` and
   * `error` (such as `console`), or `false`; plain lines on stderr without it.
   */
  readonly logger?:
    | { readonly warn: (message: string) => void; readonly error: (message: string) => void }
    | false
    | undefined
}

/**
 * A computation's messages as an async iterable. Leaving the `for await` loop early (`break`,
 * `return`, a thrown error) detaches the computation, which stops it. A failure rejects with the
 * library's own error classes: `ComputationFailedError`, `ComputationAbortedError`,
 * `SignalFlowAuthenticationError`, `SignalFlowConnectionError`.
 *
 * @since 0.2.0
 * @category models
 */
export interface SignalFlowIterable<A> extends AsyncIterable<A> {}

/**
 * A SignalFlow client with a Promise API; `sfx.signalflow` on a `SignalFx` client, or on its own.
 *
 * @example
 * ```ts
 * import { SignalFlowClient } from "effect-signalfx/promise"
 *
 * const signalflow = new SignalFlowClient("API_TOKEN", { realm: "us1" })
 * for await (const message of signalflow.execute("data('cpu.utilization').publish()", { start: Date.now() - 60_000, stop: Date.now() })) {
 *   if (message.type === "data") console.log(message.logicalTimestampMs, message.data.length)
 * }
 * // Each timestamp's values with their time series' metadata:
 * for await (const snapshot of signalflow.values("data('requests').sum(by=['service']).publish()")) {
 *   for (const { metadata, value } of snapshot.values) console.log(metadata?.service, value)
 *   break // detaches: the computation stops
 * }
 * await signalflow.close()
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export class SignalFlowClient {
  readonly #load: () => Promise<SignalFlowRunner>
  #runner: Promise<SignalFlowRunner> | undefined
  #closed = false

  /**
   * Checks the options; throws a `ConfigurationError` for an unusable one. Nothing is opened
   * before the first computation.
   *
   * @since 0.2.0
   */
  constructor(token: string | Redacted.Redacted<string>, options: Omit<SignalFlowClientOptions, "token"> = {}) {
    const { logger, ...serviceOptions } = options
    const checked: SignalFlow.Options = {
      idleTimeout: 0,
      ...serviceOptions,
      token: Redacted.isRedacted(token) ? token : Redacted.make(token)
    }
    // Checked now, over the environment's proxy variables, as the service will check them.
    const resolved = resolve(checked, Effect.runSync(proxy.fromEnvironment))
    if (Either.isLeft(resolved)) throw resolved.left
    const endpoint = resolved.right.connectUrl
    this.#load = () =>
      import("../internal/promise/onFirstUse.js").then(({ SignalFlowRunner }) =>
        new SignalFlowRunner(checked, logger, endpoint)
      )
  }

  /**
   * Runs a program; its messages as they come. Resumes across reconnections.
   *
   * @since 0.2.0
   */
  execute(program: string, options?: SignalFlow.ExecuteOptions): SignalFlowIterable<SignalFlow.Message> {
    return deferredIterable(() => this.#loaded().then((runner) => runner.execute(program, options)))
  }

  /**
   * Runs a program; for each logical timestamp, every time series' value with its metadata
   * (see `SignalFlow.byTimestamp`).
   *
   * @since 0.2.0
   */
  values(program: string, options?: SignalFlow.ExecuteOptions): SignalFlowIterable<SignalFlow.Snapshot> {
    return deferredIterable(() => this.#loaded().then((runner) => runner.values(program, options)))
  }

  /**
   * Runs a detector program's preflight.
   *
   * @since 0.2.0
   */
  preflight(program: string, options?: SignalFlow.ExecuteOptions): SignalFlowIterable<SignalFlow.Message> {
    return deferredIterable(() => this.#loaded().then((runner) => runner.preflight(program, options)))
  }

  /**
   * Streams a running computation by its handle.
   *
   * @since 0.2.0
   */
  attach(handle: string, options?: SignalFlow.AttachOptions): SignalFlowIterable<SignalFlow.Message> {
    return deferredIterable(() => this.#loaded().then((runner) => runner.attach(handle, options)))
  }

  /**
   * Starts a computation without streaming it.
   *
   * @since 0.2.0
   */
  start(program: string, options?: SignalFlow.StartOptions): Promise<void> {
    return this.#loaded().then((runner) => runner.start(program, options))
  }

  /**
   * Stops a computation by its handle.
   *
   * @since 0.2.0
   */
  stop(handle: string, options?: SignalFlow.StopOptions): Promise<void> {
    return this.#loaded().then((runner) => runner.stop(handle, options))
  }

  /**
   * Keeps a persistent computation alive.
   *
   * @since 0.2.0
   */
  keepalive(handle: string): Promise<void> {
    return this.#loaded().then((runner) => runner.keepalive(handle))
  }

  /**
   * Closes the socket; running iterations end with a `SignalFlowConnectionError`.
   *
   * @since 0.2.0
   */
  close(): Promise<void> {
    this.#closed = true
    // A service that failed to load has nothing to close; its calls rejected with the failure.
    return this.#runner === undefined ? Promise.resolve() : this.#runner.then((runner) => runner.close(), () => {})
  }

  /**
   * @since 0.2.0
   */
  toString(): string {
    return "SignalFlowClient"
  }

  /**
   * The service, loaded and built on first use. Closed before that, it is built and closed at
   * once: a call after `close()` meets a closed service, as it would had it been used before.
   */
  #loaded(): Promise<SignalFlowRunner> {
    return this.#runner ??= this.#load().then(async (runner) => {
      if (this.#closed) await runner.close()
      return runner
    })
  }
}
