import { describe, expect, it } from 'vitest'
import { defaultSampling, limits } from '../../src/shared/schemas'
import {
  clampSetting,
  defaultGenerationSettings,
  describeSampling,
  parseSettingInput,
  parseStopLines,
  parseStoredSettings,
  settingFields,
  settingsReducer,
  stopLinesOf,
} from '../../src/renderer/src/stores/settings'

describe('settings', () => {
  it('uses the schema bounds for every input', () => {
    const byKey = Object.fromEntries(settingFields.map((f) => [f.key, f]))
    expect(byKey.temperature?.max).toBe(limits.temperature)
    expect(byKey.temperature?.sliderMax).toBe(2)
    expect(byKey.topK?.max).toBe(limits.topK)
    expect(byKey.maxTokens?.max).toBe(limits.maxTokens)
    expect(byKey.seed?.max).toBe(limits.seed)
  })

  it('clamps and rounds values', () => {
    expect(clampSetting('temperature', 9)).toBe(limits.temperature)
    expect(clampSetting('topK', -3)).toBe(0)
    expect(clampSetting('topK', 12.6)).toBe(13)
    expect(clampSetting('maxTokens', 0)).toBe(1)
    expect(clampSetting('topP', Number.NaN)).toBe(defaultSampling.topP)
  })

  it('keeps half-typed input as not-a-value yet', () => {
    expect(parseSettingInput('temperature', '')).toBeNull()
    expect(parseSettingInput('temperature', '-')).toBeNull()
    expect(parseSettingInput('temperature', 'abc')).toBeNull()
    expect(parseSettingInput('temperature', '0.')).toBe(0)
    expect(parseSettingInput('temperature', '1.25')).toBe(1.25)
    expect(parseSettingInput('seed', '99999999999')).toBe(limits.seed)
  })

  it('updates one setting at a time and resets', () => {
    const hot = settingsReducer(defaultGenerationSettings, {
      type: 'set',
      key: 'temperature',
      value: 1.5,
    })
    expect(hot.sampling.temperature).toBe(1.5)
    expect(hot.sampling.topK).toBe(defaultSampling.topK)
    const longer = settingsReducer(hot, { type: 'set', key: 'maxTokens', value: 1000 })
    expect(longer.maxTokens).toBe(1000)
    expect(settingsReducer(longer, { type: 'set', key: 'maxTokens', value: 1000 })).toBe(longer)
    expect(settingsReducer(longer, { type: 'reset' })).toEqual(defaultGenerationSettings)
  })

  it('restores saved settings and survives damaged ones', () => {
    const saved = JSON.stringify({ sampling: { ...defaultSampling, seed: 9 }, maxTokens: 77 })
    expect(parseStoredSettings(saved)).toEqual({
      sampling: { ...defaultSampling, seed: 9 },
      maxTokens: 77,
    })
    expect(parseStoredSettings('{not json')).toEqual(defaultGenerationSettings)
    expect(parseStoredSettings(null)).toEqual(defaultGenerationSettings)
    const bad = JSON.stringify({ sampling: { temperature: -1 }, maxTokens: 1e9 })
    expect(parseStoredSettings(bad)).toEqual({
      sampling: defaultSampling,
      maxTokens: limits.maxTokens,
    })
  })

  it('summarises the sampler chain', () => {
    expect(describeSampling(defaultSampling)).toBe(
      'temperature 0.8, top-k 40, top-p 0.95, min-p 0.05',
    )
    expect(describeSampling({ ...defaultSampling, temperature: 0 })).toMatch(/greedy/)
    expect(describeSampling({ ...defaultSampling, topK: 0, topP: 1, minP: 0 })).toBe(
      'temperature 0.8',
    )
  })
})

describe('stop strings', () => {
  it('are one per line, with \\n, \\t and \\\\ written as escapes, and round-trip', () => {
    const stop = parseStopLines('User:\n\\n\\n\n\n  \na\\tb\\\\n')
    expect(stop).toEqual(['User:', '\n\n', '  ', 'a\tb\\n'])
    expect(parseStopLines(stopLinesOf(stop))).toEqual(stop)
  })

  it('are bounded like the engine bounds them, and kept with the settings', () => {
    const many = Array.from({ length: 20 }, (_, i) => `s${i}`).join('\n')
    expect(parseStopLines(many)).toHaveLength(limits.stopStrings)
    expect(parseStopLines('x'.repeat(500))[0]).toHaveLength(limits.stopStringChars)
    const state = settingsReducer(defaultGenerationSettings, { type: 'stopSet', stop: ['END'] })
    expect(parseStoredSettings(JSON.stringify(state)).stop).toEqual(['END'])
    expect(parseStoredSettings(JSON.stringify({ ...state, stop: [3, ''] })).stop).toBeUndefined()
  })
})
