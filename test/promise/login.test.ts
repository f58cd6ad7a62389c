/**
 * `sfx.login`: the Python client's `sfx.login(email, password)`, running `Rest.login` against
 * the local server, which checks users' passwords and takes the session tokens it hands out.
 */
import { afterAll, beforeEach, describe, expect, it } from "@effect/vitest"
import { Redacted } from "effect"
import * as util from "node:util"
import { ClosedError, ConfigurationError, RestRejectedError, SignalFx } from "../../src/promise/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"

const EMAIL = "ops@example.com"
const PASSWORD = "correct horse"

// The ingest token is the only org token the server takes: the REST call below succeeds only
// with the session token.
const server = await FakeSignalFx.start({ tokens: ["ingest-only"], users: [{ email: EMAIL, password: PASSWORD }] })
afterAll(() => server.close())
beforeEach(() => server.reset())

const client = (apiToken?: string | Redacted.Redacted<string>) =>
  new SignalFx("ingest-only", {
    ingestEndpoint: server.url,
    apiEndpoint: server.url,
    logger: false,
    ...(apiToken === undefined ? {} : { apiToken })
  })

const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected a rejection")
}

const shown = (error: unknown): string =>
  [String(error), error instanceof Error ? error.message : "", util.inspect(error), JSON.stringify(error)].join("\n")

describe("SignalFx.login", () => {
  it("answers a session token that the REST API then takes, sending no token itself", async () => {
    const sfx = client()
    const token = await sfx.login(EMAIL, PASSWORD)
    expect(Redacted.isRedacted(token)).toBe(true)
    expect(String(token)).toBe("<redacted>")
    const session = server.requests().filter((request) => request.path === "/v2/session")
    expect(session).toMatchObject([{ method: "POST", status: 200 }])
    expect(session[0]!.headers["x-sf-token"]).toBeUndefined()

    const api = client(token)
    const organization = await api.rest.organization.get()
    expect(typeof organization.id).toBe("string")
    // A Redacted password is taken too.
    expect(Redacted.isRedacted(await sfx.login(EMAIL, Redacted.make(PASSWORD)))).toBe(true)
    await Promise.all([sfx.stop(), api.stop()])
  })

  it("a refused login rejects with a RestRejectedError; the password never shows, even echoed", async () => {
    const sfx = client()
    const wrong = await rejection(sfx.login(EMAIL, "battery staple"))
    expect(wrong).toBeInstanceOf(RestRejectedError)
    expect(wrong).toMatchObject({ kind: "session", status: 401 })
    server.fault("/v2/session", [
      FakeSignalFx.respond(400, { body: `{"code":400,"message":"no user with password ${PASSWORD}"}` })
    ])
    const echoed = await rejection(sfx.login(EMAIL, PASSWORD))
    expect(echoed).toBeInstanceOf(RestRejectedError)
    for (const error of [wrong, echoed]) {
      expect(shown(error)).not.toContain("battery staple")
      expect(shown(error)).not.toContain(PASSWORD)
    }
    await sfx.stop()
  })

  it("rejects malformed arguments with a ConfigurationError naming them, and after stop() with a ClosedError", async () => {
    const sfx = client()
    const cases: ReadonlyArray<readonly [ReadonlyArray<unknown>, string]> = [
      [[undefined, PASSWORD], "email"],
      [[42, PASSWORD], "email"],
      [["", PASSWORD], "email"],
      [[EMAIL, 12345678], "password"],
      [[EMAIL, ""], "password"],
      [[EMAIL, PASSWORD, null], "options"],
      [[EMAIL, PASSWORD, { organizationId: 7 }], "organizationId"]
    ]
    for (const [args, option] of cases) {
      const error = await rejection(Reflect.apply(sfx.login, sfx, args))
      expect(error, option).toBeInstanceOf(ConfigurationError)
      expect(error).toMatchObject({ option })
      expect(shown(error)).not.toContain(PASSWORD)
    }
    expect(server.requests().filter((request) => request.path === "/v2/session")).toEqual([])
    await sfx.stop()
    expect(await rejection(sfx.login(EMAIL, PASSWORD))).toBeInstanceOf(ClosedError)
  })
})
