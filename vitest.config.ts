import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // No test reaches beyond 127.0.0.1: a connection elsewhere is refused before it is made.
    setupFiles: ["test/setup/loopbackOnly.ts"],
    // The `effect-signalfx` command, bundled once per run for the tests that run it.
    globalSetup: ["test/setup/cliBundle.ts"],
    // Tests talk to real loopback servers; a hung socket must fail the test, not the run.
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
