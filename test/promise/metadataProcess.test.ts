/**
 * The metadata methods inside a real Node.js process: a script that only makes metadata calls
 * ends by itself when they are done, and starts no ingest work.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { FakeSignalFx } from "../../src/testing/index.js"
import { runScript } from "./runScript.js"

let server: FakeSignalFx.Server
beforeAll(async () => {
  server = await FakeSignalFx.start()
})
afterAll(() => server.close())

describe("a script that only calls metadata methods", () => {
  it("exits by itself once they are done, and the server received no ingest request", async () => {
    const result = await runScript("test/fixtures/scripts/metadata-only.ts", { FAKE_SIGNALFX_URL: server.url })
    // Killed scripts have no exit code: this one ended on its own.
    assert.strictEqual(result.code, 0, result.stderr)
    assert.deepStrictEqual(JSON.parse(result.stdout), { tag: "some_tag_name", count: 1, streamed: 1 })
    assert.deepStrictEqual(server.requests().map((request) => `${request.method} ${request.path.split("?")[0]}`), [
      "PUT /v2/tag/some_tag_name",
      "GET /v2/tag",
      "GET /v2/tag"
    ])
    assert.strictEqual(result.stderr, "")
  })
})
