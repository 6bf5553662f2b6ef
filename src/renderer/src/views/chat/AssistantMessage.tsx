import { unmeasuredLegend } from '../../lib/reported'
import { memo, useDeferredValue, useMemo, useRef, useState } from 'react'
import type { GeneratedToken } from '../../../../shared/contract'
import type { SessionNode } from '../../../../shared/sessions'
import { leadingThoughtCount } from '../../../../shared/thoughts'
import { CopyButton } from '../../components/CopyButton'
import { MarkdownReply } from '../../components/markdown/MarkdownReply'
import { TokenStream } from '../../components/TokenStream'
import { Spinner } from '../../components/Icons'
import { useStore } from '../../hooks/useStore'
import type { ReplyView } from '../../inspector/prefs'
import { inspectorPrefsStore } from '../../inspector/stores'
import { formatCount, formatRate } from '../../lib/format'
import { ghostButton, mutedText } from '../../lib/ui'
import { RetryIcon } from '../../sessions/SessionIcons'
import { chunksOf } from '../../sessions/records'
import { describeStopReason, type RunState } from '../../stores/run-reducer'
import type { Chunks } from '../../stores/token-chunks'
import { BranchSwitcher } from './BranchSwitcher'
import { ReplyViewToggle } from './ReplyViewSwitch'
import { ThoughtBlock } from './ThoughtBlock'

export interface AssistantMessageProps {
  node: SessionNode
  /** The run writing this reply now, or null when it is finished. */
  live: RunState | null
  position: number
  versions: number
  busy: boolean
  selected: number | null
  /** Shown above the reply, e.g. that old turns were left out. */
  notice: string | null
  onHover: (nodeId: string, index: number | null) => void
  onPick: (nodeId: string, index: number) => void
  onSwitch: (nodeId: string, step: -1 | 1) => void
  onRegenerate: (nodeId: string) => void
}

const empty: never[] = []

function stateOf(node: SessionNode, live: RunState | null) {
  if (live) return live.phase === 'failed' ? 'failed' : live.phase === 'ended' ? 'ended' : 'running'
  if (!node.run) return 'interrupted'
  return node.run.stopReason === 'failed' ? 'failed' : 'ended'
}

/** The tokens of chunks in order, one at a time (a reader that stops early reads no more). */
function* eachToken(chunks: Chunks<GeneratedToken>): Generator<GeneratedToken> {
  for (const chunk of chunks) yield* chunk
}

/**
 * A reply as token chips with the same tints and details as Completion; its reasoning, if any,
 * comes first in a block of its own.
 */
export const AssistantMessage = memo(function AssistantMessage(props: AssistantMessageProps) {
  const { node, live, selected } = props
  const scrollRef = useRef<HTMLDivElement>(null)
  const thoughtScrollRef = useRef<HTMLDivElement>(null)
  const tokens = live ? live.tokens : chunksOf(node.run?.tokens ?? empty)
  const tokenCount = live ? live.tokenCount : (node.run?.tokens.length ?? 0)
  const state = stateOf(node, live)
  const reason = live ? live.stopReason : node.run?.stopReason
  const speed = live ? live.stats?.tokensPerSecond : node.run?.tokensPerSecond
  const waiting = state === 'running' && tokenCount === 0
  const thoughtCount = leadingThoughtCount(eachToken(tokens))
  const answerCount = tokenCount - thoughtCount
  const globalView = useStore(inspectorPrefsStore, (s) => s.replyView)
  const colorMode = useStore(inspectorPrefsStore, (s) => s.colorMode)
  const [ownView, setOwnView] = useState<ReplyView | null>(null)
  // A remote reply whose chips have no tint in this mode says why, as Completion's legend does.
  const unmeasured = unmeasuredLegend(tokens[0]?.[0], colorMode)
  const view = ownView ?? globalView
  const answer = useMemo(() => [...eachToken(tokens)].slice(thoughtCount), [tokens, thoughtCount])
  // Markdown is drawn at the pace the page can take: a batch that arrives while the last one is
  // still being drawn replaces it, and React yields to input between the two.
  const shownAnswer = useDeferredValue(answer)
  // The end of a run, too: the finished reply's whole parse then runs in a task of its own, not
  // in the one that saves the run.
  const shownRunning = useDeferredValue(state === 'running')
  const streamProps = {
    prompt: empty,
    promptCount: 0,
    tokens,
    tokenCount,
    selected,
    onHover: (index: number | null) => props.onHover(node.id, index),
    onPick: (index: number) => props.onPick(node.id, index),
  }
  return (
    <div
      data-testid="chat-message"
      data-role="assistant"
      data-message-id={node.id}
      className="group flex flex-col items-start gap-1"
    >
      {props.notice && (
        <p
          role="status"
          data-testid="dropped-notice"
          className="max-w-[85%] rounded-lg border border-amber-200 bg-amber-50 px-3 py-1.5 text-xs text-amber-900 dark:border-amber-900 dark:bg-amber-950/50 dark:text-amber-100"
        >
          {props.notice}
        </p>
      )}
      <div className="w-full max-w-[92%] rounded-2xl rounded-bl-md border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
        {waiting ? (
          <p role="status" className={`flex items-center gap-2 px-4 py-3 text-sm ${mutedText}`}>
            <Spinner /> Reading the conversation…
          </p>
        ) : tokenCount === 0 ? (
          <p className={`px-4 py-3 text-sm italic ${mutedText}`}>
            {state === 'failed'
              ? 'No reply: the run failed before the first token.'
              : state === 'interrupted'
                ? 'No reply: the page was closed while it was being written.'
                : 'The model ended its turn without writing anything.'}
          </p>
        ) : (
          <>
            {thoughtCount > 0 && (
              <ThoughtBlock
                tokenCount={thoughtCount}
                thinking={state === 'running' && answerCount === 0}
                answered={answerCount > 0}
                holdsSelection={selected !== null && selected < thoughtCount}
              >
                <TokenStream
                  {...streamProps}
                  range={{ from: 0, to: thoughtCount }}
                  running={state === 'running' && answerCount === 0}
                  scrollRef={thoughtScrollRef}
                />
              </ThoughtBlock>
            )}
            {answerCount > 0 && view === 'markdown' ? (
              <MarkdownReply
                cacheKey={node.id}
                tokens={shownAnswer}
                first={thoughtCount}
                running={shownRunning}
                selected={selected}
                colorMode={colorMode}
                onHover={streamProps.onHover}
                onPick={streamProps.onPick}
              />
            ) : answerCount > 0 ? (
              <TokenStream
                {...streamProps}
                range={{ from: thoughtCount, to: Infinity }}
                running={state === 'running'}
                scrollRef={scrollRef}
              />
            ) : (
              state !== 'running' && (
                <p data-testid="no-answer" className={`px-4 py-3 text-sm italic ${mutedText}`}>
                  {reason === 'max-tokens'
                    ? 'The reply reached its token limit while still thinking; raise Max tokens to let it answer.'
                    : 'The reply ended while the model was still thinking.'}
                </p>
              )
            )}
          </>
        )}
      </div>
      <div
        className={`flex min-h-6 flex-wrap items-center gap-x-2 text-xs select-none ${mutedText}`}
      >
        <BranchSwitcher
          position={props.position}
          count={props.versions}
          disabled={props.busy}
          onStep={(step) => props.onSwitch(node.id, step)}
        />
        <span
          data-testid="reply-state"
          data-state={state}
          data-stop-reason={state === 'ended' && reason ? reason : undefined}
          className="tabular-nums"
        >
          {state === 'running'
            ? live?.stopping
              ? 'stopping…'
              : 'writing…'
            : state === 'ended' && reason && reason !== 'failed'
              ? `${formatCount(tokenCount)} tokens · ${describeStopReason(reason)}${reason === 'cancelled' ? ' (partial reply kept)' : ''}`
              : state === 'failed'
                ? `${formatCount(tokenCount)} tokens · failed${live?.error ? `: ${live.error.message}` : ''}`
                : 'interrupted'}
        </span>
        {state === 'ended' && speed ? <span>· {formatRate(speed)}</span> : null}
        {unmeasured && (
          <span data-testid="reply-not-reported" title={unmeasured}>
            · {colorMode === 'entropy' ? 'uncertainty' : 'model probability'} not reported
          </span>
        )}
        {answerCount > 0 && (
          <span className="flex items-center opacity-70 group-focus-within:opacity-100 group-hover:opacity-100">
            <CopyButton
              text={() => answer.map((t) => t.text).join('')}
              data-testid="copy-message"
              title="Copy this reply as the model wrote it"
            />
            <ReplyViewToggle
              view={view}
              // Back to the global choice, it follows that choice again.
              onChange={(next) => setOwnView(next === globalView ? null : next)}
            />
          </span>
        )}
        {state !== 'running' && (
          <button
            type="button"
            data-testid="regenerate"
            className={`${ghostButton} h-6 text-xs opacity-70 group-focus-within:opacity-100 group-hover:opacity-100`}
            disabled={props.busy}
            onClick={() => props.onRegenerate(node.id)}
            title="Write this reply again; this version stays available"
          >
            <RetryIcon className="size-3.5" /> Regenerate
          </button>
        )}
      </div>
    </div>
  )
})
