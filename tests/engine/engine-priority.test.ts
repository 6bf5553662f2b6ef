/**
 * The engine process runs below the app's window: every one of its threads, the libuv worker
 * that decodes included, has the below-normal nice value after a real run, and so does the
 * scheduling group of the session it leads, unless the user asks for normal. Read from the system (/proc), not from what the engine says of itself.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { constants, getPriority } from 'node:os'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultSampling } from '../../src/shared/schemas'
import { EngineHarness } from '../helpers/engine-harness'

const belowNormal = constants.priority.PRIORITY_BELOW_NORMAL
let harness: EngineHarness | null = null
afterEach(() => {
  harness?.stop()
  harness = null
  delete process.env.TOKENSCOPE_ENGINE_PRIORITY
})

/** The engine processes this test process has started, by their command line. */
function engineProcesses(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        return (
          fields[0] !== 'Z' && Number(fields[1]) === process.pid && cmdline.includes('engine.js')
        )
      } catch {
        return false // it ended while being read
      }
    })
}

/** Each thread's nice value (field 19 of its stat line); one per process off Linux. */
function niceValues(pid: number): number[] {
  if (process.platform !== 'linux') return [getPriority(pid)]
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
  })
}

/**
 * The session the process belongs to and the nice value of that session's scheduling group
 * (Linux's autogroup; null where the kernel has none).
 */
function schedulingGroup(pid: number): { session: number; nice: number | null } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const session = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3])
  const file = `/proc/${pid}/autogroup`
  const nice = existsSync(file)
    ? Number(/nice (-?\d+)/.exec(readFileSync(file, 'utf8'))?.[1])
    : null
  return { session, nice }
}

/** Starts an engine, loads the demo model and generates, so that llama.cpp's threads exist. */
async function engineAfterARun() {
  const before = new Set(engineProcesses())
  harness = new EngineHarness()
  await harness.engine.loadModel({ source: { kind: 'demo' }, threads: 2 })
  // Greedy: the demo model then writes all 24 tokens without reaching its end-of-text token.
  const sampling = { ...defaultSampling, temperature: 0 }
  const run = await harness.generate({ maxTokens: 24, topN: 10, sampling })
  expect(run.tokens).toHaveLength(24)
  const started = engineProcesses().filter((pid) => !before.has(pid))
  expect(started).toHaveLength(1)
  return { pid: started[0] ?? -1, status: await harness.engine.getStatus() }
}

describe('the engine process priority', () => {
  it('is below normal for every thread, the libuv worker that decodes included, and the status says so', async () => {
    const { pid, status } = await engineAfterARun()
    const nice = niceValues(pid)
    // Node's own threads, its one libuv worker and the decode threads.
    if (process.platform === 'linux') expect(nice.length).toBeGreaterThan(4)
    expect(new Set(nice)).toEqual(new Set([belowNormal]))
    expect(status.priority?.level).toBe('below-normal')
    expect(status.priority?.reason).toContain('TOKENSCOPE_ENGINE_PRIORITY=normal')
  })

  it("leads a session of its own, whose scheduling group is below normal too, and leaves the host's alone", async () => {
    const host = schedulingGroup(process.pid)
    const { pid } = await engineAfterARun()
    const engine = schedulingGroup(pid)
    expect(engine.session).toBe(pid)
    // A kernel without autogroups has no group to lower; CI's and this machine's have them.
    if (engine.nice !== null) expect(engine.nice).toBe(belowNormal)
    expect(schedulingGroup(process.pid)).toEqual(host)
  })

  it('stays normal when TOKENSCOPE_ENGINE_PRIORITY=normal asks for it', async () => {
    process.env.TOKENSCOPE_ENGINE_PRIORITY = 'normal'
    const { pid, status } = await engineAfterARun()
    expect(new Set(niceValues(pid))).toEqual(new Set([0]))
    expect(schedulingGroup(pid).nice ?? 0).toBe(0)
    expect(status.priority?.level).toBe('normal')
  })
})
