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

/** Writes the ts blocks of every checked markdown file under `root` to `folder` (emptied first), one module each. */
export declare const writeSnippets: (root: string, folder: string) => Array<Snippet>
