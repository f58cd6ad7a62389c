import { FetchHttpClient } from "@effect/platform"
import { Effect, Layer, Logger, LogLevel } from "effect"
import type { Scope } from "effect"
import { HostIdentity } from "../../src/index.js"
import type { SignalFxError } from "../../src/index.js"
import type { FakeMetadataServer, Received, Reply } from "./metadataServer.js"
import { closedPortUrl, loopbackEndpoints, startMetadataServer } from "./metadataServer.js"

export { AWS_ID, identityDocument, json } from "./metadataServer.js"
export type { Answer, FakeMetadataServer, Received, Reply } from "./metadataServer.js"

/** A fake metadata server on a loopback port (see `metadataServer.ts`), closed with the scope. */
export const fakeMetadataServer = (
  answer: (request: Received, index: number) => Reply
): Effect.Effect<FakeMetadataServer, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.promise(() => startMetadataServer(answer)), ({ close }) => Effect.promise(close)).pipe(
    Effect.map(({ fake }) => fake)
  )

/** A loopback URL nobody listens on: connections are refused at once. */
export const closedPort: Effect.Effect<string> = Effect.promise(closedPortUrl)

/**
 * Every endpoint at `unreachable` (a closed loopback port) unless given: a test never reaches
 * a real metadata address.
 */
export const loopbackOptions = (unreachable: string, options: HostIdentity.Options = {}): HostIdentity.Options =>
  loopbackEndpoints(unreachable, options)

/** A HostIdentity service in the current scope, over fetch. */
export const makeIdentity = (
  options: HostIdentity.Options
): Effect.Effect<HostIdentity.Service, SignalFxError.ConfigurationError, Scope.Scope> =>
  HostIdentity.make(options).pipe(Effect.provide(FetchHttpClient.layer))

/** Collects log lines (level and message), debug included. */
export const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ logLevel, message }) => {
    lines.push(`${logLevel.label} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
  })
  return {
    lines,
    layer: Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(LogLevel.Debug))
  }
}

/** Milliseconds an effect took, in real time. */
export const timed = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<[A, number], E, R> =>
  Effect.suspend(() => {
    const start = Date.now()
    return Effect.map(effect, (a): [A, number] => [a, Date.now() - start])
  })

/** Polls in real time until `check` holds. */
export const eventually = (check: () => boolean, timeoutMillis = 5_000): Effect.Effect<void> =>
  Effect.promise(async () => {
    const deadline = Date.now() + timeoutMillis
    while (!check()) {
      if (Date.now() > deadline) throw new Error("condition not met in time")
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  })
