import { defineConfig } from 'vitest/config'

const project = (name: string, pool: 'forks' | 'threads' = 'forks') => ({
  extends: true as const,
  test: { name, include: [`tests/${name}/**/*.test.ts`], pool },
})

// Engine and end-to-end tests spawn real processes (node-llama-cpp, Chromium): forks isolate
// native code, and two workers match the two cores these tests are planned for. `npm test` runs
// every project in that one pool of two; each also runs alone (`npm run test:unit`, ...).
export default defineConfig({
  test: {
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A poll waits for a real process (a run to end, a page to render): on a loaded machine
    // that takes seconds, not the default one.
    expect: { poll: { timeout: 30_000 } },
    projects: [project('unit', 'threads'), project('contract'), project('engine'), project('e2e')],
  },
})
