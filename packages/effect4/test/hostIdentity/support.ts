/**
 * What the Effect 4 host-identity tests share: the fake metadata server of both packages' tests
 * (`test/hostIdentity/metadataServer.ts`) in a scope, a closed loopback port, and endpoint
 * options that send every lookup to loopback. No test ever reaches a real metadata address.
 */
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import type * as Scope from "effect/Scope"
import type { FakeMetadataServer, Received, Reply } from "../../../../test/hostIdentity/metadataServer.js"
import { closedPortUrl, loopbackEndpoints, startMetadataServer } from "../../../../test/hostIdentity/metadataServer.js"
import * as HostIdentity from "../../src/HostIdentity.js"
import type { ConfigurationError } from "../../src/SignalFxError.js"

export { AWS_ID, identityDocument, json } from "../../../../test/hostIdentity/metadataServer.js"
export type { Answer, FakeMetadataServer, Received, Reply } from "../../../../test/hostIdentity/metadataServer.js"

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
): Effect.Effect<HostIdentity.Service, ConfigurationError, Scope.Scope> =>
  HostIdentity.make(options).pipe(Effect.provide(FetchHttpClient.layer))

/**
 * Runs `body` with its log lines, debug included, and those of every fiber it forks, kept in
 * the array it is given as `LEVEL message` instead of printed.
 */
export const withLogs = <A, E, R>(
  body: (lines: ReadonlyArray<string>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => {
  const lines: Array<string> = []
  const capture = Logger.make(({ logLevel, message }) => {
    lines.push(`${logLevel.toUpperCase()} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
  })
  return body(lines).pipe(
    Effect.provideService(Logger.CurrentLoggers, new Set([capture])),
    Effect.provideService(References.MinimumLogLevel, "Debug")
  )
}

/** Milliseconds an effect took, in real time. */
export const timed = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<[A, number], E, R> =>
  Effect.suspend(() => {
    const start = Date.now()
    return Effect.map(effect, (a): [A, number] => [a, Date.now() - start])
  })
