import type { ReportedNumbers } from '../../../shared/remote'
/**
 * The tint of a token by its model probability. Blue means the model expected the token, orange
 * means it surprised the model: a blue–orange scale stays distinct under the common forms of
 * colour blindness, and lightness changes monotonically toward the surprising end as well.
 */
export interface ProbabilityBin {
  /** Lowest probability in the bin, inclusive. */
  min: number
  label: string
  description: string
  /** Tailwind classes for a chip in this bin, light and dark. */
  chipClass: string
}

export const probabilityBins: readonly ProbabilityBin[] = [
  {
    min: 0.75,
    label: '≥ 75%',
    description: 'expected',
    chipClass: 'bg-sky-200 text-sky-950 dark:bg-sky-700 dark:text-white',
  },
  {
    min: 0.4,
    label: '40–75%',
    description: 'likely',
    chipClass: 'bg-sky-100 text-sky-950 dark:bg-sky-900 dark:text-sky-50',
  },
  {
    min: 0.15,
    label: '15–40%',
    description: 'plausible',
    chipClass: 'bg-stone-200 text-stone-900 dark:bg-stone-600 dark:text-stone-50',
  },
  {
    min: 0.05,
    label: '5–15%',
    description: 'unlikely',
    chipClass: 'bg-orange-200 text-orange-950 dark:bg-orange-800 dark:text-orange-50',
  },
  {
    min: 0,
    label: '< 5%',
    description: 'surprising',
    chipClass: 'bg-orange-400 text-orange-950 dark:bg-orange-500 dark:text-orange-950',
  },
]

/** Index into `probabilityBins` for a probability; NaN and negatives count as surprising. */
export function probabilityBin(p: number): number {
  const index = probabilityBins.findIndex((bin) => p >= bin.min)
  return index < 0 ? probabilityBins.length - 1 : index
}

export function chipClassFor(p: number): string {
  return probabilityBins[probabilityBin(p)]?.chipClass ?? ''
}

/** What a chip's tint shows. */
export type ColorMode = 'probability' | 'surprise' | 'entropy'

export const colorModeIds: readonly ColorMode[] = ['probability', 'surprise', 'entropy']

/** One bin of a colour scale: values from `min` (inclusive) up to the previous bin's `min`. */
export interface ColorBin {
  min: number
  label: string
  description: string
  chipClass: string
}

export interface ColorScale {
  mode: ColorMode
  /** Short name for the switch. */
  name: string
  /** Legend heading. */
  title: string
  /** One line on what the tint means. */
  help: string
  /** The number the tint is based on, for a token. */
  value: (token: { modelProb: number; entropyBits: number }) => number
  /** How the value reads, e.g. "42.0%" or "1.25 bits". */
  format: (value: number) => string
  /**
   * Bins from the "expected" end (blue) to the "surprising" end (orange). Probability bins are
   * ordered by falling value; bit bins by rising value.
   */
  bins: readonly ColorBin[]
  /** Index into `bins` for a value. */
  binOf: (value: number) => number
}

// The five tints of the probability scale, reused so every mode reads blue = expected,
// orange = surprising or unsure.
const tints = probabilityBins.map((bin) => bin.chipClass)
const tint = (i: number): string => tints[i] ?? ''

/** −log₂ p: how many bits of surprise the token carried. Zero probability is infinitely surprising. */
export function surpriseBits(p: number): number {
  if (!(p > 0)) return Infinity
  return Math.max(0, -Math.log2(Math.min(1, p)))
}

function bitBins(
  limits: readonly [number, number, number, number],
  words: readonly string[],
): ColorBin[] {
  const [a, b, c, d] = limits
  const ranges = [`< ${a}`, `${a}–${b}`, `${b}–${c}`, `${c}–${d}`, `≥ ${d}`]
  const mins = [0, a, b, c, d]
  return ranges.map((range, i) => ({
    min: mins[i] ?? 0,
    label: range,
    description: words[i] ?? '',
    chipClass: tint(i),
  }))
}

/** Index of the highest bin whose `min` the value reaches, for bins sorted by rising `min`. */
function risingBin(bins: readonly ColorBin[], value: number): number {
  if (Number.isNaN(value)) return bins.length - 1
  let index = 0
  bins.forEach((bin, i) => {
    if (value >= bin.min) index = i
  })
  return index
}

const formatBits = (bits: number): string =>
  Number.isFinite(bits) ? `${bits.toFixed(2)} bits` : '∞ bits'

const surpriseBins = bitBins(
  [0.5, 2, 4, 7],
  ['expected', 'mild surprise', 'surprising', 'very surprising', 'a shock to the model'],
)

const entropyBins = bitBins(
  [0.5, 1.5, 3, 5],
  ['sure of the next token', 'a few options', 'several options', 'many options', 'wide open'],
)

export const colorScales: Record<ColorMode, ColorScale> = {
  probability: {
    mode: 'probability',
    name: 'Probability',
    title: 'Model probability',
    help: 'How likely the model thought the chosen token was.',
    value: (token) => token.modelProb,
    format: (p) => `${(p * 100).toFixed(1)}%`,
    bins: probabilityBins,
    binOf: probabilityBin,
  },
  surprise: {
    mode: 'surprise',
    name: 'Surprise',
    title: 'Surprise, bits (−log₂ p)',
    help: 'Bits of surprise: each extra bit means the model found the token half as likely.',
    value: (token) => surpriseBits(token.modelProb),
    format: formatBits,
    bins: surpriseBins,
    binOf: (bits) => risingBin(surpriseBins, bits),
  },
  entropy: {
    mode: 'entropy',
    name: 'Entropy',
    title: 'Entropy at this step, bits',
    help: 'How spread out the model’s choices were before it picked, whatever it picked.',
    value: (token) => token.entropyBits,
    format: formatBits,
    bins: entropyBins,
    binOf: (bits) => risingBin(entropyBins, bits),
  },
}

export function isColorMode(value: unknown): value is ColorMode {
  return typeof value === 'string' && (colorModeIds as readonly string[]).includes(value)
}

/** A chip whose colour-mode number its (remote) engine did not report. */
export const unmeasuredChipClass =
  'bg-slate-100 text-slate-700 outline-1 outline-dashed outline-slate-300 dark:bg-slate-800 dark:text-slate-200 dark:outline-slate-600'

/** Bin index of a token under a colour mode. */
export function colorBinFor(
  token: { modelProb: number; entropyBits: number },
  mode: ColorMode,
): number {
  const scale = colorScales[mode]
  return scale.binOf(scale.value(token))
}

/** Whether the engine measured the number a colour mode tints by (a remote server may not). */
export function measuredFor(token: { reported?: ReportedNumbers }, mode: ColorMode): boolean {
  if (!token.reported) return true
  return mode === 'entropy' ? token.reported.entropy : token.reported.modelProb
}

/** The chip classes of a token under a colour mode. */
export function chipClassForMode(
  token: { modelProb: number; entropyBits: number; reported?: ReportedNumbers },
  mode: ColorMode,
): string {
  // A number the engine did not measure gets no colour of its scale.
  if (!measuredFor(token, mode)) return unmeasuredChipClass
  return colorScales[mode].bins[colorBinFor(token, mode)]?.chipClass ?? ''
}
