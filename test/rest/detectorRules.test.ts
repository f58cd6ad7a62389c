/**
 * `rest.detectors.disable` / `enable`: added as a declaration (src/core/rest/restApi.ts, for both
 * packages) and the local server's route (src/core/testing/restStore.ts), and nothing else — the
 * Promise facade has them without a line written for them.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Rest } from "../../src/index.js"
import { SignalFx } from "../../src/promise/index.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { detectorInput, restFor, TOKEN } from "./support.js"

const disabledLabels = (detector: Rest.Detector) =>
  detector.rules.filter((rule) => rule.disabled === true).map((rule) => rule.detectLabel)

describe("a detector's rules", () => {
  it.scopedLive("are disabled and enabled again by their labels", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const rest = yield* restFor(server)
      const detector = yield* rest.detectors.create(detectorInput("CPU"))
      yield* rest.detectors.disable(detector.id, ["cpu high"])
      expect(disabledLabels(yield* rest.detectors.get(detector.id))).toEqual(["cpu high"])
      yield* rest.detectors.enable(detector.id, ["cpu high"])
      expect(disabledLabels(yield* rest.detectors.get(detector.id))).toEqual([])
    }))

  it.scopedLive("refuse a label the detector has no rule for, and an unknown detector", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const rest = yield* restFor(server)
      const detector = yield* rest.detectors.create(detectorInput("CPU"))
      const refused = yield* Effect.flip(rest.detectors.disable(detector.id, ["no such label"]))
      expect(refused).toMatchObject({ _tag: "RestRejectedError", kind: "detector", status: 400 })
      expect(refused.message).toContain("no such label")
      const missing = yield* Effect.flip(rest.detectors.enable("D-none", ["cpu high"]))
      expect(missing).toMatchObject({ _tag: "RestNotFoundError", kind: "detector", id: "D-none" })
    }))

  it("are reached from the Promise facade with no method written for them", async () => {
    const server = await FakeSignalFx.start({ tokens: [TOKEN] })
    const sfx = new SignalFx(TOKEN, { ingestEndpoint: server.url, apiEndpoint: server.url, logger: false })
    try {
      const detector = await sfx.rest.detectors.create(detectorInput("CPU"))
      await sfx.rest.detectors.disable(detector.id, ["cpu critical"])
      expect(disabledLabels(await sfx.rest.detectors.get(detector.id))).toEqual(["cpu critical"])
    } finally {
      await sfx.stop()
      await server.close()
    }
  })
})
