/**
 * What the Promise facade loads on first use, in one module: the REST services and their runner
 * (the metadata methods, `sfx.rest`), SignalFlow's, and HostIdentity (the `hostIdentity` option,
 * `getAwsUniqueId` and the like). A script that only sends never loads it.
 *
 * One module rather than one per capability: the bundle's code splitting then makes one chunk of
 * what only these need and one of what the facade shares with them, and importing the facade
 * loads two files instead of one per combination of capabilities that share code.
 */
export * as HostIdentity from "../../HostIdentity.js"
export * as Metadata from "../../Metadata.js"
export * as Rest from "../../Rest.js"
export { ApiRunner } from "./runner.js"
export { SignalFlowRunner } from "./signalflowRunner.js"
