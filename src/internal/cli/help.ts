/**
 * Every command's help: what it does, then examples to copy. `--help` shows it on every command.
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Span from "@effect/cli/HelpDoc/Span"

/**
 * A command's description: a paragraph per entry of `text`, then each example as a
 * comment line and the command itself.
 * @internal
 */
export const describe = (
  text: string | ReadonlyArray<string>,
  examples: ReadonlyArray<readonly [what: string, command: string]>
): HelpDoc.HelpDoc =>
  HelpDoc.blocks([
    ...(typeof text === "string" ? [text] : text).map((paragraph) => HelpDoc.p(paragraph)),
    ...(examples.length === 0 ? [] : [
      HelpDoc.h1("EXAMPLES"),
      ...examples.map(([what, command]) => HelpDoc.p(Span.spans([Span.text(`# ${what}\n`), Span.code(`$ ${command}`)])))
    ])
  ])
