import { afterAll, beforeEach, describe, expect, it } from "@effect/vitest"
import * as util from "node:util"
import {
  ClosedError,
  ConfigurationError,
  RestNotFoundError,
  RestRejectedError,
  RestRequestError,
  SignalFx
} from "../../src/promise/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { collect } from "../collect.js"
import { detectorInput } from "./support.js"

const INGEST_TOKEN = "ingest-only-4f1a"
const API_TOKEN = "api-scope-9b7e"

// The client's own token is the only one this server accepts; `apiOnly` takes only the API token.
const server = await FakeSignalFx.start({ tokens: [INGEST_TOKEN] })
const apiOnly = await FakeSignalFx.start({ tokens: [API_TOKEN] })
afterAll(() => Promise.all([server.close(), apiOnly.close()]))
beforeEach(() => server.reset())

const client = (options: { readonly apiToken?: string; readonly apiEndpoint?: string } = {}) =>
  new SignalFx(INGEST_TOKEN, { ingestEndpoint: server.url, apiEndpoint: server.url, logger: false, ...options })

describe("SignalFx.rest", () => {
  it("runs the Rest service with promises and async iterables, with apiToken", async () => {
    const sfx = client({ apiToken: API_TOKEN, apiEndpoint: apiOnly.url })
    try {
      const detector = await sfx.rest.detectors.create(detectorInput("CPU", ["prod"]))
      await sfx.rest.detectors.create(detectorInput("Disk", ["prod"]))
      expect((await sfx.rest.detectors.get(detector.id)).name).toBe("CPU")
      const names = (await collect(sfx.rest.detectors.stream({ tags: ["prod"], pageSize: 1 }))).map((one) => one.name)
      expect(names).toEqual(["CPU", "Disk"])
      const incidentId = apiOnly.raiseIncident({ detectorId: detector.id })
      expect((await sfx.rest.incidents.list()).map((incident) => incident.incidentId)).toEqual([incidentId])
      await sfx.rest.incidents.clear(incidentId)
      const all = await collect(sfx.rest.incidents.stream({ includeResolved: true }))
      expect(all.map((incident) => incident.active)).toEqual([false])
      expect((await sfx.rest.organization.get()).organizationName).toBe("FakeSignalFx")
      // Only the API token opens this server: every call carried it.
      expect(new Set(apiOnly.requests().map((request) => request.status))).toEqual(new Set([200, 204]))
    } finally {
      await sfx.stop()
    }
  })

  it("rejects with the Effect API's error classes", async () => {
    const sfx = client()
    try {
      const missing = await sfx.rest.charts.get("nope").catch((error: unknown) => error)
      expect(missing).toBeInstanceOf(RestNotFoundError)
      const refused = await sfx.rest.detectors.validate({ ...detectorInput("x"), programText: "(" }).catch((
        error: unknown
      ) => error)
      expect(refused).toBeInstanceOf(RestRejectedError)
      expect(refused instanceof RestRejectedError && refused.serviceMessage).toMatch(/^Invalid SignalFlow program/)
      const empty = await sfx.rest.incidents.get("").catch((error: unknown) => error)
      expect(empty).toBeInstanceOf(RestRequestError)
      const badPage = await collect(sfx.rest.charts.stream({ pageSize: -1 })).catch((error: unknown) => error)
      expect(badPage).toBeInstanceOf(RestRequestError)
    } finally {
      await sfx.stop()
    }
  })

  it("uses the client's token by default, never shows either token, and refuses calls after stop()", async () => {
    const sfx = client()
    await sfx.rest.charts.create({ name: "before" })
    const withApiToken = client({ apiToken: API_TOKEN })
    const shown = [String(sfx), util.inspect(sfx), JSON.stringify(sfx), util.inspect(withApiToken)].join("\n")
    expect(shown).not.toContain(INGEST_TOKEN)
    expect(shown).not.toContain(API_TOKEN)
    await withApiToken.stop()
    await sfx.stop()
    const closed = await sfx.rest.charts.search().catch((error: unknown) => error)
    expect(closed).toBeInstanceOf(ClosedError)
    expect(closed instanceof ClosedError && closed.message).toBe(
      "the SignalFx client is stopped: no more requests are accepted"
    )
    const iterated = await collect(sfx.rest.dashboards.stream()).catch((error: unknown) => error)
    expect(iterated).toBeInstanceOf(ClosedError)
    expect(server.requests().filter((request) => request.path.startsWith("/v2/chart")).length).toBe(1)
  })

  it("throws a ConfigurationError for an unusable apiEndpoint", () => {
    expect(() => new SignalFx(INGEST_TOKEN, { apiEndpoint: "ftp://example.com" })).toThrow(ConfigurationError)
    expect(() => new SignalFx(INGEST_TOKEN, { apiToken: " " })).toThrow(
      "invalid option apiToken: must be a non-empty string"
    )
    expect(() => new SignalFx(INGEST_TOKEN, { apiEndpoint: "http://example.com" })).toThrow(
      "invalid option apiEndpoint: plain http:// to example.com would send the token unencrypted"
    )
  })
})
