import { afterAll, assert, beforeEach, describe, it } from "@effect/vitest"
import { publishedLabels } from "../../src/core/testing/detectorProgram.js"
import { ProgramError } from "../../src/core/testing/signalflow/syntax.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { api } from "./support.js"

const USER = { email: "ops@example.com", password: "correct horse" }
const server = await FakeSignalFx.start({ users: [USER] })
afterAll(() => server.close())
beforeEach(() => server.reset())

const body = async (response: Response): Promise<unknown> => {
  const text = await response.text()
  return text === "" ? undefined : JSON.parse(text)
}

const field = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null && name in value
    ? Object.getOwnPropertyDescriptor(value, name)?.value
    : undefined

const ids = (value: unknown): Array<unknown> =>
  (Array.isArray(value) ? value : []).map((item) => field(item, "id") ?? field(item, "incidentId"))

const created = async (path: string, input: unknown): Promise<string> => {
  const response = await api(server, "POST", path, input)
  assert.strictEqual(response.status, 200, `POST ${path}`)
  const id = field(await body(response), "id")
  if (typeof id !== "string") throw new Error("no id")
  return id
}

const DETECTOR = {
  name: "cpu",
  programText: "detect(when(data('cpu.utilization') > 90)).publish('cpu high')",
  rules: [{ detectLabel: "cpu high", severity: "Critical" }]
}

describe("FakeSignalFx REST objects", () => {
  it("answers a detector it cannot parse with the service's error shape", async () => {
    const response = await api(server, "POST", "/v2/detector/validate", { ...DETECTOR, programText: "detect(when(" })
    assert.strictEqual(response.status, 400)
    assert.strictEqual(response.headers.get("content-type"), "application/json")
    assert.deepStrictEqual(await body(response), {
      code: 400,
      message:
        "Invalid SignalFlow program: syntax error at line 1, column 13: expected a value, found \"end of program\""
    })
    const noRules = await api(server, "POST", "/v2/detector", { ...DETECTOR, rules: [] })
    assert.deepStrictEqual(await body(noRules), { code: 400, message: "a detector needs at least one rule" })
    const severity = await api(server, "POST", "/v2/detector", {
      ...DETECTOR,
      rules: [{ detectLabel: "cpu high", severity: "Bad" }]
    })
    assert.strictEqual(
      field(await body(severity), "message"),
      "rules[0]: severity must be one of Critical, Major, Minor, Warning, Info"
    )
    const ok = await api(server, "POST", "/v2/detector/validate", DETECTOR)
    assert.strictEqual(ok.status, 204)
  })

  it("accepts include_resolved (the Python client's spelling) and includeResolved", async () => {
    const detectorId = await created("/v2/detector", DETECTOR)
    const first = server.raiseIncident({ detectorId })
    const second = server.raiseIncident({ detectorId })
    assert.strictEqual((await api(server, "PUT", `/v2/incident/${first}/clear`)).status, 204)
    // Clearing twice is harmless, as clearing an incident already cleared.
    assert.strictEqual((await api(server, "PUT", `/v2/incident/${first}/clear`)).status, 204)
    const active = ids(await body(await api(server, "GET", "/v2/incident")))
    assert.deepStrictEqual(active, [second])
    for (const query of ["include_resolved=true", "includeResolved=true", "includeResolved=TRUE"]) {
      const all = ids(await body(await api(server, "GET", `/v2/incident?${query}`)))
      assert.deepStrictEqual(all, [first, second], query)
    }
    assert.deepStrictEqual(ids(await body(await api(server, "GET", "/v2/incident?include_resolved=false"))), [second])
    const page = ids(await body(await api(server, "GET", "/v2/incident?includeResolved=true&offset=1&limit=5")))
    assert.deepStrictEqual(page, [second])
    const events = await body(await api(server, "GET", `/v2/detector/${detectorId}/events?limit=2`))
    assert.strictEqual(Array.isArray(events) ? events.length : 0, 2)
  })

  it("raiseIncident throws for a detector that does not exist", () => {
    assert.throws(() => server.raiseIncident({ detectorId: "nope" }), TypeError, "no detector with id \"nope\"")
  })

  it("logs users in without a token, accepts their session tokens, and logs them out", async () => {
    const guarded = await FakeSignalFx.start({ tokens: ["org-token"], users: [USER] })
    try {
      const login = (credentials: unknown) =>
        fetch(`${guarded.url}/v2/session`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(credentials)
        })
      const refused = await login({ ...USER, password: "wrong" })
      assert.strictEqual(refused.status, 401)
      assert.strictEqual(field(await body(refused), "message"), "invalid email or password")
      assert.strictEqual((await login({ email: USER.email })).status, 400)
      const session = await body(await login(USER))
      const token = field(session, "accessToken")
      assert.isString(token)
      assert.strictEqual(field(session, "sessionType"), "ORG_USER")
      const withSession = (method: string) =>
        fetch(`${guarded.url}/v2/organization`, { method, headers: { "X-SF-Token": String(token) } })
      assert.strictEqual((await withSession("GET")).status, 200)
      assert.strictEqual((await withSession("DELETE")).status, 405)
      const logout = await fetch(`${guarded.url}/v2/session`, {
        method: "DELETE",
        headers: { "X-SF-Token": String(token) }
      })
      assert.strictEqual(logout.status, 204)
      assert.strictEqual((await withSession("GET")).status, 401)
      // The recorded requests never show the session token or the password.
      const recorded = JSON.stringify(guarded.requests())
      assert.notInclude(recorded, String(token))
      assert.notInclude(recorded, USER.password)
    } finally {
      await guarded.close()
    }
  })

  it("checks what dashboards refer to, and pages and filters searches", async () => {
    const missingChart = await api(server, "POST", "/v2/dashboard", { name: "d", charts: [{ chartId: "nope" }] })
    assert.deepStrictEqual(await body(missingChart), { code: 400, message: "chart \"nope\" does not exist" })
    const missingGroup = await api(server, "POST", "/v2/dashboard", { name: "d", groupId: "nope" })
    assert.strictEqual(missingGroup.status, 400)
    const own = await body(await api(server, "POST", "/v2/dashboard", { name: "alone" }))
    const groupId = field(own, "groupId")
    assert.isString(groupId)
    assert.deepStrictEqual(
      field(await body(await api(server, "GET", `/v2/dashboardgroup/${String(groupId)}`)), "dashboards"),
      [
        field(own, "id")
      ]
    )

    for (const [name, tags] of [["a1", ["x"]], ["a2", ["y"]], ["b1", ["x", "y"]]] as const) {
      await created("/v2/chart", { name, tags })
    }
    const search = async (query: string) => {
      const page = await body(await api(server, "GET", `/v2/chart?${query}`))
      return [field(page, "count"), ids(field(page, "results")).length]
    }
    assert.deepStrictEqual(await search("name=A"), [2, 2])
    assert.deepStrictEqual(await search("tags=y"), [2, 2])
    assert.deepStrictEqual(await search("tags=x&tags=y&offset=2&limit=5"), [3, 1])
    assert.strictEqual((await api(server, "GET", "/v2/chart?limit=-1")).status, 400)
  })

  it("answers 404 and 405 for what it does not serve, and forgets everything on reset", async () => {
    const detectorId = await created("/v2/detector", DETECTOR)
    assert.strictEqual((await api(server, "PATCH", `/v2/detector/${detectorId}`)).status, 405)
    assert.strictEqual((await api(server, "POST", "/v2/organization")).status, 405)
    assert.strictEqual((await api(server, "GET", `/v2/detector/${detectorId}/nope`)).status, 404)
    assert.strictEqual((await api(server, "GET", "/v2/incident/x/clear/y")).status, 404)
    const mismatch = await api(server, "PUT", `/v2/detector/${detectorId}`, { ...DETECTOR, id: "other" })
    assert.strictEqual(mismatch.status, 400)
    server.reset()
    assert.strictEqual((await api(server, "GET", `/v2/detector/${detectorId}`)).status, 404)
  })
})

describe("the detector program check", () => {
  it("refuses a program without detect() and rules naming what it does not publish", async () => {
    const refusals: ReadonlyArray<readonly [Readonly<Record<string, unknown>>, string]> = [
      [
        { programText: "data('cpu').publish('cpu high')" },
        "the program calls no detect(), which a detector's program must"
      ],
      [
        { rules: [{ detectLabel: "mem high", severity: "Critical" }] },
        "rules[0]: detectLabel \"mem high\" is not published by the program (it publishes \"cpu high\")"
      ]
    ]
    for (const [change, message] of refusals) {
      const response = await api(server, "POST", "/v2/detector/validate", { ...DETECTOR, ...change })
      assert.deepStrictEqual(await body(response), { code: 400, message })
    }
  })

  it("parses SignalFlow and answers the published labels", () => {
    const program = [
      "# the filters",
      "f = filter('env', 'prod') and not filter('host', 'canary*')",
      "A = data('cpu.utilization', filter=f, rollup=None).mean(by=['host']); B = A.top(count=5)",
      "C = (A if A is not None else B) * 2 ** 3 - -1 % 4",
      "m = {'a': 1, 'b': [1, 2.5e3, .5]}",
      "g = lambda x, y: x > y",
      "detect(on=when(A > 90, lasting='5m'),",
      "       off=when(A < 80)).publish(\"cpu high\")",
      "detect(when(B > \\",
      "  99)).publish(label='cpu \\'critical\\'')",
      "A.publish('not a detector', enable=False)"
    ].join("\n")
    assert.deepStrictEqual(publishedLabels(program), ["cpu high", "cpu 'critical'", "not a detector"])
  })

  it("refuses what cannot parse, saying where", () => {
    const problems: Array<[string, string]> = [
      ["data('cpu'", "syntax error at line 1, column 11: expected \")\", found \"end of program\""],
      ["data('cpu')\nA = data('x", "unterminated string at line 2, column 10"],
      ["A = data('cpu') $ 2", "unexpected character \"$\" at line 1, column 17"],
      ["A = = 1", "syntax error at line 1, column 5: expected a value, found \"=\""],
      [
        "data('cpu') data('mem')",
        "syntax error at line 1, column 13: expected the end of the statement, found \"data\""
      ],
      ["A = 1 if B", "syntax error at line 1, column 11: expected \"else\", found \"end of program\""],
      ["A.", "syntax error at line 1, column 3: expected a name after \".\", found \"end of program\""],
      ["x = 'a' 'b' )", "syntax error at line 1, column 13: expected the end of the statement, found \")\""],
      ["f = lambda 1: 2", "syntax error at line 1, column 12: expected a parameter name, found \"1\""]
    ]
    for (const [program, expected] of problems) {
      let message = "it parsed"
      try {
        publishedLabels(program)
      } catch (error) {
        message = error instanceof ProgramError ? error.message : String(error)
      }
      assert.strictEqual(message, expected, program)
    }
  })
})
