import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Tests talk to real loopback servers; a hung socket must fail the test, not the run.
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
