/** The module hooks of `moduleLog.ts`: every loaded URL is appended to the log, one a line. */
import * as fs from "node:fs"

let log: string | undefined

export const initialize = (file: string | undefined): void => {
  log = file
}

export const load = (
  url: string,
  context: object,
  nextLoad: (url: string, context: object) => unknown
): unknown => {
  if (log !== undefined && url.startsWith("file:")) fs.appendFileSync(log, `${url}\n`)
  return nextLoad(url, context)
}
