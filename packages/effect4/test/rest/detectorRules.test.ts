/**
 * `rest.detectors.disable` / `enable`: added as a declaration (src/core/rest/restApi.ts, shared
 * with the Effect 3 package) and the local server's route (src/core/testing/restStore.ts), and
 * nothing else written for Effect 4.
 */
import * as Effect from "effect/Effect"
import { describe, expect } from "vitest"
import type * as Rest from "../../src/Rest.js"
import { FakeSignalFx } from "../../src/testing/index.js"
import { effect } from "../support.js"
import { detectorInput, restFor } from "./support.js"

const disabledLabels = (detector: Rest.Detector) =>
  detector.rules.filter((rule) => rule.disabled === true).map((rule) => rule.detectLabel)

describe("a detector's rules", () => {
  effect("are disabled and enabled again by their labels", () =>
    Effect.gen(function*() {
      const server = yield* FakeSignalFx.make()
      const rest = yield* restFor(server)
      const detector = yield* rest.detectors.create(detectorInput("CPU"))
      yield* rest.detectors.disable(detector.id, ["cpu high"])
      expect(disabledLabels(yield* rest.detectors.get(detector.id))).toEqual(["cpu high"])
      yield* rest.detectors.enable(detector.id, ["cpu high"])
      expect(disabledLabels(yield* rest.detectors.get(detector.id))).toEqual([])
    }))

  effect("refuse a label the detector has no rule for, and an unknown detector", () =>
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
})
