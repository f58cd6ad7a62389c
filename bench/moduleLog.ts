/**
 * `node --import ./moduleLog.js …`: logs the URL of every ES module the process loads to the file
 * named by `MODULE_LOG` (the hooks run on a thread of their own; `moduleLogHooks.ts`). Used by
 * `npm run bench:startup` to count the files a client opens, in a run apart from the timed ones.
 */
import { register } from "node:module"

register("./moduleLogHooks.js", import.meta.url, { data: process.env["MODULE_LOG"] })
