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
