import { defineConfig } from 'vitest/config'

// Engine and end-to-end tests spawn real processes (node-llama-cpp, Chromium): forks isolate
// native code, and two workers match the two cores these tests are planned for.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
