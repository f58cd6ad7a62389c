/**
 * What the Promise facade loads on first use, in one module: the REST services (the metadata
 * methods, `sfx.rest`), SignalFlow's, the runner's loaded half (`loaded.ts`), and HostIdentity
 * (the `hostIdentity` option, `getAwsUniqueId` and the like). A script that only sends never
 * loads it.
 *
 * One module rather than one per capability: the bundle's code splitting then makes one chunk of
 * what only these need and one of what the facade shares with them, and importing the facade
 * loads two files instead of one per combination of capabilities that share code.
 */
export * as HostIdentity from "../../HostIdentity.js"
export * as Metadata from "../../Metadata.js"
export * as Rest from "../../Rest.js"
export * as SignalFlow from "../../SignalFlow.js"
export { makeWithEnvironment as makeSignalFlow } from "../signalflow/service.js"
export { SocketHoldsProcess } from "../signalflow/websocket.js"
export { loadService } from "./loaded.js"
