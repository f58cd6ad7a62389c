/** A code block of the README. */
export interface ReadmeSnippet {
  /** The line of its opening fence, 1-based. */
  readonly line: number
  readonly language: "ts" | "sh"
  readonly code: string
  /** ts blocks only: see readme-snippets.mjs. */
  readonly kind?: "program" | "fragment" | "test" | "compile-only"
  /** The lines declaring what a fragment takes from earlier blocks. */
  readonly prelude?: ReadonlyArray<string>
  /** The module's name in the folder the blocks are written to. */
  readonly file?: string
  /** Why a compile-only block is not run, as the README's mark says. */
  readonly reason?: string
}

/** The README's ts and sh blocks. */
export declare const readmeSnippets: (readme: string) => Array<ReadmeSnippet>

/** Writes the README's ts blocks to `folder` (emptied first), one module each. */
export declare const writeReadmeSnippets: (readmePath: string, folder: string) => Array<ReadmeSnippet>
