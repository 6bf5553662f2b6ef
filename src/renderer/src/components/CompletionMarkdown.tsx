import { useDeferredValue, useMemo, useRef, type RefObject } from 'react'
import type { GeneratedToken } from '../../../shared/contract'
import { useStickToBottom } from '../hooks/useStickToBottom'
import { useStore } from '../hooks/useStore'
import { inspectorPrefsStore } from '../inspector/stores'
import type { ColorMode } from '../lib/probability-scale'
import { mutedText } from '../lib/ui'
import type { Chunks } from '../stores/token-chunks'
import { MarkdownReply } from './markdown/MarkdownReply'
import { TextViewSwitch } from './TextViewSwitch'
import type { BranchPoints } from './TokenStream'

export interface CompletionMarkdownProps {
  /** Names the text shown (the run or branch), so each batch re-parses only what changed. */
  cacheKey: string
  promptText: string
  tokens: Chunks<GeneratedToken>
  running: boolean
  selected: number | null
  colorMode: ColorMode
  onHover: (index: number | null) => void
  onPick: (index: number) => void
  scrollRef: RefObject<HTMLDivElement | null>
  branchPoints?: BranchPoints
  onSwitchBranch?: (index: number, delta: number) => void
}

/**
 * Completion's output rendered as Markdown, each token a tinted span that hovers and picks like
 * a chip. The prompt comes first as plain text: the continuation is what was generated.
 */
export function CompletionMarkdown(props: CompletionMarkdownProps) {
  const { tokens, scrollRef } = props
  const contentRef = useRef<HTMLDivElement>(null)
  const stick = useStickToBottom(scrollRef, contentRef, 32)
  const flat = useMemo(() => tokens.flat(), [tokens])
  // Drawn at the pace the page can take: a batch that comes while the last is being drawn
  // replaces it, and React yields to input between the two.
  const shown = useDeferredValue(flat)
  // The end of a run, too, so the finished text's whole parse is not part of the run's last task.
  const running = useDeferredValue(props.running)
  return (
    <div
      ref={scrollRef}
      data-testid="output-markdown"
      className="h-full overflow-y-auto [contain:inline-size]"
      onScroll={stick.onScroll}
    >
      <div ref={contentRef} className="max-w-3xl py-1">
        <p
          data-testid="output-prompt"
          title="The prompt: the model continues it"
          className={`mx-4 mt-2 border-l-2 border-slate-200 pl-3 text-sm leading-6 whitespace-pre-wrap select-text dark:border-slate-700 ${mutedText}`}
        >
          {props.promptText}
        </p>
        <div data-testid="output-text">
          <MarkdownReply
            cacheKey={props.cacheKey}
            tokens={shown}
            first={0}
            running={running}
            selected={props.selected}
            colorMode={props.colorMode}
            onHover={props.onHover}
            onPick={props.onPick}
            branchPoints={props.branchPoints}
            onSwitchBranch={props.onSwitchBranch}
          />
        </div>
      </div>
    </div>
  )
}

/** Completion's own choice of Markdown or chips, remembered for next time. */
export function OutputViewSwitch() {
  const current = useStore(inspectorPrefsStore, (s) => s.outputView)
  return (
    <TextViewSwitch
      current={current}
      onChange={(view) => inspectorPrefsStore.dispatch({ type: 'outputView', view })}
      label="Show the output as"
      testIdPrefix="output-view"
      help={{
        markdown: 'The output rendered as Markdown; each token stays tinted and inspectable',
        tokens: 'The output as token chips, whitespace shown',
      }}
    />
  )
}
