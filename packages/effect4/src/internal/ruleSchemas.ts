/**
 * Schema checks made from the rule table (`rules.ts`), so that the public Schemas say exactly
 * what the validator says. The table itself needs no Effect at all.
 */
import * as Schema from "effect/Schema"
import type { Rule } from "../core/rules.js"

/**
 * A Schema check from a rule of the table: its check's problem is the check's message.
 */
export const fromRule = <A>(rule: Rule<A>) => Schema.makeFilter<A>((a) => rule.check(a))

/**
 * A record whose keys, count and values the rules check, each key problem at its key. The keys
 * are checked here rather than by a refined key schema: a Record drops the entries whose key
 * fails its key schema instead of failing, and dropping silently is what we prevent.
 */
export const checkedRecord = <V>(
  value: Schema.Codec<V>,
  keyRule: Rule<string>,
  countRule: Rule<number>
): Schema.Codec<{ readonly [key: string]: V }> =>
  Schema.Record(Schema.String, value).check(
    Schema.makeFilter((record) => {
      const keys = Object.keys(record)
      const issues: Array<Schema.FilterIssue> = []
      for (const key of keys) {
        const problem = keyRule.check(key)
        if (problem !== undefined) issues.push({ path: [key], issue: problem })
      }
      const countProblem = countRule.check(keys.length)
      if (countProblem !== undefined) issues.push(countProblem)
      return issues
    })
  )
