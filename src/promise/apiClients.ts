/**
 * What a `SignalFx` client hands out beside ingest: the metadata methods, `sfx.rest`,
 * `sfx.login` and `sfx.signalflow`, each derived from its service by the facade's one runner and
 * loaded on first use, with the client's API token and endpoint, proxy, certificate authorities
 * and logger. `close()` closes them all: their calls then reject (see `ServiceRunner`).
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type { FacadeApiOptions } from "../internal/promise/api.js"
import { apiSettings } from "../internal/promise/api.js"
import type { LineLogger } from "../internal/promise/logger.js"
import type { Promised, ServiceRunner } from "../internal/promise/runner.js"
import { promised } from "../internal/promise/runner.js"
import type * as Metadata from "../Metadata.js"
import type * as Rest from "../Rest.js"
import type { ConfigurationError } from "../SignalFxError.js"
import { makeMetadataRunner } from "./metadata.js"
import { makeLogin, makeRestRunner } from "./rest.js"
import { SignalFlowClient, type SignalFlowClientOptions } from "./signalflow.js"

/** @internal */
export interface ApiClientsOptions extends FacadeApiOptions {
  readonly logger: LineLogger | false | undefined
  readonly proxy: string | Redacted.Redacted<string> | undefined
  readonly ca: string | ReadonlyArray<string> | undefined
  readonly signalflow: SignalFlowClientOptions | undefined
}

/** @internal */
export class ApiClients {
  readonly metadata: ServiceRunner<Metadata.Service>
  readonly login: ReturnType<typeof makeLogin>
  readonly #rest: ServiceRunner<Rest.Service>
  #restClient: Promised<Rest.Service> | undefined
  readonly #makeSignalflow: () => SignalFlowClient
  #signalflow: SignalFlowClient | undefined
  #closed = false

  /**
   * Checks the options (a bad one throws a `ConfigurationError` naming it); loads nothing.
   */
  constructor(
    clientToken: Redacted.Redacted<string>,
    options: ApiClientsOptions,
    httpClient: Layer.Layer<HttpClient.HttpClient, ConfigurationError>
  ) {
    const { ca, logger, proxy, signalflow, ...api } = options
    const settings = apiSettings(clientToken, api)
    if (Either.isLeft(settings)) throw settings.left
    this.metadata = makeMetadataRunner(settings.right, httpClient, logger)
    // The Rest service takes the metadata options, checked above.
    this.#rest = makeRestRunner(settings.right, httpClient, logger)
    this.login = makeLogin(this.#rest, settings.right, httpClient)
    const { token: signalflowToken, ...signalflowOptions } = signalflow ?? {}
    this.#makeSignalflow = () =>
      new SignalFlowClient(signalflowToken ?? settings.right.token, {
        realm: api.realm,
        logger,
        proxy,
        ca,
        ...signalflowOptions
      })
  }

  /** `sfx.rest`: the Rest service's operations, derived from it. */
  get rest(): Promised<Rest.Service> {
    return this.#restClient ??= promised(this.#rest)
  }

  /** `sfx.signalflow`, made on first use; made after `close()`, it is closed already. */
  get signalflow(): SignalFlowClient {
    if (this.#signalflow === undefined) {
      this.#signalflow = this.#makeSignalflow()
      // Nothing would close it otherwise: its socket would outlive the stopped client.
      if (this.#closed) void this.#signalflow.close()
    }
    return this.#signalflow
  }

  close(): Promise<void> {
    this.#closed = true
    return Promise.all([this.metadata.close(), this.#rest.close(), this.#signalflow?.close()]).then(() => undefined)
  }
}
