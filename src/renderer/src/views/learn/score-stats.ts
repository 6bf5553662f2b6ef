import type { GeneratedToken } from '../../../../shared/contract'

export interface Loss {
  /** Tokens scored. */
  count: number
  /** Mean −ln p, in nats: the loss a language model is trained to lower. */
  meanNats: number
  /** exp(mean −ln p): as many equally likely choices as the model was, on average, torn between. */
  perplexity: number
  /** Mean surprise, −log2 p. */
  meanBits: number
}

/** Loss and perplexity of `tokens` (as `llama-perplexity` defines them: exp of the mean −ln p). */
export function lossOf(tokens: readonly GeneratedToken[]): Loss | null {
  if (tokens.length === 0) return null
  let nats = 0
  for (const token of tokens) nats += -Math.log(Math.max(token.modelProb, Number.MIN_VALUE))
  const meanNats = nats / tokens.length
  return {
    count: tokens.length,
    meanNats,
    perplexity: Math.exp(meanNats),
    meanBits: meanNats / Math.LN2,
  }
}

/** GLTR's bands: where the token stood among the model's guesses. */
export type RankBand = 'top10' | 'top100' | 'top1000' | 'beyond'

export function rankBand(rank: number): RankBand {
  if (rank <= 10) return 'top10'
  if (rank <= 100) return 'top100'
  if (rank <= 1000) return 'top1000'
  return 'beyond'
}

export const rankBands: readonly { band: RankBand; label: string; chipClass: string }[] = [
  {
    band: 'top10',
    label: 'top 10',
    chipClass: 'bg-emerald-100 text-emerald-950 dark:bg-emerald-900/70 dark:text-emerald-50',
  },
  {
    band: 'top100',
    label: 'top 100',
    chipClass: 'bg-amber-100 text-amber-950 dark:bg-amber-900/70 dark:text-amber-50',
  },
  {
    band: 'top1000',
    label: 'top 1,000',
    chipClass: 'bg-rose-200 text-rose-950 dark:bg-rose-900/80 dark:text-rose-50',
  },
  {
    band: 'beyond',
    label: 'beyond',
    chipClass: 'bg-violet-300 text-violet-950 dark:bg-violet-800 dark:text-violet-50',
  },
]

export function rankChipClass(rank: number): string {
  const band = rankBand(rank)
  return rankBands.find((b) => b.band === band)?.chipClass ?? ''
}
