/**
 * The forwarding proxy of both packages' proxy tests (`test/proxy/forwardingProxy.ts`), in an
 * Effect scope.
 */
import { Effect } from "effect"
import type { Scope } from "effect"
import type { ProxyOptions, RunningProxy } from "./forwardingProxy.js"
import { closedLoopbackPort, startForwardingProxy } from "./forwardingProxy.js"

export type { RunningProxy, Seen } from "./forwardingProxy.js"

/** A real forwarding proxy on a loopback port, closed with the scope. */
export const startProxy = (options: ProxyOptions = {}): Effect.Effect<RunningProxy, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.promise(() => startForwardingProxy(options)), ({ close }) => Effect.promise(close)).pipe(
    Effect.map(({ proxy }) => proxy)
  )

/** A loopback port with nothing listening: connections to it are refused. */
export const closedPort: Effect.Effect<number> = Effect.promise(closedLoopbackPort)
