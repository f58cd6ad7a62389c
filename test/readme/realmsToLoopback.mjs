/**
 * Loaded (through `--import` in NODE_OPTIONS, after the loopback-only guard) into the programs
 * of the README and the guides that test/readme.test.ts runs: a connection to a realm's host (`ingest.us1.signalfx.com`,
 * `api.us1.signalfx.com`, `stream.us1.signalfx.com`…) goes to the local server at 127.0.0.1 and
 * the port in README_REALMS_PORT instead, as an /etc/hosts entry would send it. The program keeps
 * its realm's https URL: TLS still verifies the certificate for the realm's name (the local
 * server's, trusted through NODE_EXTRA_CA_CERTS). Every other host is left to the guard.
 */
import * as net from "node:net"
import process from "node:process"

const port = Number(process.env["README_REALMS_PORT"])
if (!Number.isInteger(port) || port <= 0) throw new Error("README_REALMS_PORT: the local server's port is not set")
const realmHost = /^[a-z]+\.[a-z0-9]+\.signalfx\.com$/i

/**
 * The options of a `connect(options, …)` call to a realm's host on 443, pointed at the local
 * server; `undefined` for any other call.
 * @param {unknown} options
 * @returns {object | undefined}
 */
const toLocalServer = (options) =>
  typeof options === "object" && options !== null && "host" in options && typeof options.host === "string" &&
    realmHost.test(options.host) && (!("port" in options) || Number(options.port) === 443)
    ? { ...options, host: "127.0.0.1", port }
    : undefined

const connect = net.Socket.prototype.connect

/**
 * @this {net.Socket}
 * @param {...unknown} args
 * @returns {net.Socket}
 */
net.Socket.prototype.connect = function connectRealmsToLoopback(...args) {
  if (Array.isArray(args[0])) {
    // Arguments normalized by net.connect: an array carrying a symbol that marks it so.
    const [options, ...rest] = args[0]
    const local = toLocalServer(options)
    if (local !== undefined) {
      const normalized = [local, ...rest]
      for (const symbol of Object.getOwnPropertySymbols(args[0])) normalized[symbol] = args[0][symbol]
      return Reflect.apply(connect, this, [normalized, ...args.slice(1)])
    }
  } else {
    const local = toLocalServer(args[0])
    if (local !== undefined) return Reflect.apply(connect, this, [local, ...args.slice(1)])
  }
  return Reflect.apply(connect, this, args)
}
