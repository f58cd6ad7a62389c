import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as https from "node:https"
import * as os from "node:os"
import * as path from "node:path"
import { FakeSignalFx } from "../../src/testing/index.js"
import { runScript } from "../promise/runScript.js"
import { startServerProcess } from "../testing/serverProcess.js"
import { startProxy } from "./support.js"

const temporaryFile = (name: string, contents: string): string => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-test-"))
  const file = path.join(directory, name)
  fs.writeFileSync(file, contents)
  return file
}

describe("NODE_EXTRA_CA_CERTS", () => {
  it.scopedLive("is honoured by the facade, straight and through a proxy", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make({ tls: true })
      const proxy = yield* startProxy()
      const extra = temporaryFile("extra.pem", server.certificate ?? "")
      const env = { FAKE_SIGNALFX_URL: server.url, NODE_EXTRA_CA_CERTS: extra }
      const [straight, proxied] = yield* Effect.promise(() =>
        Promise.all([
          runScript("test/fixtures/scripts/extra-ca.ts", env),
          runScript("test/fixtures/scripts/extra-ca.ts", { ...env, PROXY_URL: proxy.url })
        ])
      )
      for (const result of [straight, proxied]) {
        assert.strictEqual(result.code, 0, result.stderr)
        assert.strictEqual(JSON.parse(result.stdout).delivered, 1, result.stdout)
      }
      assert.strictEqual(server.datapoints().length, 2)
      assert.deepStrictEqual(proxy.seen.map((request) => request.method), ["CONNECT"])
    }))
})

describe("effect-signalfx-server --tls", () => {
  it("serves HTTPS with a certificate made for the run, written where asked", async () => {
    const certificateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-test-")), "server.pem")
    const { child, waitFor } = startServerProcess(["--tls", "--tls-cert-out", certificateFile])
    const get = (url: string, ca?: string) =>
      new Promise<number>((resolve, reject) => {
        https.get(url, ca === undefined ? {} : { ca }, (response) => {
          response.resume()
          resolve(response.statusCode ?? 0)
        }).on("error", reject)
      })
    try {
      const [, url] = await waitFor(/listening on (https:\/\/127\.0\.0\.1:\d+)/)
      const [, written] = await waitFor(/certificate \(give it as ca, or in NODE_EXTRA_CA_CERTS\): (.+)\n/)
      assert.strictEqual(written, certificateFile)
      const ca = fs.readFileSync(certificateFile, "utf8")
      assert.strictEqual(await get(`${url}/v2/metric`, ca), 401)
      // Nothing trusts it unless told to.
      const refused = await get(`${url}/v2/metric`).then(() => "answered", (error: Error) => error.message)
      assert.match(refused, /self-signed certificate/)
    } finally {
      child.kill("SIGTERM")
    }
  })
})
