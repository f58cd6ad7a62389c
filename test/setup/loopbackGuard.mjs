/**
 * Every test process refuses to connect anywhere but loopback: a lookup left at a default
 * endpoint (169.254.169.254, metadata.google.internal) or a stray real hostname fails at once,
 * naming the address, instead of sending a packet off this machine. Node's `fetch`, undici,
 * `node:http`, `ws` and plain sockets all connect through `net.Socket#connect`, which is guarded
 * here; Unix sockets and loopback addresses pass.
 *
 * Plain JavaScript, so that every `node` process a test starts (scripts, examples, the server's
 * command, the bundle's checks) loads it too, through `--import` in NODE_OPTIONS, TypeScript
 * loader or not: see `loopbackOnly.ts`.
 */
import * as net from "node:net"
import process from "node:process"

/**
 * The addresses a test may connect to: 127.0.0.0/8, ::1, and `localhost`.
 * @param {string} host
 * @returns {boolean}
 */
export const isLoopback = (host) => {
  const bare = host.replace(/^\[(.*)\]$/, "$1")
  if (bare === "localhost") return true
  if (net.isIPv4(bare)) return bare.startsWith("127.")
  if (net.isIPv6(bare)) return bare === "::1" || /^::ffff:127\./i.test(bare)
  return false
}

/**
 * The host a `connect` call is for, or `undefined` for a Unix socket.
 * @param {ReadonlyArray<unknown>} args
 * @returns {string | undefined}
 */
const hostOf = (args) => {
  // `connect(options, …)`: a normalized call from net.connect, http, tls, undici, ws.
  const [first, second] = Array.isArray(args[0]) ? args[0] : args
  if (typeof first === "object" && first !== null) {
    if ("path" in first && typeof first.path === "string") return undefined
    return "host" in first && typeof first.host === "string" ? first.host : "localhost"
  }
  // `connect(path, …)` or `connect(port, host?, …)`.
  if (typeof first === "string" && !/^\d+$/.test(first)) return undefined
  return typeof second === "string" ? second : "localhost"
}

const connect = net.Socket.prototype.connect

/**
 * @this {net.Socket}
 * @param {...unknown} args
 * @returns {net.Socket}
 */
net.Socket.prototype.connect = function guardedConnect(...args) {
  const host = hostOf(args)
  if (host !== undefined && !isLoopback(host)) {
    const refused = new Error(`the tests connect to loopback only; refused a connection to ${host}`)
    process.nextTick(() => this.destroy(refused))
    return this
  }
  return Reflect.apply(connect, this, args)
}
