/**
 * `--limit`, shared by every command that lists or searches: how many objects it prints, 100 by
 * default and 10,000 at most (the most the REST API answers for one query), so that what a
 * command keeps stays bounded whatever the server holds.
 */
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import type { CliError } from "./exit.js"
import { fail } from "./exit.js"

/** The most objects a command prints unless `--limit` says otherwise. */
const DEFAULT_LIMIT = 100

/** The service answers nothing past the first 10,000 results of a query. @internal */
export const MAX_LIMIT = 10_000

/** @internal */
export const limitOption = Options.integer("limit").pipe(
  Options.withDescription(`The most shown (1 to ${MAX_LIMIT}, default ${DEFAULT_LIMIT}).`),
  Options.withDefault(DEFAULT_LIMIT)
)

/** The limit when it is a count from 1 to {@link MAX_LIMIT}, else a usage mistake naming it. @internal */
export const checkLimit = (limit: number): Effect.Effect<number, CliError> =>
  Number.isSafeInteger(limit) && limit >= 1 && limit <= MAX_LIMIT
    ? Effect.succeed(limit)
    : Effect.fail(fail("usage", `--limit ${limit} is not between 1 and ${MAX_LIMIT}`))
