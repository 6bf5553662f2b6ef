import { useId, useState } from 'react'
import type { GeneratedToken, TokenCandidate } from '../../../shared/contract'
import type { ChainSettings } from '../../../shared/lab'
import { remoteTopLogprobs } from '../../../shared/remote'
import { limits, type SamplingSettings } from '../../../shared/schemas'
import { AlternativesList } from '../components/AlternativesList'
import { CloseIcon } from '../components/Icons'
import { TokenPageGate } from '../components/TokenPageGate'
import { TokenFacts, tokenBytes } from '../components/TokenDetails'
import { useStore } from '../hooks/useStore'
import { contextPosition, positionReported, tokenOfLabel } from '../lib/numbering'
import { chipClassForMode } from '../lib/probability-scale'
import { focusRing, ghostButton, mutedText } from '../lib/ui'
import { isRemoteToken, labReasonFor, notReported, remoteBranchReason } from '../lib/reported'
import { showWhitespace } from '../lib/whitespace'
import { minTopN } from './prefs'
import { SamplingLab } from './SamplingLab'
import type { EntropySaver } from '../sessions/entropy-saves'
import { ExactEntropy, useExactEntropy } from './ExactEntropy'
import { inspectorPrefsStore } from './stores'

export interface TokenInspectorProps {
  token: GeneratedToken
  /** Index of the token among the generated ones. */
  index: number
  count: number
  sampling: SamplingSettings | null
  onMove: (delta: number) => void
  onClose: () => void
  /** Branch from an alternative; left out where branching is not offered. */
  onPick?: (candidate: TokenCandidate) => void
  pickDisabledReason?: string | null
  branchedIds?: ReadonlySet<number>
  pickHint?: string
  /** The Lab's settings, kept by the caller so they stay while the selection moves. */
  labSettings: ChainSettings
  onLabChange: (settings: ChainSettings) => void
  /** The context's token ids before this token, so the Lab can show the run's penalties. */
  contextBefore?: () => readonly number[]
  /** Where an exact entropy read on demand is saved: the token's session, as it is now. */
  entropySaver?: () => EntropySaver | null
}

type Tab = 'token' | 'lab'

const tabClass = (active: boolean) =>
  `rounded-md px-2.5 py-1 text-xs font-medium ${focusRing} ${
    active
      ? 'bg-violet-100 text-violet-800 dark:bg-violet-900/70 dark:text-violet-100'
      : 'text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'
  }`

/** The selected token in a docked panel: what it is, its alternatives, and the Sampling Lab. */
export function TokenInspector(props: TokenInspectorProps) {
  const { token, index, count, sampling } = props
  const [chosenTab, setTab] = useState<Tab>('token')
  const remote = isRemoteToken(token)
  const tab = remote ? 'token' : chosenTab
  const colorMode = useStore(inspectorPrefsStore, (s) => s.colorMode)
  const tabsId = useId()
  const exact = useExactEntropy(token, props.contextBefore)
  return (
    <aside
      data-testid="token-details"
      data-token-index={index}
      data-pinned="true"
      aria-label={`Token inspector: ${showWhitespace(token.text)}`}
      className="flex min-h-0 flex-1 flex-col"
    >
      <div className="flex items-center gap-2 border-b border-slate-100 px-3 py-2 dark:border-slate-800">
        <span
          className={`max-w-[9rem] truncate rounded-md px-2 py-0.5 font-mono text-sm whitespace-pre ${chipClassForMode(token, colorMode)}`}
        >
          {showWhitespace(token.text)}
        </span>
        <span
          data-testid="inspector-number"
          className={`text-xs tabular-nums ${mutedText}`}
          title={
            positionReported(token)
              ? `Its place in the context: ${contextPosition(token)} (after the prompt)`
              : 'Its place in the context: not reported (the server tokenized the prompt)'
          }
        >
          {tokenOfLabel(index, count)}
        </span>
        <div className="ml-auto flex items-center">
          <button
            type="button"
            data-testid="inspector-prev"
            className={`${ghostButton} w-7 px-0`}
            disabled={index <= 0}
            onClick={() => props.onMove(-1)}
            aria-label="Previous token (←)"
            title="Previous token (←)"
          >
            ‹
          </button>
          <button
            type="button"
            data-testid="inspector-next"
            className={`${ghostButton} w-7 px-0`}
            disabled={index >= count - 1}
            onClick={() => props.onMove(1)}
            aria-label="Next token (→)"
            title="Next token (→)"
          >
            ›
          </button>
          <button
            type="button"
            className={`${ghostButton} w-7 px-0`}
            onClick={props.onClose}
            aria-label="Close the inspector (Esc)"
            title="Close (Esc)"
          >
            <CloseIcon />
          </button>
        </div>
      </div>
      <div role="tablist" aria-label="Inspector views" className="flex gap-1 px-3 pt-2">
        <button
          type="button"
          role="tab"
          id={`${tabsId}-token`}
          data-testid="inspector-tab-token"
          aria-selected={tab === 'token'}
          className={tabClass(tab === 'token')}
          onClick={() => setTab('token')}
        >
          Token
        </button>
        <button
          type="button"
          role="tab"
          id={`${tabsId}-lab`}
          data-testid="inspector-tab-lab"
          aria-selected={tab === 'lab'}
          className={`${tabClass(tab === 'lab')} disabled:cursor-not-allowed disabled:opacity-50`}
          disabled={remote}
          title={remote ? labReasonFor(token) : undefined}
          onClick={() => setTab('lab')}
        >
          Sampling Lab
        </button>
      </div>
      <div
        role="tabpanel"
        aria-labelledby={`${tabsId}-${tab}`}
        className="min-h-0 flex-1 overflow-y-auto px-3 pt-2 pb-3"
      >
        {tab === 'token' ? (
          <>
            <TokenIdentity token={token} />
            <TokenFacts token={token} sampling={sampling} exactEntropyBits={exact.bits} />
            {props.contextBefore && (
              <ExactEntropy
                token={token}
                contextBefore={props.contextBefore}
                saver={props.entropySaver}
              />
            )}
            <TokenPageGate token={token}>
              <div className="mt-3 border-t border-slate-100 pt-2.5 dark:border-slate-800">
                <AlternativesList
                  token={token}
                  onPick={props.onPick}
                  pickDisabledReason={remote ? remoteBranchReason : props.pickDisabledReason}
                  branchedIds={props.branchedIds}
                  pickHint={props.pickHint}
                />
                <TopNControl stored={token.alternatives.length} remote={remote} />
              </div>
            </TokenPageGate>
          </>
        ) : (
          <TokenPageGate token={token}>
            <SamplingLab
              token={token}
              settings={props.labSettings}
              onChange={props.onLabChange}
              runSettings={sampling}
              contextBefore={props.contextBefore}
            />
          </TokenPageGate>
        )}
      </div>
    </aside>
  )
}

/** ID, context position, and the text with its whitespace and bytes made visible. */
function TokenIdentity({ token }: { token: GeneratedToken }) {
  const item = 'flex items-baseline gap-1.5'
  const bytes = tokenBytes(token)
  return (
    <dl className="flex flex-wrap gap-x-4 gap-y-0.5 text-xs">
      <div className={item}>
        <dt className={mutedText}>Token ID</dt>
        <dd data-testid="detail-token-id" className="font-mono font-semibold">
          {token.reported && !token.reported.tokenId ? notReported : token.id}
        </dd>
      </div>
      <div className={item}>
        <dt className={mutedText}>Context position</dt>
        <dd data-testid="detail-context-position" className="tabular-nums">
          {positionReported(token) ? contextPosition(token) : notReported}
        </dd>
      </div>
      <div className={item}>
        <dt className={mutedText}>Text</dt>
        <dd data-testid="detail-text" className="font-mono break-all whitespace-pre">
          {JSON.stringify(token.text)}
        </dd>
      </div>
      <div className={item} title="The bytes this token holds, in hex (UTF-8)">
        <dt className={mutedText}>Bytes</dt>
        <dd data-testid="detail-bytes" className="font-mono break-all">
          {bytes === null ? 'not recorded' : bytes || '(none)'}
          {token.text.includes('\ufffd') && (
            <span data-testid="detail-partial" className={`block font-sans ${mutedText}`}>
              Part of a character that spans tokens: its bytes only make a character together with
              the next token's.
            </span>
          )}
        </dd>
      </div>
    </dl>
  )
}

/** How many alternatives the next run reports per token. */
function TopNControl({ stored, remote }: { stored: number; remote: boolean }) {
  const topN = useStore(inspectorPrefsStore, (s) => s.topN)
  const id = useId()
  // What is being typed, kept until it is a valid N, so "2" on the way to "25" does not snap to 5.
  const [draft, setDraft] = useState<string | null>(null)
  return (
    <div className={`mt-2 flex items-center gap-2 px-1.5 text-[11px] ${mutedText}`}>
      <label htmlFor={id}>Alternatives per token</label>
      <input
        id={id}
        type="number"
        data-testid="top-n-input"
        min={minTopN}
        max={limits.topN}
        value={draft ?? String(topN)}
        onChange={(event) => {
          setDraft(event.target.value)
          const value = Number(event.target.value)
          if (Number.isInteger(value) && value >= minTopN && value <= limits.topN) {
            inspectorPrefsStore.dispatch({ type: 'topN', value })
          }
        }}
        onBlur={() => setDraft(null)}
        className={`h-6 w-14 rounded border border-slate-300 bg-white px-1 text-right text-xs text-slate-900 tabular-nums dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100 ${focusRing}`}
      />
      <span>
        {remote
          ? topN > remoteTopLogprobs
            ? `(a remote server reports at most ${remoteTopLogprobs})`
            : ''
          : topN === stored
            ? ''
            : `(from the next run; this one has ${stored})`}
      </span>
    </div>
  )
}
