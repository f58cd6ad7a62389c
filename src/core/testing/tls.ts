/**
 * HTTPS for the local server: a certificate and key given, or a self-signed certificate made for
 * the run (by the `selfsigned` package, with WebCrypto: no network, no `openssl` binary), valid
 * for `localhost`, 127.0.0.1, ::1 and the host the server listens on. The certificate is handed
 * back so that a client can trust it through its `ca` option; nothing ever turns verification off.
 */
import { randomUUID } from "node:crypto"
import * as http from "node:http"
import * as https from "node:https"
import * as net from "node:net"

/** @internal */
export interface Credentials {
  readonly cert: string
  readonly key: string
}

const DAY_MILLIS = 24 * 60 * 60 * 1000

type AltName = { readonly type: 2; readonly value: string } | { readonly type: 7; readonly ip: string }

/**
 * A self-signed certificate for `host` and loopback, valid from a day ago (clocks differ) for
 * thirty days.
 * @internal
 */
export const generate = async (host: string): Promise<Credentials> => {
  // Loaded only when asked for, and an optional peer dependency: it brings an ASN.1 and X.509
  // toolkit (about 5 MB) that a client never needs.
  const { generate: selfsigned } = await import("selfsigned").catch((cause: unknown) => {
    throw new Error(
      "the local server's tls: true needs the selfsigned package (npm install --save-dev selfsigned), " +
        "or give it a certificate and key: tls: { cert, key }",
      { cause }
    )
  })
  const names = new Map<string, AltName>()
  for (const name of ["localhost", "127.0.0.1", "::1", host.replace(/^\[(.*)\]$/, "$1")]) {
    names.set(name, net.isIP(name) === 0 ? { type: 2, value: name } : { type: 7, ip: name })
  }
  const now = Date.now()
  // A name of its own: a trust store holding two certificates of one name finds only the first.
  const commonName = `effect-signalfx local server ${randomUUID()}`
  const pems = await selfsigned([{ name: "commonName", value: commonName }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - DAY_MILLIS),
    notAfterDate: new Date(now + 30 * DAY_MILLIS),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [...names.values()] }
    ]
  })
  return { cert: pems.cert, key: pems.private }
}

/** A plain HTTP server, or an HTTPS one with these credentials. @internal */
export const createServer = (
  credentials: Credentials | undefined,
  listener: http.RequestListener
): http.Server => credentials === undefined ? http.createServer(listener) : https.createServer(credentials, listener)
