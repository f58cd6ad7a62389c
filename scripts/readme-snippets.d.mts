/** A code block of the README or of a guide in docs/. */
export interface Snippet {
  /** The markdown file it is in, from the repository's root: `README.md`, `docs/testing.md`. */
  readonly source: string
  /** The line of its opening fence, 1-based. */
  readonly line: number
  readonly language: "ts" | "sh"
  readonly code: string
  /** ts blocks only: see readme-snippets.mjs. */
  readonly kind?: "program" | "fragment" | "test" | "compile-only"
  /** ts blocks only: the Effect the block is written for (4: it imports `@effect-signalfx/effect4`). */
  readonly effect?: 3 | 4
  /** The lines declaring what a fragment takes from earlier blocks. */
  readonly prelude?: ReadonlyArray<string>
  /** The module's name in the folder the blocks are written to. */
  readonly file?: string
  /** Why a compile-only block is not run, as the mark above it says. */
  readonly reason?: string
}

/** The markdown files whose blocks are checked: README.md and docs/*.md. */
export declare const markdownFiles: (root: string) => Array<string>

/** One markdown file's ts and sh blocks. */
export declare const markdownSnippets: (text: string, source?: string) => Array<Snippet>

/** The ts and sh blocks of every checked markdown file under `root`. */
export declare const allSnippets: (root: string) => Array<Snippet>

/** Where the modules of the blocks written for an Effect go: doc-examples/markdown, or the Effect 4 package's. */
export declare const snippetFolder: (root: string, effect: 3 | 4) => string

/** Writes the ts blocks of every checked markdown file under `root`, one module each, to their Effect's folder (emptied first). */
export declare const writeSnippets: (root: string) => Array<Snippet>
