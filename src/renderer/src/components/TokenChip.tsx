import { memo } from 'react'
import type { GeneratedToken, TokenText } from '../../../shared/contract'
import { formatPercent } from '../lib/format'
import { chipClassFor } from '../lib/probability-scale'
import { lineBreaksAfter, visibleWhitespace } from '../lib/whitespace'

const chipBase =
  'mx-px my-px inline-block rounded-[4px] px-[3px] font-mono whitespace-pre outline-none'

function ChipText({ text }: { text: string }) {
  return visibleWhitespace(text).map((piece, i) =>
    piece.marker ? (
      <span key={i} className="opacity-45">
        {piece.text}
      </span>
    ) : (
      piece.text
    ),
  )
}

function LineBreaks({ text }: { text: string }) {
  const count = lineBreaksAfter(text)
  return count > 0 ? Array.from({ length: count }, (_, i) => <br key={i} />) : null
}

export interface TokenChipProps {
  token: GeneratedToken
  index: number
  selected: boolean
}

/** A generated token tinted by its model probability. Events are handled by the stream. */
export const TokenChip = memo(function TokenChip({ token, index, selected }: TokenChipProps) {
  return (
    <>
      <button
        type="button"
        tabIndex={-1}
        data-testid="token-chip"
        data-index={index}
        data-token-id={token.id}
        data-model-prob={token.modelProb}
        aria-label={`${JSON.stringify(token.text)}, ${formatPercent(token.modelProb)}`}
        aria-pressed={selected}
        className={`${chipBase} cursor-pointer leading-[22px] ${chipClassFor(token.modelProb)} ${
          selected
            ? 'ring-2 ring-violet-600 dark:ring-violet-300'
            : 'hover:ring-1 hover:ring-slate-500 dark:hover:ring-slate-300'
        }`}
      >
        <ChipText text={token.text} />
      </button>
      <LineBreaks text={token.text} />
    </>
  )
})

export interface PromptChipProps {
  token: TokenText
}

/** A prompt token: neutral, so the tinted generated tokens stand out after it. */
export const PromptChip = memo(function PromptChip({ token }: PromptChipProps) {
  return (
    <>
      <span
        data-testid="prompt-token-chip"
        data-token-id={token.id}
        title={`Prompt token ${token.id}`}
        className={`${chipBase} border border-dashed border-slate-300 leading-[20px] text-slate-600 dark:border-slate-600 dark:text-slate-300`}
      >
        <ChipText text={token.text} />
      </span>
      <LineBreaks text={token.text} />
    </>
  )
})
