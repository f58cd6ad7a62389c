/**
 * The command through a real forwarding proxy (the `proxy` package on loopback), reached as the
 * library reads the environment: HTTPS_PROXY, and NODE_EXTRA_CA_CERTS for the local server's
 * certificate made for the run. Ingest, the REST API and SignalFlow's WebSocket each go through a
 * CONNECT tunnel; a proxy's password never shows, even when the proxy refuses it.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { FakeSignalFx } from "../../src/testing/index.js"
import type { RunningProxy } from "../proxy/forwardingProxy.js"
import { startForwardingProxy } from "../proxy/forwardingProxy.js"
import { localServerEnv, runCli } from "./run.js"

describe("effect-signalfx through a proxy", () => {
  let server: FakeSignalFx.Server
  let proxy: RunningProxy
  let closeProxy: () => Promise<void>
  let guarded: RunningProxy
  let closeGuarded: () => Promise<void>
  let caDir: string
  let env: Record<string, string>
  beforeAll(async () => {
    server = await FakeSignalFx.start({ tls: true, tokens: ["TOKEN"] })
    ;({ close: closeProxy, proxy } = await startForwardingProxy())
    ;({ close: closeGuarded, proxy: guarded } = await startForwardingProxy({ credentials: "user:PROXY-SECRET" }))
    caDir = fs.mkdtempSync(path.join(os.tmpdir(), "effect-signalfx-cli-ca-"))
    fs.writeFileSync(path.join(caDir, "ca.pem"), server.certificate ?? "")
    env = { ...localServerEnv(server.url), NODE_EXTRA_CA_CERTS: path.join(caDir, "ca.pem") }
  })
  afterAll(async () => {
    await server.close()
    await closeProxy()
    await closeGuarded()
    fs.rmSync(caDir, { recursive: true, force: true })
  })

  it("sends, searches and runs SignalFlow through HTTPS_PROXY", async () => {
    const viaProxy = { ...env, HTTPS_PROXY: proxy.url }
    const target = new URL(server.url).host
    const sent = await runCli(["send", "gauge", "proxied.metric", "7", "--timestamp=-2m"], { env: viaProxy })
    assert.strictEqual(sent.code, 0, sent.stderr)
    assert.deepStrictEqual(server.datapoints().map((point) => [point.metric, point.value]), [["proxied.metric", 7]])
    const tunnelsAfterSend = proxy.seen.filter((seen) => seen.method === "CONNECT" && seen.target === target).length
    assert.isAtLeast(tunnelsAfterSend, 1)

    const searched = await runCli(["metrics", "search", "sf_metric:proxied.*", "--json"], { env: viaProxy })
    assert.strictEqual(searched.code, 0, searched.stderr)
    assert.deepStrictEqual(JSON.parse(searched.stdout).map((metric: { name: string }) => metric.name), [
      "proxied.metric"
    ])

    const computed = await runCli(
      ["signalflow", "data('proxied.metric').publish()", "--start=-5m", "--stop=-1m", "--output=json"],
      { env: viaProxy }
    )
    assert.strictEqual(computed.code, 0, computed.stderr)
    const values = computed.stdout.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line).value)
    assert.deepStrictEqual(values, [7])
    // One tunnel (at least) for each of the three: ingest, the REST API, SignalFlow's WebSocket.
    assert.isAtLeast(
      proxy.seen.filter((seen) => seen.method === "CONNECT" && seen.target === target).length,
      tunnelsAfterSend + 2
    )
  })

  it("fails with the network's exit code when the proxy refuses its credentials, never showing the password", {
    timeout: 120_000
  }, async () => {
    const url = new URL(guarded.url)
    url.username = "user"
    url.password = "WRONG-SECRET"
    // The library retries a proxy's refusal as a failure of the network: some 15 seconds of retries.
    const refused = await runCli(["metrics", "search", "sf_metric:*"], {
      env: { ...env, HTTPS_PROXY: url.href },
      killAfterMillis: 90_000
    })
    assert.strictEqual(refused.code, 5, refused.stderr)
    assert.include(refused.stderr, "407")
    assert.notInclude(refused.stderr + refused.stdout, "WRONG-SECRET")
    assert.notInclude(refused.stderr + refused.stdout, "TOKEN")
  })
})
