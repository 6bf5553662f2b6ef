import { memo, type ReactNode } from 'react'
import type { GeneratedToken, TokenText } from '../../../shared/contract'
import { useStore } from '../hooks/useStore'
import { exactTokenEntropies } from '../inspector/exact-entropy-store'
import { formatPercent } from '../lib/format'
import { chipClassForMode, colorScales, type ColorMode } from '../lib/probability-scale'
import { lineBreaksAfter, visibleWhitespace, type TextPiece } from '../lib/whitespace'

const chipBase =
  'mx-px my-px inline-block rounded-[4px] px-[3px] font-mono whitespace-pre outline-none'

/**
 * A token's text with visible whitespace. A leading marker (most tokens start with a space) is
 * drawn by CSS from `data-lead` rather than as an element of its own: a transcript holds
 * thousands of chips, and every element is one more for layout and the garbage collector.
 */
function chipText(text: string): { lead: string | undefined; pieces: TextPiece[] } {
  const pieces = visibleWhitespace(text)
  const first = pieces[0]
  if (first?.marker && pieces.length > 1) return { lead: first.text, pieces: pieces.slice(1) }
  return { lead: undefined, pieces }
}

const leadMarker = 'before:text-current/45 before:content-[attr(data-lead)]'

/**
 * A chip's text and the line breaks after it are plain calls, not components: a transcript holds
 * tens of thousands of chips, and every component is one more fiber for React to create, walk and
 * delete (starting a new run over 20,000 chips took 110–161 ms of CPU as components, 66–103 ms
 * as calls). A text of one piece is a plain string, which React sets as the chip's text with no
 * fiber of its own.
 */
function chipContent(pieces: TextPiece[]): ReactNode {
  const only = pieces.length === 1 ? pieces[0] : undefined
  if (only && !only.marker) return only.text
  return pieces.map((piece, i) =>
    piece.marker ? (
      <span key={i} className="text-current/45">
        {piece.text}
      </span>
    ) : (
      piece.text
    ),
  )
}

function lineBreaks(text: string): ReactNode {
  const count = lineBreaksAfter(text)
  return count > 0 ? Array.from({ length: count }, (_, i) => <br key={i} />) : null
}

export interface TokenChipProps {
  token: GeneratedToken
  index: number
  selected: boolean
  /** What the tint shows; model probability when left out. */
  colorMode?: ColorMode
  /** Set where branches part: which of them is shown, drawn as a marker with ‹ i/n ›. */
  branch?: { index: number; count: number }
}

/**
 * Hands a click on a ‹ or › of a {@link BranchSwitch} to `onSwitch` (the token's index, and -1
 * or +1); true when the click was one, so the view does nothing else with it.
 */
export function handleSwitchClick(
  target: EventTarget,
  onSwitch: ((index: number, delta: number) => void) | undefined,
): boolean {
  const arrow =
    target instanceof Element ? target.closest<HTMLElement>('[data-switch-delta]') : null
  if (!arrow) return false
  onSwitch?.(Number(arrow.dataset.switchPosition), Number(arrow.dataset.switchDelta))
  return true
}

/** The ‹ i/n › switch before a chip where branches part; the stream handles its clicks. */
export function BranchSwitch({
  index,
  at,
}: {
  index: number
  at: { index: number; count: number }
}) {
  const arrow =
    'inline-flex h-[18px] w-4 items-center justify-center rounded hover:bg-violet-200 dark:hover:bg-violet-800 focus-visible:outline-2 focus-visible:outline-violet-500'
  return (
    <span
      data-testid="branch-switcher"
      data-position={index}
      data-branch-index={at.index}
      data-branch-count={at.count}
      className="mx-0.5 inline-flex translate-y-[-1px] items-center rounded-md select-none border-l-[3px] border-violet-500 bg-violet-100 pr-0.5 align-middle font-sans text-[11px] leading-[18px] font-medium text-violet-900 dark:border-violet-400 dark:bg-violet-950 dark:text-violet-100"
    >
      <button
        type="button"
        data-testid="branch-prev"
        data-switch-position={index}
        data-switch-delta={-1}
        aria-label={`Previous branch at token ${index + 1}`}
        className={arrow}
      >
        ‹
      </button>
      <span className="tabular-nums" aria-label={`branch ${at.index + 1} of ${at.count}`}>
        {at.index + 1}/{at.count}
      </span>
      <button
        type="button"
        data-testid="branch-next"
        data-switch-position={index}
        data-switch-delta={1}
        aria-label={`Next branch at token ${index + 1}`}
        className={arrow}
      >
        ›
      </button>
    </span>
  )
}

/** A generated token tinted by the colour mode. Events are handled by the stream. */
export const TokenChip = memo(function TokenChip(props: TokenChipProps) {
  // Only a bounded entropy can change under a chip: the thousands of others subscribe to nothing.
  return props.colorMode === 'entropy' && props.token.entropyUpperBits !== undefined ? (
    <BoundedEntropyChip {...props} />
  ) : (
    chipButton(props)
  )
})

/** An exact entropy read on demand replaces the bounds it was read for, in the tint and label. */
function BoundedEntropyChip(props: TokenChipProps) {
  const { token } = props
  const exactBits = useStore(exactTokenEntropies, (read) => read.get(token))
  return chipButton({
    ...props,
    token:
      exactBits === undefined
        ? token
        : { ...token, entropyBits: exactBits, entropyUpperBits: undefined },
  })
}

/** The chip itself; called, not mounted, so that a chip is one fiber less. */
function chipButton({ token, index, selected, colorMode = 'probability', branch }: TokenChipProps) {
  const scale = colorScales[colorMode]
  const modelMissing = token.reported !== undefined && !token.reported.modelProb
  const unmeasured =
    colorMode === 'entropy' ? token.reported && !token.reported.entropy : modelMissing
  const shown =
    colorMode === 'probability'
      ? ''
      : `, ${unmeasured ? `${colorMode === 'entropy' ? 'uncertainty' : 'surprise'} not reported` : `${colorMode === 'entropy' && token.entropyUpperBits !== undefined ? 'at least ' : ''}${scale.format(scale.value(token))}`}`
  const probability = !modelMissing
    ? formatPercent(token.modelProb)
    : token.reported?.samplingProb
      ? `sampling probability ${formatPercent(token.samplingProb)}, model probability not reported`
      : 'probability not reported'
  const { lead, pieces } = chipText(token.text)
  return (
    <>
      {branch && <BranchSwitch index={index} at={branch} />}
      <button
        type="button"
        tabIndex={-1}
        data-testid="token-chip"
        data-index={index}
        data-token-id={token.id}
        data-model-prob={modelMissing ? undefined : token.modelProb}
        data-sampling-prob={token.reported?.samplingProb ? token.samplingProb : undefined}
        data-branch-point={branch ? true : undefined}
        data-lead={lead}
        aria-label={`${JSON.stringify(token.text)}, ${probability}${shown}`}
        aria-pressed={selected}
        className={`${chipBase} ${lead ? leadMarker : ''} cursor-pointer leading-[22px] ${chipClassForMode(token, colorMode)} ${
          selected
            ? 'ring-2 ring-violet-600 dark:ring-violet-300'
            : 'hover:ring-1 hover:ring-slate-500 dark:hover:ring-slate-300'
        }`}
      >
        {chipContent(pieces)}
      </button>
      {lineBreaks(token.text)}
    </>
  )
}

export interface PromptChipProps {
  token: TokenText
  index: number
  /** The model's probability for this prompt token, once the prompt is scored. */
  score?: GeneratedToken
  colorMode?: ColorMode
}

function promptTitle(token: TokenText, index: number, score: GeneratedToken | undefined): string {
  if (!score) return `Prompt token ${token.id}`
  const surprise = -Math.log2(Math.max(score.modelProb, Number.MIN_VALUE))
  return `Prompt token ${token.id}: the model gave it ${formatPercent(score.modelProb)} after the ${index} before it (rank ${score.rank}, ${surprise.toFixed(2)} bits of surprise)`
}

/** A prompt token: neutral, so the tinted generated tokens stand out; tinted once scored. */
export const PromptChip = memo(function PromptChip({
  token,
  index,
  score,
  colorMode = 'probability',
}: PromptChipProps) {
  const { lead, pieces } = chipText(token.text)
  const tint = score
    ? `${chipClassForMode(score, colorMode)} border border-dashed border-slate-600 dark:border-slate-300`
    : 'border border-dashed border-slate-300 text-slate-600 dark:border-slate-600 dark:text-slate-300'
  return (
    <>
      <span
        data-testid="prompt-token-chip"
        data-prompt-index={index}
        data-token-id={token.id}
        data-model-prob={score?.modelProb}
        data-lead={lead}
        title={promptTitle(token, index, score)}
        className={`${chipBase} ${lead ? leadMarker : ''} leading-[20px] ${tint}`}
      >
        {chipContent(pieces)}
      </span>
      {lineBreaks(token.text)}
    </>
  )
})
