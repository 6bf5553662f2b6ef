import { describe, expect, it } from 'vitest'
import {
  addUserPreset,
  builtInPresets,
  controlTooltips,
  matchingPreset,
  parseUserPresets,
  removeUserPreset,
  serializeUserPresets,
} from '../../src/renderer/src/inspector/presets'

const mine = { temperature: 0.5, topK: 12, topP: 0.9, minP: 0.1 }

describe('sampling presets', () => {
  it('offers one list, from greedy to wild, with settings the engine accepts', () => {
    expect(builtInPresets.map((p) => p.name)).toEqual([
      'Greedy',
      'Precise',
      'Balanced',
      'Creative',
      'Wild',
    ])
    const [, precise, , creative] = builtInPresets
    expect(precise!.settings.temperature).toBeLessThan(creative!.settings.temperature)
  })

  it('recognises the preset the settings match', () => {
    expect(matchingPreset({ ...builtInPresets[2]!.settings }, builtInPresets)?.name).toBe(
      'Balanced',
    )
    expect(matchingPreset(mine, builtInPresets)).toBeUndefined()
  })

  it('saves, replaces and removes user presets, and survives a round trip', () => {
    let presets = addUserPreset([], ' Mine ', mine)
    expect(presets).toEqual([{ name: 'Mine', settings: mine, description: '' }])
    presets = addUserPreset(presets, 'mine', { ...mine, topK: 3 })
    expect(presets).toHaveLength(1)
    expect(presets[0]?.settings.topK).toBe(3)
    expect(addUserPreset(presets, 'Creative', mine)).toEqual(presets)
    expect(addUserPreset(presets, '   ', mine)).toEqual(presets)
    expect(parseUserPresets(serializeUserPresets(presets))).toEqual(presets)
    expect(removeUserPreset(presets, 'mine')).toEqual([])
  })

  it('skips damaged saved presets instead of losing them all', () => {
    const text = JSON.stringify([
      { name: 'ok', settings: mine },
      { name: 'bad', settings: { ...mine, topP: 3 } },
      { name: 'fractional k', settings: { ...mine, topK: 1.5 } },
      'junk',
    ])
    expect(parseUserPresets(text).map((p) => p.name)).toEqual(['ok'])
    expect(parseUserPresets('nope')).toEqual([])
  })

  it('explains every control in one line', () => {
    for (const tip of Object.values(controlTooltips)) {
      expect(tip.length).toBeGreaterThan(20)
      expect(tip).not.toContain('\n')
    }
  })
})
