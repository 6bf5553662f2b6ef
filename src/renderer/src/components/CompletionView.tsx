import { useState } from 'react'
import { useStore } from '../hooks/useStore'
import { InspectorDockContext } from '../inspector/InspectorDock'
import { InspectorSheet, useInspectorDock } from '../inspector/useInspectorDock'
import { SidePanel } from '../inspector/SidePanel'
import { startRun } from '../services/actions'
import { drafts } from '../stores/drafts'
import { useTokenCount } from '../hooks/useTokenCount'
import { completionSessionStore } from '../sessions/stores'
import { ContextGauge } from './ContextGauge'
import { OutputPanel } from './OutputPanel'
import { PromptEditor } from './PromptEditor'
import { SamplingPanel } from './SamplingPanel'

/** Raw completion: a prompt, the model's continuation token by token, and the knobs. */
export function CompletionView() {
  // A session opened from the sidebar brings its prompt back; else what was typed stays.
  const restored = useStore(completionSessionStore, (s) => s.restored)
  const [prompt, setPromptState] = useState(() =>
    drafts.completion?.restored === restored
      ? drafts.completion.text
      : completionSessionStore.getState().promptText,
  )
  const setPrompt = (text: string) => {
    drafts.completion = { text, restored: completionSessionStore.getState().restored }
    setPromptState(text)
  }
  const tokens = useTokenCount([prompt])
  const [shownRestore, setShownRestore] = useState(restored)
  if (shownRestore !== restored) {
    setShownRestore(restored)
    setPromptState(completionSessionStore.getState().promptText)
  }
  const dock = useInspectorDock()
  return (
    <InspectorDockContext.Provider value={dock.context}>
      <div className="flex min-h-0 flex-1 flex-col">
        <main
          id="completion"
          className="grid min-h-0 flex-1 grid-cols-1 gap-4 overflow-y-auto p-4 wide:grid-cols-[minmax(0,1fr)_22rem] wide:overflow-hidden"
        >
          {/* Stacked on a narrow window: the prompt and the tokens fill it, the settings follow. */}
          <div className="flex min-h-[max(28rem,calc(100dvh_-_7rem))] flex-col gap-4 wide:min-h-0">
            <PromptEditor prompt={prompt} onPromptChange={setPrompt} tokens={tokens} />
            <OutputPanel
              onExample={(example) => {
                setPrompt(example)
                startRun(example)
              }}
            />
          </div>
          <SidePanel store={dock.store} inspectorRef={dock.setSideSlot}>
            <ContextGauge draft={tokens} />
            <SamplingPanel />
          </SidePanel>
        </main>
        {!dock.wide && <InspectorSheet store={dock.store} slotRef={dock.setSheetSlot} />}
      </div>
    </InspectorDockContext.Provider>
  )
}
