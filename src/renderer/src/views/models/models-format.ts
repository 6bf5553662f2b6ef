import type { DownloadProgress } from '../../../../shared/downloads'
import type { MemoryFit, ParameterBreakdown } from '../../../../shared/models'
import { formatBytes } from '../../lib/format'

/** A byte count for people; never "NaN B". */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—'
  return formatBytes(Math.round(bytes))
}

/** "1.24 B", "137 M", "512 K": how model sizes are spoken of. */
export function formatParameterCount(count: number | null | undefined): string {
  if (count === null || count === undefined || !Number.isFinite(count) || count < 0) return '—'
  const steps: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ]
  for (const [size, unit] of steps) {
    if (count >= size) {
      const value = count / size
      const digits = value < 10 ? 2 : value < 100 ? 1 : 0
      return `${value.toFixed(digits)} ${unit}`
    }
  }
  return String(Math.round(count))
}

export function formatSpeed(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond === null || bytesPerSecond === undefined) return '—'
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond < 1) return '—'
  return `${formatBytes(Math.round(bytesPerSecond))}/s`
}

export const maxEtaHours = 99

/** Time left: "8 s", "2 min 05 s", "1 h 03 min"; "—" when unknown. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    return '—'
  }
  const total = Math.ceil(seconds)
  // A stalled start gives absurd estimates; past this it says nothing useful.
  if (total > maxEtaHours * 3600) return `over ${maxEtaHours} h`
  if (total < 60) return `${total} s`
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const secs = total % 60
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`
  return `${minutes} min ${String(secs).padStart(2, '0')} s`
}

/** How far a download is, 0..1; null while the server has not said how big the file is. */
export function downloadFraction(progress: DownloadProgress): number | null {
  if (progress.state === 'done') return 1
  const total = progress.totalBytes
  if (total === null || total <= 0) return null
  return Math.min(1, Math.max(0, progress.receivedBytes / total))
}

/** "12.0 MB of 40.0 MB" or "12.0 MB" when the total is unknown. */
export function formatTransferred(progress: DownloadProgress): string {
  const received = formatSize(progress.receivedBytes)
  return progress.totalBytes === null
    ? received
    : `${received} of ${formatSize(progress.totalBytes)}`
}

export type FitLevel = 'ok' | 'tight' | 'over' | 'none'

/** Over this share of the free memory a load still fits, but leaves little for anything else. */
export const tightShare = 0.8

/** Green / amber / red for one kind of memory: what a load needs against what is free. */
export function fitLevel(needed: number, free: number): FitLevel {
  if (!Number.isFinite(needed) || needed <= 0) return 'none'
  if (!Number.isFinite(free) || free <= 0 || needed > free) return 'over'
  return needed > free * tightShare ? 'tight' : 'ok'
}

/**
 * One meter's colour under the engine's verdict: the engine weighs total memory (the OS frees
 * caches on demand), so when it says the load fits, short free memory is a warning, not a no.
 */
export function meterLevel(needed: number, free: number, engineFits: boolean): FitLevel {
  const level = fitLevel(needed, free)
  return engineFits && level === 'over' ? 'tight' : level
}

/** The verdict of a whole fit: red when the engine says it does not fit, else the worse of both. */
export function overallFit(fit: MemoryFit): Exclude<FitLevel, 'none'> {
  if (!fit.fits) return 'over'
  const levels = [fitLevel(fit.ramNeeded, fit.ramFree), fitLevel(fit.vramNeeded, fit.vramFree)]
  // The engine decided it fits (it may spill to RAM); our own arithmetic only warns.
  if (levels.includes('over') || levels.includes('tight')) return 'tight'
  return 'ok'
}

export const fitLabels: Record<FitLevel, string> = {
  ok: 'Fits',
  tight: 'Tight',
  over: 'Does not fit',
  none: 'Not used',
}

export type BreakdownPart = keyof ParameterBreakdown

export interface BreakdownSegment {
  part: BreakdownPart
  label: string
  count: number
  /** Share of all parameters, 0..100. */
  percent: number
  /** Width on the bar, 0..100; a tiny but present part gets a sliver so it can be seen. */
  width: number
}

export const breakdownLabels: Record<BreakdownPart, string> = {
  embeddings: 'Embeddings',
  attention: 'Attention',
  feedForward: 'Feed-forward',
  norms: 'Norms',
  output: 'Output',
  other: 'Other',
}

const breakdownOrder: BreakdownPart[] = [
  'embeddings',
  'attention',
  'feedForward',
  'norms',
  'output',
  'other',
]

/** Smallest width (percent of the bar) for a part that is there at all. */
export const minSegmentWidth = 0.75

/** Where the weights live, as bar segments whose widths add up to 100. Empty parts are left out. */
export function breakdownSegments(breakdown: ParameterBreakdown): BreakdownSegment[] {
  const present = breakdownOrder
    .map((part) => ({ part, count: Math.max(0, breakdown[part]) }))
    .filter((entry) => Number.isFinite(entry.count) && entry.count > 0)
  const total = present.reduce((sum, entry) => sum + entry.count, 0)
  if (total === 0) return []
  const raw = present.map((entry) => Math.max((entry.count / total) * 100, minSegmentWidth))
  const rawSum = raw.reduce((sum, width) => sum + width, 0)
  return present.map((entry, i) => ({
    part: entry.part,
    label: breakdownLabels[entry.part],
    count: entry.count,
    percent: (entry.count / total) * 100,
    width: ((raw[i] ?? 0) / rawSum) * 100,
  }))
}

/** A share for a legend: "48.2%", "<0.1%". */
export function formatShare(percent: number): string {
  if (!Number.isFinite(percent) || percent <= 0) return '0%'
  if (percent < 0.1) return '<0.1%'
  if (percent >= 99.95 && percent < 100) return '>99.9%'
  return `${percent.toFixed(1)}%`
}

/** "file.gguf" from a path typed on any platform. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter((part) => part !== '')
  return parts[parts.length - 1] ?? path
}

/** Upper bounds of the load options, as the engine's schema has them. */
export const optionLimits = {
  contextSize: 1_048_576,
  gpuLayers: 1000,
  threads: 256,
  batchSize: 65_536,
} as const

/** A typed option: blank means "let the engine decide" (0); null when it is not a valid count. */
export function parseCountInput(text: string, max: number): number | null {
  const trimmed = text.trim()
  if (trimmed === '') return 0
  if (!/^\d+$/.test(trimmed)) return null
  const value = Number(trimmed)
  return Number.isSafeInteger(value) && value <= max ? value : null
}
