import * as effectEslint from "@effect/eslint-plugin"
import js from "@eslint/js"
import tseslint from "typescript-eslint"

/** How deep src/core's folders go: the import rules below are written per depth. */
const CORE_DEPTH = 4

/**
 * One block per depth of src/core: a file n folders below src/core leaves the core with n + 1
 * "../" (a regex cannot know the file's depth, so each depth gets its own pattern). Each block
 * repeats the Effect patterns, as a later block's options replace an earlier one's.
 */
const coreImportRules = Array.from({ length: CORE_DEPTH + 1 }, (_, depth) => ({
  files: [`src/core/${"*/".repeat(depth)}*.ts`],
  rules: {
    "no-restricted-imports": ["error", {
      patterns: [
        {
          group: ["effect", "effect/*", "@effect/*"],
          message: "src/core is shared by the Effect 3 and the Effect 4 packages: it imports no Effect. " +
            "Keep the Effect-free part in src/core and the Effect wiring in each package."
        },
        {
          regex: `^(\\.\\./){${depth + 1},}`,
          message: "src/core is compiled into both packages (the Effect 4 one sees it through a link): " +
            "it imports nothing outside src/core."
        }
      ]
    }]
  }
}))

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "test/fixtures/**",
      ".scratch/**",
      "doc-examples/**",
      "packages/*/doc-examples/**",
      "bench/.build/**",
      "packages/*/dist/**",
      // The Effect 4 package's link to src/core: linted once, as src/core.
      "packages/effect4/src/core/**",
      "**/*.md"
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...effectEslint.configs.dprint,
  {
    rules: {
      "object-shorthand": "error",
      "no-console": "off",
      "require-yield": "off",
      "prefer-rest-params": "off",
      "prefer-spread": "off",
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name='push'] > SpreadElement.arguments",
          message: "Do not use spread arguments in Array.push"
        }
      ],
      "@typescript-eslint/array-type": ["warn", { default: "generic", readonly: "generic" }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-empty-object-type": "off",
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@effect/dprint": [
        "error",
        {
          config: {
            indentWidth: 2,
            lineWidth: 120,
            semiColons: "asi",
            quoteStyle: "alwaysDouble",
            trailingCommas: "never",
            operatorPosition: "maintain",
            "arrowFunction.useParentheses": "force"
          }
        }
      ]
    }
  },
  {
    files: ["scripts/**/*.mjs"],
    languageOptions: { globals: { console: "readonly", process: "readonly" } }
  },
  {
    // Library code logs through Effect's Logger so users decide where logs go.
    files: ["src/**/*.ts", "packages/*/src/**/*.ts"],
    rules: { "no-console": "error" }
  },
  {
    // The commands' whole job is to print: the local server what it receives, `effect-signalfx`
    // its results (through its Output service and Effect's Console where it can).
    files: ["src/bin/**/*.ts", "src/internal/cli/localServer.ts"],
    rules: { "no-console": "off" }
  },
  // The core is compiled into both packages, the Effect 3 one and the Effect 4 one (through the link
  // packages/effect4/src/core): it imports neither Effect nor anything outside itself.
  ...coreImportRules
)
