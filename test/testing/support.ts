import type { FakeSignalFx } from "../../src/testing/index.js"

/** A POST to the server, with a token unless `headers` overrides it. */
export const post = (
  server: FakeSignalFx.Server,
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {}
): Promise<Response> =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "X-SF-Token": "test-token", ...headers },
    body
  })

export const postJson = (server: FakeSignalFx.Server, path: string, body: unknown): Promise<Response> =>
  post(server, path, JSON.stringify(body), { "Content-Type": "application/json" })

/** A REST call with a token and a JSON body, if any. */
export const api = (
  server: FakeSignalFx.Server,
  method: string,
  path: string,
  body?: unknown
): Promise<Response> =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { "X-SF-Token": "test-token", "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
