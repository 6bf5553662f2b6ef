import { useRef } from 'react'
import type { GeneratedToken } from '../../../shared/contract'
import type { SamplingSettings } from '../../../shared/schemas'
import { useAnchoredPosition } from '../hooks/useAnchoredPosition'
import { explainProbabilities } from '../lib/explain'
import { formatPercent, formatProbability } from '../lib/format'
import { useStore } from '../hooks/useStore'
import { inspectorPrefsStore } from '../inspector/stores'
import { chipClassForMode } from '../lib/probability-scale'
import { ghostButton, mutedText } from '../lib/ui'
import { contextPositionLabel, tokenOfLabel } from '../lib/numbering'
import { showWhitespace } from '../lib/whitespace'
import { modelProbNotReported, notReported } from '../lib/reported'
import { boundedEntropyTitle, formatEntropy, isEntropyBounded } from '../lib/entropy-bound'
import { useExactEntropy } from '../inspector/ExactEntropy'
import { AlternativesList } from './AlternativesList'
import { TokenPageGate } from './TokenPageGate'
import { CloseIcon, PinIcon } from './Icons'

export interface TokenDetailsProps {
  token: GeneratedToken
  index: number
  /** How many tokens the text has, for "token k of N". */
  count?: number
  sampling: SamplingSettings | null
  pinned: boolean
  findAnchor: () => Element | null
  onClose: () => void
  /** The ids before the token: with them, an exact entropy read in the inspector shows here too. */
  contextBefore?: () => readonly number[]
}

function Fact(props: {
  label: string
  value: string
  raw?: number
  testId: string
  hint?: string
}) {
  return (
    <div className="rounded-lg bg-slate-50 px-2.5 py-2 dark:bg-slate-800/60">
      <dt className={`text-[11px] ${mutedText}`} title={props.hint}>
        {props.label}
      </dt>
      <dd
        data-testid={props.testId}
        data-value={props.raw}
        className="mt-0.5 text-sm font-semibold tabular-nums"
        title={props.raw !== undefined ? formatProbability(props.raw) : undefined}
      >
        {props.value}
      </dd>
    </div>
  )
}

/** Everything known about one generated token, beside it; hover shows it, a click pins it. */
export function TokenDetails({
  token,
  index,
  count,
  sampling,
  pinned,
  findAnchor,
  onClose,
  contextBefore,
}: TokenDetailsProps) {
  const exact = useExactEntropy(token, contextBefore)
  const panelRef = useRef<HTMLDivElement>(null)
  // Tinted like the chip it describes: by the colour mode the reader picked.
  const colorMode = useStore(inspectorPrefsStore, (s) => s.colorMode)
  const placement = useAnchoredPosition(findAnchor, panelRef, index)
  return (
    <div
      ref={panelRef}
      data-testid="token-details"
      data-token-index={index}
      data-pinned={pinned || undefined}
      role={pinned ? 'dialog' : 'tooltip'}
      aria-label={`Token details: ${showWhitespace(token.text)}`}
      style={{
        left: placement?.left ?? 0,
        top: placement?.top ?? 0,
        visibility: placement ? 'visible' : 'hidden',
      }}
      className={`fixed z-50 w-[22rem] max-w-[calc(100vw-1rem)] rounded-xl border bg-white p-3 text-slate-900 shadow-xl shadow-slate-900/10 dark:bg-slate-900 dark:text-slate-100 dark:shadow-black/40 ${
        pinned
          ? 'pointer-events-auto border-violet-300 dark:border-violet-700'
          : 'pointer-events-none border-slate-200 dark:border-slate-700'
      }`}
    >
      <div className="flex items-start gap-2">
        <span
          data-testid="detail-token-text"
          className={`rounded-md px-2 py-0.5 font-mono text-base whitespace-pre ${chipClassForMode(token, colorMode)}`}
        >
          {showWhitespace(token.text)}
        </span>
        <div className="min-w-0 flex-1 pt-0.5 text-xs">
          <p>
            Token ID{' '}
            <span data-testid="detail-token-id" className="font-mono font-semibold">
              {token.reported && !token.reported.tokenId ? notReported : token.id}
            </span>
          </p>
          <p className={mutedText}>
            {tokenOfLabel(index, count)}, {contextPositionLabel(token)}
          </p>
        </div>
        {pinned ? (
          <button
            type="button"
            className={`${ghostButton} -mt-1 -mr-1 h-7 w-7 px-0`}
            onClick={onClose}
            aria-label="Close token details (Esc)"
            title="Close (Esc)"
          >
            <CloseIcon />
          </button>
        ) : (
          <span className={`flex items-center gap-1 text-[11px] ${mutedText}`}>
            <PinIcon className="size-3" /> click to pin
          </span>
        )}
      </div>

      <TokenFacts token={token} sampling={sampling} exactEntropyBits={exact.bits} />
      <TokenPageGate token={token}>
        <div className="mt-3 border-t border-slate-100 pt-2.5 dark:border-slate-800">
          <AlternativesList token={token} />
        </div>
      </TokenPageGate>
    </div>
  )
}

export interface TokenFactsProps {
  token: GeneratedToken
  sampling: SamplingSettings | null
  /** The exact entropy of a bounded token's step, once read on demand (ExactEntropy.tsx). */
  exactEntropyBits?: number
}

/** Both probabilities, rank and entropy of a token, and why the probabilities differ. */
export function TokenFacts({ token, sampling, exactEntropyBits }: TokenFactsProps) {
  const { reported } = token
  const measured = (key: 'modelProb' | 'samplingProb' | 'entropy' | 'rank') =>
    reported === undefined || reported[key]
  const bounded = isEntropyBounded(token) && exactEntropyBits === undefined
  return (
    <>
      <dl className="mt-3 grid grid-cols-2 gap-2">
        <Fact
          label="Model probability"
          value={measured('modelProb') ? formatPercent(token.modelProb) : notReported}
          raw={measured('modelProb') ? token.modelProb : undefined}
          testId="detail-model-prob"
          hint={
            reported && !reported.modelProb
              ? modelProbNotReported
              : reported
                ? "The remote server's log-probability of this token (raw softmax over its vocabulary)"
                : "Softmax of the model's raw scores over the whole vocabulary"
          }
        />
        <Fact
          label="Sampling probability"
          value={measured('samplingProb') ? formatPercent(token.samplingProb) : notReported}
          raw={measured('samplingProb') ? token.samplingProb : undefined}
          testId="detail-sampling-prob"
          hint={
            reported && !reported.samplingProb
              ? 'The remote server did not report the probability after its sampler chain'
              : reported
                ? "The remote server's log-probability of this token after its sampler chain"
                : 'Probability after the sampler chain (top-k, top-p, min-p, temperature)'
          }
        />
        <div className="col-span-2 flex gap-4 px-1 text-xs">
          <span>
            <span className={mutedText}>Rank </span>
            <span data-testid="detail-rank" className="font-semibold tabular-nums">
              {measured('rank')
                ? token.rank
                : `below the top ${reported?.alternatives ?? token.alternatives.length}`}
            </span>
            <span className={mutedText}>
              {measured('rank') && token.rank === 1 ? ' (the top choice)' : ''}
            </span>
          </span>
          <span
            title={
              !measured('entropy')
                ? 'Entropy needs every probability; the remote server reported only its top alternatives'
                : bounded
                  ? boundedEntropyTitle(token)
                  : exactEntropyBits !== undefined
                    ? "Entropy of the model's distribution at this step, over every token of its vocabulary: exact, read on demand by evaluating the context before this token again"
                    : "Entropy of the model's distribution at this step, over every token of its vocabulary (exact, from the same evaluation that chose this token): how unsure the model was"
            }
          >
            <span className={mutedText}>Uncertainty </span>
            <span
              data-testid="detail-entropy"
              data-value={
                !measured('entropy') ? undefined : (exactEntropyBits ?? token.entropyBits)
              }
              data-bounded={bounded || undefined}
              className="font-semibold tabular-nums"
            >
              {!measured('entropy')
                ? notReported
                : exactEntropyBits !== undefined
                  ? `${exactEntropyBits.toFixed(2)} bits`
                  : formatEntropy(token)}
            </span>
            {exactEntropyBits !== undefined && <span className={mutedText}> (exact)</span>}
            {bounded && (
              <span data-testid="detail-entropy-range" className={mutedText}>
                {' '}
                (≤ {token.entropyUpperBits!.toFixed(2)})
              </span>
            )}
          </span>
        </div>
      </dl>
      <p className={`mt-2 px-1 text-xs leading-snug ${mutedText}`}>
        {reported
          ? `Reported by the remote server: this token's log-probability${reported.modelProb ? '' : ' after its sampler chain'} and its top ${reported.alternatives} alternatives. What it did not report is shown as “${notReported}”.`
          : explainProbabilities(token, sampling)}
      </p>
    </>
  )
}

/**
 * A token's bytes in hex: its own where the engine sent them (a token holding part of a
 * character), else the UTF-8 of its text. Null when the text hides them and none were recorded.
 */
export function tokenBytes(token: { text: string; bytes?: number[] }): string | null {
  const bytes =
    token.bytes ??
    (token.text.includes('\ufffd') ? null : Array.from(new TextEncoder().encode(token.text)))
  return bytes && bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')
}
