/**
 * What the engine reports when lowering its priority goes other ways than on this machine: on a
 * system where threads share the process's priority, with an unknown setting, and when the
 * system refuses. (The real engine process is checked in tests/engine/engine-priority.test.ts.)
 */
import { constants } from 'node:os'
import { describe, expect, it } from 'vitest'
import { lowerEnginePriority, type PrioritySystem } from '../../src/main/engine/engine-priority'

const belowNormal = constants.priority.PRIORITY_BELOW_NORMAL

function systemWith(threads: number[] | null, fail: (id: number) => string | null = () => null) {
  const set: [number, number][] = []
  const groups: number[] = []
  const system: PrioritySystem = {
    lowerOwnGroup: (level) => groups.push(level),
    threadIds: () => threads,
    setPriority: (id, level) => {
      const code = fail(id)
      if (code)
        throw Object.assign(new Error(`uv_os_setpriority returned ${code}`), { info: { code } })
      set.push([id, level])
    },
  }
  return { system, set, groups }
}

describe('lowering the engine priority', () => {
  it('sets the whole process where threads share its priority (macOS, Windows)', () => {
    const { system, set, groups } = systemWith(null)
    expect(lowerEnginePriority({}, system).level).toBe('below-normal')
    expect(set).toEqual([[0, belowNormal]])
    expect(groups).toEqual([belowNormal])
  })

  it('skips a thread that ended after it was listed', () => {
    const { system, set, groups } = systemWith([10, 11, 12], (id) => (id === 11 ? 'ESRCH' : null))
    expect(lowerEnginePriority({}, system).level).toBe('below-normal')
    expect(set).toEqual([
      [10, belowNormal],
      [12, belowNormal],
    ])
    expect(groups).toEqual([belowNormal])
  })

  it('reports normal, and why, when the system refuses', () => {
    const { system } = systemWith([10], () => 'EACCES')
    const priority = lowerEnginePriority({}, system)
    expect(priority.level).toBe('normal')
    expect(priority.reason).toBe(
      "Could not lower the engine's priority: uv_os_setpriority returned EACCES.",
    )
  })

  it('names a setting it does not know, and lowers the priority anyway', () => {
    const { system, set } = systemWith(null)
    const priority = lowerEnginePriority({ TOKENSCOPE_ENGINE_PRIORITY: 'fast' }, system)
    expect(priority.level).toBe('below-normal')
    expect(priority.reason).toMatch(/^TOKENSCOPE_ENGINE_PRIORITY="fast" is neither "normal"/)
    expect(set).toHaveLength(1)
  })

  it('leaves the priority alone when asked for normal', () => {
    const { system, set, groups } = systemWith([10])
    expect(lowerEnginePriority({ TOKENSCOPE_ENGINE_PRIORITY: 'normal' }, system).level).toBe(
      'normal',
    )
    expect(set).toEqual([])
    expect(groups).toEqual([])
  })
})
