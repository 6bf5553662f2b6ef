import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { demoModelPath, repoRoot } from '../helpers/engine-harness'

const run = promisify(execFile)

// The benchmark itself runs only as `npm run bench`; this checks that the script still works.
describe('npm run bench', () => {
  it('runs every case once on the demo model in quick mode and prints the table', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/bench/run.ts', '--quick', '--model', demoModelPath],
      { cwd: repoRoot, timeout: 100_000 },
    )
    // Table lines, without the |---| separator.
    const rows = stdout.split('\n').filter((line) => /^\| [^-\s]\S* +\| /.test(line))
    const ids = rows.map((line) => line.split('|')[1]?.trim())
    expect(ids).toEqual([
      '#',
      '1',
      '3a',
      '3b',
      '9',
      '2',
      '2.api',
      '6',
      '6.rss',
      '5a',
      '5b',
      '8a',
      '8b',
      '7a',
      '7b',
    ])
    for (const line of rows.slice(1)) {
      const [, id, , ours, baseline, ratio] = line.split('|').map((cell) => cell.trim())
      expect(ours, line).toMatch(/^\d/)
      // The host's recording rows and the long chat's have an absolute target, not a baseline.
      if (['7a', '7b', '8a', '8b'].includes(id ?? '')) continue
      expect(baseline, line).toMatch(/^\d/)
      expect(Number(ratio), line).toBeGreaterThan(0)
    }
  }, 110_000)
})
