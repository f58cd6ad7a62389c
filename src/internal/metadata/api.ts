/**
 * The Metadata service: the declarations of `core/rest/metadataApi.ts` interpreted over one
 * request client. `Metadata.Service` is the type of what {@link operations} answers.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import { metadataApi } from "../../core/rest/metadataApi.js"
import type * as Metadata from "../../Metadata.js"
import type { ConfigurationError } from "../../SignalFxError.js"
import type { Client } from "../http/client.js"
import { makeClient } from "../http/client.js"
import { interpret } from "../rest/operation.js"
import * as options_ from "./options.js"

/**
 * The operations over `client`. Their doc comments are the declarations' (`metadataApi`).
 * @internal
 */
export const operations = (client: Client) => interpret(client, metadataApi)

/** @internal */
export const make = (
  options: Metadata.Options
): Effect.Effect<Metadata.Service, ConfigurationError, HttpClient.HttpClient> =>
  Effect.flatMap(options_.resolve(options), (resolved) => Effect.map(makeClient(resolved), operations))
