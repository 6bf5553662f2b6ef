import { describe, expect, it } from 'vitest'
import {
  countOf,
  formatBytes,
  formatDuration,
  formatPercent,
  formatProbability,
  formatRate,
} from '../../src/renderer/src/lib/format'
import {
  lineBreaksAfter,
  showWhitespace,
  visibleWhitespace,
} from '../../src/renderer/src/lib/whitespace'
import {
  chipClassFor,
  probabilityBin,
  probabilityBins,
} from '../../src/renderer/src/lib/probability-scale'
import { placePopover } from '../../src/renderer/src/lib/placement'
import { parseTheme, resolveTheme } from '../../src/renderer/src/lib/theme'
import { explainProbabilities } from '../../src/renderer/src/lib/explain'
import { defaultSampling } from '../../src/shared/schemas'

describe('whitespace made visible', () => {
  it('marks spaces, newlines and tabs', () => {
    expect(showWhitespace(' the')).toBe('·the')
    expect(showWhitespace('a\tb\n')).toBe('a⇥b↵')
    expect(showWhitespace('\r\n')).toBe('␍↵')
    expect(showWhitespace('')).toBe('∅')
  })

  it('groups markers apart from text so chips can dim them', () => {
    expect(visibleWhitespace('  hi ')).toEqual([
      { text: '··', marker: true },
      { text: 'hi', marker: false },
      { text: '·', marker: true },
    ])
  })

  it('keeps characters outside the basic plane whole', () => {
    expect(visibleWhitespace(' 😀')).toEqual([
      { text: '·', marker: true },
      { text: '😀', marker: false },
    ])
  })

  it('breaks lines after newlines, at most twice', () => {
    expect(lineBreaksAfter('word')).toBe(0)
    expect(lineBreaksAfter('.\n')).toBe(1)
    expect(lineBreaksAfter('\n\n\n\n')).toBe(2)
  })
})

describe('probability colours', () => {
  it('puts each probability in the right bin', () => {
    expect(probabilityBin(1)).toBe(0)
    expect(probabilityBin(0.75)).toBe(0)
    expect(probabilityBin(0.5)).toBe(1)
    expect(probabilityBin(0.2)).toBe(2)
    expect(probabilityBin(0.05)).toBe(3)
    expect(probabilityBin(0.001)).toBe(4)
    expect(probabilityBin(0)).toBe(4)
    expect(probabilityBin(Number.NaN)).toBe(probabilityBins.length - 1)
  })

  it('gives every bin light and dark colours', () => {
    for (const bin of probabilityBins) {
      expect(bin.chipClass).toMatch(/(^| )bg-/)
      expect(bin.chipClass).toMatch(/dark:bg-/)
      expect(bin.chipClass).toMatch(/dark:text-/)
    }
    expect(chipClassFor(0.9)).toBe(probabilityBins[0]?.chipClass)
  })

  it('orders bins from likely to surprising', () => {
    const mins = probabilityBins.map((bin) => bin.min)
    expect([...mins].sort((a, b) => b - a)).toEqual(mins)
    expect(mins[mins.length - 1]).toBe(0)
  })
})

describe('number formats', () => {
  it('formats probabilities', () => {
    expect(formatPercent(0.4213)).toBe('42.1%')
    expect(formatPercent(1)).toBe('100%')
    expect(formatPercent(0)).toBe('0%')
    expect(formatPercent(0.0004)).toBe('<0.1%')
    expect(formatPercent(0.99995)).toBe('>99.9%')
    expect(formatProbability(0.123456)).toBe('0.1235')
    expect(formatProbability(0.00001234)).toBe('1.23e-5')
  })

  it('formats speed, time and sizes', () => {
    expect(formatRate(null)).toBe('—')
    expect(formatRate(5.25)).toBe('5.3 tok/s')
    expect(formatRate(120.4)).toBe('120 tok/s')
    expect(formatDuration(null)).toBe('—')
    expect(formatDuration(12.4)).toBe('12 ms')
    expect(formatDuration(1500)).toBe('1.50 s')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB')
  })
})

describe('popover placement', () => {
  const viewport = { width: 1000, height: 800 }
  const size = { width: 300, height: 200 }

  it('goes below the anchor when it fits', () => {
    const at = placePopover({ left: 100, top: 100, width: 40, height: 20 }, size, viewport)
    expect(at).toEqual({ left: 100, top: 126, side: 'below' })
  })

  it('flips above near the bottom and stays inside the viewport', () => {
    const at = placePopover({ left: 900, top: 700, width: 40, height: 20 }, size, viewport)
    expect(at.side).toBe('above')
    expect(at.top).toBe(494)
    expect(at.left).toBe(692)
  })

  it('goes beside the anchor when it fits neither above nor below', () => {
    const tall = { width: 300, height: 500 }
    const right = placePopover({ left: 100, top: 300, width: 40, height: 20 }, tall, viewport)
    expect(right).toEqual({ side: 'right', left: 146, top: 60 })
    const left = placePopover({ left: 800, top: 300, width: 40, height: 20 }, tall, viewport)
    expect(left).toEqual({ side: 'left', left: 494, top: 60 })
  })

  it('clamps a popover too big for any side', () => {
    const at = placePopover(
      { left: 10, top: 300, width: 40, height: 20 },
      { width: 990, height: 900 },
      viewport,
    )
    expect(at.top).toBe(8)
    expect(at.left).toBe(8)
  })
})

describe('theme', () => {
  it('follows the system until the user chooses', () => {
    expect(parseTheme(null)).toBeNull()
    expect(parseTheme('purple')).toBeNull()
    expect(resolveTheme(null, true)).toBe('dark')
    expect(resolveTheme(null, false)).toBe('light')
    expect(resolveTheme(parseTheme('light'), true)).toBe('light')
  })
})

describe('why the two probabilities differ', () => {
  it('explains greedy sampling', () => {
    const text = explainProbabilities(
      { modelProb: 0.3, samplingProb: 1 },
      { ...defaultSampling, temperature: 0 },
    )
    expect(text).toMatch(/greedy/)
  })

  it('names the sampler chain that was used', () => {
    const text = explainProbabilities({ modelProb: 0.3, samplingProb: 0.5 }, defaultSampling)
    expect(text).toContain('top-k 40')
    expect(text).toContain('temperature 0.8')
  })
})

describe('countOf', () => {
  it('says one without the plural, every other count with it', () => {
    expect(countOf(1, 'token')).toBe('1 token')
    expect(countOf(0, 'token')).toBe('0 tokens')
    expect(countOf(2048, 'char')).toBe('2,048 chars')
    expect(countOf(2, 'entry', 'entries')).toBe('2 entries')
  })
})
