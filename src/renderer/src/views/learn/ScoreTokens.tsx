import { memo } from 'react'
import type { GeneratedToken, TokenText } from '../../../../shared/contract'
import { chipClassForMode, type ColorMode } from '../../lib/probability-scale'
import { focusRing, mutedText } from '../../lib/ui'
import { showWhitespace } from '../../lib/whitespace'
import { formatPercent } from '../../lib/format'
import { rankChipClass } from './score-stats'

export type ScoreMode = ColorMode | 'rank'

export interface ScoreTokensProps {
  first: readonly TokenText[]
  tokens: readonly GeneratedToken[]
  mode: ScoreMode
  /** The selected span (inclusive), in scored-token indices. */
  span: { from: number; to: number } | null
  onPick: (index: number, extend: boolean) => void
}

/** The scored text as chips: the first token (nothing predicts it), then every scored token. */
export const ScoreTokens = memo(function ScoreTokens(props: ScoreTokensProps) {
  const { first, tokens, mode, span, onPick } = props
  return (
    <div
      role="group"
      aria-label="Scored tokens. Click one to inspect it; Shift+click selects a span."
      data-testid="score-tokens"
      className="font-mono text-sm leading-7"
    >
      {first.map((t, i) => (
        <span
          key={`p${i}`}
          title="The first token: nothing comes before it, so it has no score"
          className={`mr-px rounded px-0.5 whitespace-pre ${mutedText} bg-slate-100 dark:bg-slate-800`}
        >
          {showWhitespace(t.text)}
        </span>
      ))}
      {tokens.map((token, i) => {
        const inSpan = span !== null && i >= span.from && i <= span.to
        const tint = mode === 'rank' ? rankChipClass(token.rank) : chipClassForMode(token, mode)
        return (
          <button
            key={i}
            type="button"
            data-testid="score-chip"
            data-index={i}
            data-token-id={token.id}
            data-rank={token.rank}
            data-prob={token.modelProb}
            aria-pressed={inSpan}
            title={`p = ${formatPercent(token.modelProb)} · rank ${token.rank} · ${(-Math.log2(Math.max(token.modelProb, Number.MIN_VALUE))).toFixed(2)} bits`}
            onClick={(event) => onPick(i, event.shiftKey)}
            className={`mr-px rounded px-0.5 whitespace-pre ${tint} ${focusRing} ${
              inSpan ? 'ring-2 ring-violet-500 dark:ring-violet-300' : ''
            }`}
          >
            {showWhitespace(token.text)}
          </button>
        )
      })}
    </div>
  )
})
