/** A probability as a short percentage for chips, legends and bars. */
export function formatPercent(p: number): string {
  if (!Number.isFinite(p) || p <= 0) return '0%'
  if (p >= 1) return '100%'
  if (p < 0.001) return '<0.1%'
  if (p > 0.999) return '>99.9%'
  return `${(p * 100).toFixed(1)}%`
}

/** A probability with enough digits to compare against the engine's numbers. */
export function formatProbability(p: number): string {
  if (!Number.isFinite(p)) return '—'
  if (p === 0) return '0'
  if (p === 1) return '1'
  return p < 1e-4 ? p.toExponential(2) : p.toFixed(4)
}

export function formatRate(tokensPerSecond: number | null | undefined): string {
  if (
    tokensPerSecond === null ||
    tokensPerSecond === undefined ||
    !Number.isFinite(tokensPerSecond)
  ) {
    return '—'
  }
  return `${tokensPerSecond.toFixed(tokensPerSecond < 10 ? 1 : 0)} tok/s`
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  return `${(ms / 1000).toFixed(2)} s`
}

// toLocaleString builds a formatter on every call; the counters update every frame while streaming.
const countFormat = new Intl.NumberFormat('en-US')

export function formatCount(n: number): string {
  return countFormat.format(n)
}

/** `n` and the noun that goes with it: "1 token", "2,048 tokens". */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`
}

export { formatBytes } from '../../../shared/bytes'
