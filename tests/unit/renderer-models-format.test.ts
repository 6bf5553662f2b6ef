import { describe, expect, it } from 'vitest'
import type { DownloadProgress } from '../../src/shared/downloads'
import type { MemoryFit, ParameterBreakdown } from '../../src/shared/models'
import {
  baseName,
  breakdownSegments,
  downloadFraction,
  fitLevel,
  formatEta,
  formatParameterCount,
  formatShare,
  formatSize,
  formatSpeed,
  formatTransferred,
  meterLevel,
  minSegmentWidth,
  overallFit,
  parseCountInput,
} from '../../src/renderer/src/views/models/models-format'

const MB = 1024 * 1024
const GB = 1024 * MB

const progress = (change: Partial<DownloadProgress>): DownloadProgress => ({
  id: 'd1',
  url: 'http://127.0.0.1/x.gguf',
  fileName: 'x.gguf',
  path: '/models/x.gguf',
  state: 'downloading',
  receivedBytes: 0,
  totalBytes: null,
  resumedFromBytes: 0,
  bytesPerSecond: null,
  etaSeconds: null,
  error: null,
  sha256: null,
  localHost: null,
  allowLocalHost: false,
  parts: 1,
  ...change,
})

const fit = (change: Partial<MemoryFit>): MemoryFit => ({
  gpuLayers: 0,
  contextSize: 2048,
  ramNeeded: 1 * GB,
  vramNeeded: 0,
  ramTotal: 16 * GB,
  ramFree: 8 * GB,
  vramTotal: 0,
  vramFree: 0,
  fits: true,
  compare: { columns: 4, ramNeeded: 0, vramNeeded: 0, fits: true },
  explanation: '',
  trainedContextSize: 2048,
  contextWarning: null,
  ...change,
})

const breakdown = (change: Partial<ParameterBreakdown>): ParameterBreakdown => ({
  embeddings: 0,
  attention: 0,
  feedForward: 0,
  norms: 0,
  output: 0,
  other: 0,
  ...change,
})

describe('byte, speed and time formatting', () => {
  it('formats sizes and guards against missing or broken numbers', () => {
    expect(formatSize(512)).toBe('512 B')
    expect(formatSize(2.7 * MB)).toBe('2.7 MB')
    expect(formatSize(4.4 * GB)).toBe('4.4 GB')
    expect(formatSize(null)).toBe('—')
    expect(formatSize(Number.NaN)).toBe('—')
    expect(formatSize(-1)).toBe('—')
  })

  it('formats speeds per second, unknown or zero as a dash', () => {
    expect(formatSpeed(1.5 * MB)).toBe('1.5 MB/s')
    expect(formatSpeed(0)).toBe('—')
    expect(formatSpeed(0.4)).toBe('—')
    expect(formatSpeed(null)).toBe('—')
  })

  it('formats the time left in seconds, minutes or hours', () => {
    expect(formatEta(0)).toBe('0 s')
    expect(formatEta(8.2)).toBe('9 s')
    expect(formatEta(59)).toBe('59 s')
    expect(formatEta(125)).toBe('2 min 05 s')
    expect(formatEta(3780)).toBe('1 h 03 min')
    // The first moments of a download, before the speed settles.
    expect(formatEta(306_870_926_640)).toBe('over 99 h')
    expect(formatEta(null)).toBe('—')
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('—')
  })

  it('formats parameter counts the way models are named', () => {
    expect(formatParameterCount(688_512)).toBe('689 K')
    expect(formatParameterCount(494_032_768)).toBe('494 M')
    expect(formatParameterCount(1_235_814_400)).toBe('1.24 B')
    expect(formatParameterCount(70_553_706_496)).toBe('70.6 B')
    expect(formatParameterCount(512)).toBe('512')
    expect(formatParameterCount(null)).toBe('—')
  })

  it('describes download progress, also before the total is known', () => {
    expect(downloadFraction(progress({ receivedBytes: 10 }))).toBeNull()
    expect(formatTransferred(progress({ receivedBytes: 3 * MB }))).toBe('3.0 MB')
    const half = progress({ receivedBytes: 1 * MB, totalBytes: 2 * MB })
    expect(downloadFraction(half)).toBe(0.5)
    expect(formatTransferred(half)).toBe('1.0 MB of 2.0 MB')
    // A server that lies about the size never shows more than 100%.
    expect(downloadFraction(progress({ receivedBytes: 3 * MB, totalBytes: 2 * MB }))).toBe(1)
    expect(downloadFraction(progress({ state: 'done', receivedBytes: 5, totalBytes: null }))).toBe(
      1,
    )
  })
})

describe('memory fit colours', () => {
  it('is green with room to spare, amber above 80% of free memory, red beyond it', () => {
    expect(fitLevel(1 * GB, 8 * GB)).toBe('ok')
    expect(fitLevel(7 * GB, 8 * GB)).toBe('tight')
    expect(fitLevel(8 * GB, 8 * GB)).toBe('tight')
    expect(fitLevel(9 * GB, 8 * GB)).toBe('over')
    expect(fitLevel(1 * GB, 0)).toBe('over')
    expect(fitLevel(0, 0)).toBe('none')
  })

  it('never paints a meter red when the engine says the load fits', () => {
    expect(meterLevel(9 * GB, 8 * GB, true)).toBe('tight')
    expect(meterLevel(9 * GB, 8 * GB, false)).toBe('over')
    expect(meterLevel(1 * GB, 8 * GB, false)).toBe('ok')
  })

  it("takes the engine's verdict first and warns when either memory is tight", () => {
    expect(overallFit(fit({}))).toBe('ok')
    expect(overallFit(fit({ fits: false }))).toBe('over')
    expect(overallFit(fit({ ramNeeded: 7 * GB }))).toBe('tight')
    expect(overallFit(fit({ vramNeeded: 3.5 * GB, vramFree: 4 * GB, vramTotal: 8 * GB }))).toBe(
      'tight',
    )
  })
})

describe('parameter breakdown bar', () => {
  it('gives each present part its share; shares and widths add up to 100', () => {
    const segments = breakdownSegments(
      breakdown({ embeddings: 262_144, attention: 65_536, feedForward: 98_304, norms: 384 }),
    )
    expect(segments.map((s) => s.part)).toEqual(['embeddings', 'attention', 'feedForward', 'norms'])
    const total = 262_144 + 65_536 + 98_304 + 384
    expect(segments[0]?.percent).toBeCloseTo((262_144 / total) * 100, 10)
    expect(segments.reduce((sum, s) => sum + s.percent, 0)).toBeCloseTo(100, 10)
    expect(segments.reduce((sum, s) => sum + s.width, 0)).toBeCloseTo(100, 10)
  })

  it('keeps a tiny part visible as a sliver and leaves empty parts out', () => {
    const segments = breakdownSegments(breakdown({ feedForward: 1_000_000, norms: 10 }))
    expect(segments.map((s) => s.part)).toEqual(['feedForward', 'norms'])
    const norms = segments[1]
    expect(norms?.percent).toBeLessThan(0.01)
    expect(norms?.width).toBeGreaterThan(minSegmentWidth * 0.9)
  })

  it('draws nothing when the header names no tensors', () => {
    expect(breakdownSegments(breakdown({}))).toEqual([])
  })

  it('formats shares for the legend', () => {
    expect(formatShare(38.08)).toBe('38.1%')
    expect(formatShare(0.05)).toBe('<0.1%')
    expect(formatShare(0)).toBe('0%')
    expect(formatShare(100)).toBe('100.0%')
  })
})

describe('load option fields and paths', () => {
  it('reads blank as automatic and refuses what the engine would refuse', () => {
    expect(parseCountInput('', 100)).toBe(0)
    expect(parseCountInput(' 42 ', 100)).toBe(42)
    expect(parseCountInput('101', 100)).toBeNull()
    expect(parseCountInput('-1', 100)).toBeNull()
    expect(parseCountInput('1.5', 100)).toBeNull()
    expect(parseCountInput('abc', 100)).toBeNull()
  })

  it('names the file of a path from any platform', () => {
    expect(baseName('/models/qwen.gguf')).toBe('qwen.gguf')
    expect(baseName('C:\\models\\llama.gguf')).toBe('llama.gguf')
    expect(baseName('/models/')).toBe('models')
  })
})
