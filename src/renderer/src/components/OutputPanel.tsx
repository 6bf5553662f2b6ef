import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { contextIdsBefore } from '../lib/context-ids'
import type { ChainSettings } from '../../../shared/lab'
import type { TokenText } from '../../../shared/contract'
import { defaultSampling } from '../../../shared/schemas'
import { useStore } from '../hooks/useStore'
import { useHoveredIndex } from '../hooks/useHoveredIndex'
import { BranchBar } from '../inspector/BranchBar'
import { ColorModeSwitch } from '../inspector/ColorModeSwitch'
import { branchStore, inspectorPrefsStore } from '../inspector/stores'
import { DockedInspector } from '../inspector/InspectorDock'
import { useWideWindow } from '../layout/useWideWindow'
import { TokenInspector } from '../inspector/TokenInspector'
import { branchedIdsAt, useBranchView } from '../inspector/useBranchView'
import { startBranch, stopRun, switchBranch } from '../services/actions'
import { countsLabel } from '../lib/numbering'
import { card, cardTitle, mutedText } from '../lib/ui'
import { treeCounts } from '../stores/tree-counts'
import { isActive } from '../stores/run-status'
import { runStore } from '../stores/stores'
import { chunkedItemAt, toChunks } from '../stores/token-chunks'
import { CopyButton } from './CopyButton'
import { EmptyState } from './EmptyState'
import { Spinner } from './Icons'
import { ProbabilityLegend } from './ProbabilityLegend'
import { PromptScoreBar, usePromptScores } from './PromptScoreBar'
import { completionEntropySaver } from '../sessions/entropy-saves'
import { TokenDetails } from './TokenDetails'
import { TokenStream } from './TokenStream'
import { CompletionMarkdown, OutputViewSwitch } from './CompletionMarkdown'
import { usePickKeys } from '../inspector/usePickKeys'
import { tokenAfterKey } from '../lib/token-keys'
import { boundedLegend, unmeasuredLegend } from '../lib/reported'

const noPrompt: readonly TokenText[] = []

export interface OutputPanelProps {
  onExample: (prompt: string) => void
}

/**
 * The token stream of the current run (the shown branch of it), the details of the token under
 * the pointer, and the inspector of the selected token, drawn where the view docks it.
 */
export function OutputPanel({ onExample }: OutputPanelProps) {
  const run = useStore(runStore, (s) => s)
  const colorMode = useStore(inspectorPrefsStore, (s) => s.colorMode)
  const outputView = useStore(inspectorPrefsStore, (s) => s.outputView)
  const view = useBranchView(run)
  const running = isActive(run)
  const { hovered, hover, setHovered } = useHoveredIndex()
  const [pinned, setPinned] = useState<number | null>(null)
  const [selectionRoot, setSelectionRoot] = useState(view.rootId)
  const [labSettings, setLabSettings] = useState<ChainSettings | null>(null)
  const scrollRef = useRef<HTMLDivElement>(null)

  // A new first run starts with nothing selected (adjusting state during render, not in an
  // effect); a branch keeps the selection, so the picked alternative stays in the inspector.
  if (selectionRoot !== view.rootId) {
    setSelectionRoot(view.rootId)
    setHovered(null)
    setPinned(null)
    setLabSettings(null)
  }
  const count = view.tokenCount
  const selected = pinned !== null && pinned < count ? pinned : null
  const shown = selected ?? hovered
  const token = shown === null ? undefined : chunkedItemAt(view.tokens, shown)

  const pick = useCallback(
    (index: number) => setPinned((current) => (current === index ? null : index)),
    [],
  )

  const moveTo = useCallback(
    (to: (current: number) => number) => {
      setPinned((current) => {
        if (current === null) return current
        const next = Math.min(count - 1, Math.max(0, to(current)))
        scrollRef.current
          ?.querySelector(`[data-index="${next}"]`)
          ?.scrollIntoView({ block: 'nearest' })
        return next
      })
    },
    [count],
  )
  usePickKeys({
    picked: pinned !== null,
    step: (key) => moveTo((current) => tokenAfterKey(key, current, 0, count - 1) ?? current),
    close: () => {
      setPinned(null)
      setHovered(null)
    },
    idleEscape: () => (isActive(runStore.getState()) ? stopRun() : setHovered(null)),
  })

  // On a narrow window the inspector's sheet shortens the view, and a window narrowing under a
  // picked token does too: once that is laid out, the token is brought back into sight. (A wide
  // window keeps the tokens where they are, and the pick stays cheap.)
  const wide = useWideWindow()
  useEffect(() => {
    if (selected === null || wide) return
    const frame = requestAnimationFrame(() =>
      scrollRef.current
        ?.querySelector(`[data-index="${selected}"]`)
        ?.scrollIntoView({ block: 'nearest' }),
    )
    return () => cancelAnimationFrame(frame)
  }, [selected, wide])

  const findAnchor = useCallback(
    () =>
      shown === null ? null : (scrollRef.current?.querySelector(`[data-index="${shown}"]`) ?? null),
    [shown],
  )
  const treePrompt = view.active ? view.tree.prompt : noPrompt
  const prompt = useMemo(() => toChunks(treePrompt), [treePrompt])
  const promptCount = treePrompt.length
  const promptText = view.active ? view.tree.promptText : run.promptText
  const promptScore = usePromptScores(promptText, prompt)
  const nothingYet = promptCount === 0 && count === 0
  const remoteRun = view.tokens[0]?.[0]?.reported !== undefined
  const empty = run.phase === 'idle' || (run.phase === 'failed' && nothingYet)
  const lab = labSettings ?? run.sampling ?? defaultSampling
  const { runs, branches } = view.active ? treeCounts(view.tree) : { runs: 1, branches: 0 }
  const shownNode = view.active ? view.tree.nodes[view.tree.activeId ?? ''] : undefined
  const seed = (shownNode ? shownNode.sampling : run.sampling)?.seed

  return (
    <section aria-labelledby="output-title" className={`${card} flex min-h-0 flex-1 flex-col`}>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-slate-100 px-4 py-2.5 dark:border-slate-800">
        <h2 id="output-title" className={cardTitle}>
          Tokens
        </h2>
        {!empty && (
          <span data-testid="output-counts" className={`text-xs tabular-nums ${mutedText}`}>
            {countsLabel({
              prompt: promptCount === 0 && remoteRun ? null : promptCount,
              generated: count,
            })}
            {runs > 1 && ` · ${runs} runs`}
            {branches > 0 && ` · ${branches} ${branches === 1 ? 'branch' : 'branches'}`}
            {seed !== undefined && (
              <span data-testid="run-seed" data-seed={seed} title="The seed this run drew with">
                {' '}
                · seed {seed}
              </span>
            )}
          </span>
        )}
        {/* Two groups, so a narrow panel wraps the colour controls to a line of their own. */}
        <div className="ml-auto flex items-center gap-x-3">
          {count > 0 && (
            <CopyButton
              text={() =>
                view.tokens
                  .flat()
                  .map((t) => t.text)
                  .join('')
              }
              data-testid="copy-output"
              title="Copy the generated text as the model wrote it"
            />
          )}
          <OutputViewSwitch />
        </div>
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
          {outputView === 'tokens' && promptCount > 1 && !running && (
            <PromptScoreBar promptText={promptText} {...promptScore} />
          )}
          <ColorModeSwitch />
          <ProbabilityLegend
            mode={colorMode}
            prompt={outputView === 'tokens'}
            unmeasured={unmeasuredLegend(view.tokens[0]?.[0], colorMode)}
            bounded={boundedLegend(view.tokens[0]?.[0], colorMode)}
          />
        </div>
      </div>
      {view.branch && (
        <BranchBar
          tree={view.tree}
          branch={view.branch}
          onShowOriginal={() => {
            const first = view.tree.order[0]
            if (first) branchStore.dispatch({ type: 'activated', id: first })
          }}
        />
      )}
      <div className="min-h-0 flex-1">
        {empty ? (
          <EmptyState onExample={onExample} />
        ) : run.phase === 'starting' && nothingYet ? (
          <p role="status" className={`flex items-center gap-2 px-4 py-4 text-sm ${mutedText}`}>
            <Spinner /> Reading the prompt…
          </p>
        ) : outputView === 'markdown' ? (
          <CompletionMarkdown
            cacheKey={view.tree.activeId ?? run.runId ?? 'completion'}
            promptText={view.active ? view.tree.promptText : run.promptText}
            tokens={view.tokens}
            running={running}
            selected={shown}
            colorMode={colorMode}
            onHover={hover}
            onPick={pick}
            scrollRef={scrollRef}
            branchPoints={view.branchPoints}
            onSwitchBranch={switchBranch}
          />
        ) : (
          <TokenStream
            prompt={prompt}
            promptCount={promptCount}
            tokens={view.tokens}
            tokenCount={count}
            running={running}
            selected={shown}
            onHover={hover}
            onPick={pick}
            onStep={setPinned}
            scrollRef={scrollRef}
            colorMode={colorMode}
            branchPoints={view.branchPoints}
            onSwitchBranch={switchBranch}
            promptScores={promptScore.scores}
          />
        )}
      </div>
      <DockedInspector index={token !== undefined && selected !== null ? selected : null}>
        {token && selected !== null && (
          <TokenInspector
            token={token}
            index={selected}
            count={count}
            sampling={run.sampling}
            onMove={(delta) => moveTo((current) => current + delta)}
            onClose={() => setPinned(null)}
            onPick={view.active ? (candidate) => startBranch(selected, candidate) : undefined}
            pickDisabledReason={
              running ? 'Wait for the run to finish (or stop it) before branching.' : null
            }
            branchedIds={view.active ? branchedIdsAt(view.tree, selected) : undefined}
            labSettings={lab}
            onLabChange={setLabSettings}
            contextBefore={() => contextIdsBefore(prompt, view.tokens, selected)}
            entropySaver={view.active ? () => completionEntropySaver(selected) : undefined}
          />
        )}
      </DockedInspector>
      {token && shown !== null && selected === null && (
        <TokenDetails
          token={token}
          index={shown}
          count={count}
          sampling={run.sampling}
          pinned={false}
          findAnchor={findAnchor}
          onClose={() => setPinned(null)}
          contextBefore={() => contextIdsBefore(prompt, view.tokens, shown)}
        />
      )}
    </section>
  )
}
