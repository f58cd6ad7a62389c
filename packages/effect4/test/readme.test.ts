/**
 * The Effect 4 programs of the README and the guides (the blocks that import
 * `@effect-signalfx/effect4`), run against the local server, unedited, by the runner the Effect 3
 * package's blocks use (test/readme/programs.ts); `npm run typecheck` compiles them against
 * Effect 4 (packages/effect4/tsconfig.docs.json).
 */
import * as path from "node:path"
import { root } from "../../../test/promise/runScript.js"
import { describePrograms } from "../../../test/readme/programs.js"

describePrograms({
  effect: 4,
  packageName: "@effect-signalfx/effect4",
  sources: path.join(root, "packages", "effect4", "src"),
  calls: ["POST /v2/datapoint", "POST /v2/event"]
})
