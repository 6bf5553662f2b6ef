import { describe, expect, it } from 'vitest'
import {
  chipClassFor,
  chipClassForMode,
  colorBinFor,
  colorScales,
  isColorMode,
  surpriseBits,
} from '../../src/renderer/src/lib/probability-scale'
import {
  defaultInspectorPrefs,
  inspectorPrefsReducer,
  parseInspectorPrefs,
  serializeInspectorPrefs,
} from '../../src/renderer/src/inspector/prefs'

describe('chip colour modes', () => {
  it('keeps the probability mode identical to the original scale', () => {
    for (const p of [0.9, 0.5, 0.2, 0.07, 0.01]) {
      expect(chipClassForMode({ modelProb: p, entropyBits: 3 }, 'probability')).toBe(
        chipClassFor(p),
      )
    }
  })

  it('measures surprise in bits: −log₂ p', () => {
    expect(surpriseBits(0.5)).toBe(1)
    expect(surpriseBits(1)).toBe(0)
    expect(surpriseBits(0.125)).toBeCloseTo(3, 12)
    expect(surpriseBits(0)).toBe(Infinity)
    expect(colorBinFor({ modelProb: 0.9, entropyBits: 0 }, 'surprise')).toBe(0)
    expect(colorBinFor({ modelProb: 0.5, entropyBits: 0 }, 'surprise')).toBe(1)
    expect(colorBinFor({ modelProb: 0.125, entropyBits: 0 }, 'surprise')).toBe(2)
    expect(colorBinFor({ modelProb: 0.01, entropyBits: 0 }, 'surprise')).toBe(3)
    expect(colorBinFor({ modelProb: 0, entropyBits: 0 }, 'surprise')).toBe(4)
  })

  it('tints by the step’s entropy, whatever token was picked', () => {
    const sure = { modelProb: 0.01, entropyBits: 0.1 }
    const open = { modelProb: 0.99, entropyBits: 6 }
    expect(colorBinFor(sure, 'entropy')).toBe(0)
    expect(colorBinFor(open, 'entropy')).toBe(4)
    expect(colorBinFor({ modelProb: 1, entropyBits: NaN }, 'entropy')).toBe(4)
  })

  it('has a legend bin for every tint, with labels in the mode’s unit', () => {
    for (const scale of Object.values(colorScales)) {
      expect(scale.bins).toHaveLength(5)
      expect(new Set(scale.bins.map((b) => b.chipClass)).size).toBe(5)
    }
    expect(colorScales.surprise.title).toContain('bits')
    expect(colorScales.entropy.title).toContain('bits')
    expect(colorScales.entropy.format(1.234)).toBe('1.23 bits')
    expect(isColorMode('entropy')).toBe(true)
    expect(isColorMode('loudness')).toBe(false)
  })
})

describe('inspector preferences', () => {
  it('remembers the colour mode and N across a save and a load', () => {
    let prefs = inspectorPrefsReducer(defaultInspectorPrefs, {
      type: 'colorMode',
      mode: 'surprise',
    })
    prefs = inspectorPrefsReducer(prefs, { type: 'topN', value: 25 })
    expect(parseInspectorPrefs(serializeInspectorPrefs(prefs))).toEqual(prefs)
  })

  it('keeps N within 5–50', () => {
    expect(inspectorPrefsReducer(defaultInspectorPrefs, { type: 'topN', value: 2 }).topN).toBe(5)
    expect(inspectorPrefsReducer(defaultInspectorPrefs, { type: 'topN', value: 80 }).topN).toBe(50)
    expect(defaultInspectorPrefs.topN).toBe(10)
  })

  it('falls back part by part on damaged storage', () => {
    expect(parseInspectorPrefs('{not json')).toEqual(defaultInspectorPrefs)
    expect(parseInspectorPrefs('{"colorMode":"neon","topN":20}')).toEqual({
      ...defaultInspectorPrefs,
      topN: 20,
    })
  })
})
