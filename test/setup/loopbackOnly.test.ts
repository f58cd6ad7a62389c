import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import * as http from "node:http"
import * as net from "node:net"
import { isLoopback } from "./loopbackOnly.js"

/** The error a connection attempt ends with, or "connected". */
const attempt = (connect: () => net.Socket): Promise<string> =>
  new Promise((resolve) => {
    const socket = connect()
    socket.once("error", (error) => resolve(error.message))
    socket.once("connect", () => {
      socket.destroy()
      resolve("connected")
    })
  })

describe("the loopback-only guard of the test processes", () => {
  it("knows loopback addresses from the rest", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"]) {
      assert.isTrue(isLoopback(host), host)
    }
    for (const host of ["169.254.169.254", "10.0.0.1", "192.168.1.1", "8.8.8.8", "::", "metadata.google.internal"]) {
      assert.isFalse(isLoopback(host), host)
    }
  })

  it("refuses a connection to a cloud metadata address, or to a name, before it is made", async () => {
    assert.include(
      await attempt(() => net.connect({ host: "169.254.169.254", port: 80 })),
      "refused a connection to 169.254.169.254"
    )
    assert.include(await attempt(() => net.connect(80, "metadata.google.internal")), "metadata.google.internal")
    const error = await fetch("http://169.254.169.254/latest/meta-data/").then(() => undefined, (e: unknown) => e)
    assert.instanceOf(error, Error)
    assert.include(String(error instanceof Error ? error.cause : undefined), "loopback only")
  })

  it("lets a loopback connection through", async () => {
    const server = http.createServer((_, response) => response.end("ok"))
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const address = server.address()
    assert.isTrue(address !== null && typeof address === "object")
    const port = address !== null && typeof address === "object" ? address.port : 0
    assert.strictEqual(await attempt(() => net.connect(port, "127.0.0.1")), "connected")
    assert.strictEqual(await (await fetch(`http://localhost:${port}/`)).text(), "ok")
    await new Promise((resolve) => server.close(resolve))
  })

  it("is in every node process a test starts, through NODE_OPTIONS", async () => {
    const script = `require("node:net").connect(80, "169.254.169.254").on("error", (e) => console.log(e.message))`
    const output = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["-e", script], (error, stdout) => error === null ? resolve(stdout) : reject(error))
    )
    assert.include(output, "the tests connect to loopback only; refused a connection to 169.254.169.254")
  })
})
