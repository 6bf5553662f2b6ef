/** One line of the results table. `ours` and `baseline` are medians over `runs` runs. */
export interface BenchRow {
  id: string
  measure: string
  unit: string
  ours: number | null
  baseline: number | null
  /** Median of the per-run ratios ours / baseline (runs are paired and interleaved). */
  ratio: number | null
  target: string
  met: boolean | null
  runs: number
  note?: string
}

export function median(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (finite.length === 0) return NaN
  const middle = finite.length >> 1
  return finite.length % 2 === 1
    ? (finite[middle] ?? NaN)
    : ((finite[middle - 1] ?? NaN) + (finite[middle] ?? NaN)) / 2
}

export interface Pair {
  ours: number
  baseline: number
}

export interface RoundOptions {
  /** Runs before each measured run, e.g. to wait for the machine to be idle. */
  beforeEach?: () => Promise<void>
  /** One unmeasured run of each variant first (loads pages, fills caches). */
  warmUp?: boolean
}

/**
 * Runs every variant once per round, `rounds` times. The order rotates every two rounds and
 * reverses every other round, so slow drift in the machine's speed falls on every variant alike:
 * with two variants, A B, B A, B A, A B (ABBA). Rotating every round instead cancels against
 * the reversal when there are two, and A would always run first.
 */
export function roundOrder<K>(names: readonly K[], round: number): K[] {
  const shift = Math.floor(round / 2)
  const rotated = names.map((_, i) => names[(i + shift) % names.length] as K)
  if (round % 2 === 1) rotated.reverse()
  return rotated
}

/** Runs every variant once per round, `rounds` times, in {@link roundOrder}'s order. */
export async function roundRobin<K extends string>(
  rounds: number,
  variants: Record<K, () => Promise<number>>,
  options: RoundOptions = {},
): Promise<Record<K, number>[]> {
  const names = Object.keys(variants) as K[]
  if (options.warmUp ?? true) for (const name of names) await variants[name]()
  const results: Record<K, number>[] = []
  for (let round = 0; round < rounds; round++) {
    const result = {} as Record<K, number>
    for (const name of roundOrder(names, round)) {
      await options.beforeEach?.()
      result[name] = await variants[name]()
    }
    results.push(result)
  }
  return results
}

/** Two variants of round-robin results as (ours, baseline) pairs. */
export function pairsOf<K extends string>(
  results: readonly Record<K, number>[],
  ours: K,
  baseline: K,
): Pair[] {
  return results.map((result) => ({ ours: result[ours], baseline: result[baseline] }))
}

/** Runs `ours` and `baseline` alternately (ABBA); see {@link roundRobin}. */
export async function interleave(
  runs: number,
  ours: () => Promise<number>,
  baseline: () => Promise<number>,
  options: RoundOptions = {},
): Promise<Pair[]> {
  return pairsOf(await roundRobin(runs, { ours, baseline }, options), 'ours', 'baseline')
}

export interface RatioTarget {
  atLeast?: number
  atMost?: number
}

/** A row comparing paired runs; `target` bounds the ratio ours / baseline, if it has one. */
export function ratioRow(
  base: Pick<BenchRow, 'id' | 'measure' | 'unit'> & { note?: string },
  pairs: readonly Pair[],
  target: RatioTarget = {},
): BenchRow {
  const ratio = median(pairs.map((p) => p.ours / p.baseline))
  const { atLeast, atMost } = target
  const bounded = atLeast !== undefined || atMost !== undefined
  return {
    ...base,
    ours: median(pairs.map((p) => p.ours)),
    baseline: median(pairs.map((p) => p.baseline)),
    ratio,
    target:
      atLeast !== undefined
        ? `≥ ${atLeast.toFixed(2)}`
        : atMost !== undefined
          ? `≤ ${atMost.toFixed(2)}`
          : '—',
    met: bounded ? ratio >= (atLeast ?? -Infinity) && ratio <= (atMost ?? Infinity) : null,
    runs: pairs.length,
  }
}

/** A row with one measured value against an absolute limit (lower is better). */
export function limitRow(
  base: Pick<BenchRow, 'id' | 'measure' | 'unit'> & { note?: string },
  values: readonly number[],
  maximum: number | null,
): BenchRow {
  const value = median(values)
  return {
    ...base,
    ours: value,
    baseline: null,
    ratio: null,
    target: maximum === null ? '—' : `< ${maximum} ${base.unit}`,
    met: maximum === null ? null : value < maximum,
    runs: values.length,
  }
}

/**
 * A row whose limit holds for every run, not for the middle one (the UI's "no stream with a task
 * over 50 ms"): it shows the worst run, and is met only when that one is under the limit.
 */
export function everyRunRow(
  base: Pick<BenchRow, 'id' | 'measure' | 'unit'> & { note?: string },
  values: readonly number[],
  maximum: number,
): BenchRow {
  return {
    ...limitRow(base, [Math.max(...values)], maximum),
    target: `< ${maximum} ${base.unit} in every run`,
    runs: values.length,
  }
}
