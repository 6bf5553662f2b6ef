import { useEffect, useRef, useState } from 'react'
import { SamplingPanel } from '../../components/SamplingPanel'
import { ColorModeSwitch } from '../../inspector/ColorModeSwitch'
import { InspectorDockContext } from '../../inspector/InspectorDock'
import { SidePanel } from '../../inspector/SidePanel'
import { InspectorSheet, useInspectorDock } from '../../inspector/useInspectorDock'
import { useStore } from '../../hooks/useStore'
import { mutedText } from '../../lib/ui'
import { visibleMessages } from '../../sessions/conversation'
import { drafts } from '../../stores/drafts'
import { sendMessage } from './chat-actions'
import { chatStore } from './chat-store'
import { remoteEngineStore } from '../../stores/remote-engine'
import { ChatComposer } from './ChatComposer'
import { RemoteEngineBadge, RemoteGaugeNote } from '../../components/RemoteEngineBadge'
import { ChatEmpty } from './ChatEmpty'
import { ChatGauge } from './ChatGauge'
import { ChatTranscript } from './ChatTranscript'
import { ReplyViewSwitch } from './ReplyViewSwitch'
import { SystemPrompt } from './SystemPrompt'
import { usePrepareChat } from './usePrepareChat'

/** node-llama-cpp names its wrappers; "JinjaTemplate" means the model file's own Jinja template. */
function templateLabel(wrapperName: string): string {
  return wrapperName === 'JinjaTemplate' ? 'the model’s Jinja template' : `${wrapperName} template`
}

/** Multi-turn chat with the model's own template. */
export function ChatView() {
  const [draft, setDraftState] = useState(() => drafts.chat)
  const setDraft = (text: string) => {
    drafts.chat = text
    setDraftState(text)
  }
  const inputRef = useRef<HTMLTextAreaElement>(null)
  const docId = useStore(chatStore, (s) => s.doc.id)
  const title = useStore(chatStore, (s) => s.doc.title)
  const empty = useStore(chatStore, (s) => visibleMessages(s.doc).length === 0)
  const template = useStore(chatStore, (s) => Object.values(s.parts).at(-1)?.template ?? null)
  const remote = useStore(remoteEngineStore, (s) => s.choice !== null)
  usePrepareChat(remote)

  // A new or reopened conversation is ready to type into.
  useEffect(() => {
    inputRef.current?.focus()
  }, [docId])

  const dock = useInspectorDock()
  return (
    <InspectorDockContext.Provider value={dock.context}>
      <div className="flex min-h-0 flex-1 flex-col">
        <main
          id="chat"
          className="grid min-h-0 flex-1 grid-cols-1 overflow-y-auto wide:grid-cols-[minmax(0,1fr)_22rem] wide:overflow-hidden"
        >
          {/* Stacked on a narrow window: the conversation fills it, the settings follow. */}
          <section
            aria-label="Conversation"
            className="flex min-h-[max(24rem,calc(100dvh_-_5rem))] flex-col wide:min-h-0"
          >
            <div className="flex h-10 shrink-0 items-center gap-3 border-b border-slate-200 bg-white px-4 dark:border-slate-800 dark:bg-slate-900">
              <h1 data-testid="chat-title" className="min-w-0 truncate text-sm font-semibold">
                {title || 'New chat'}
              </h1>
              <RemoteEngineBadge />
              {template && !remote && (
                <span
                  className={`shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-[11px] dark:bg-slate-800 ${mutedText}`}
                  title="The chat template that turned the conversation into the model's prompt"
                >
                  {templateLabel(template)}
                </span>
              )}
              <div className="ml-auto flex shrink-0 items-center gap-2">
                <ColorModeSwitch />
                <ReplyViewSwitch />
              </div>
            </div>
            <SystemPrompt />
            {empty ? (
              <div className="min-h-0 flex-1 overflow-y-auto">
                <ChatEmpty onExample={(question) => sendMessage(question)} />
              </div>
            ) : (
              <ChatTranscript />
            )}
            <ChatComposer draft={draft} onDraftChange={setDraft} inputRef={inputRef} />
          </section>
          <div className="border-slate-200 p-4 wide:grid wide:min-h-0 wide:grid-rows-[minmax(0,1fr)] wide:border-l dark:border-slate-800">
            <SidePanel store={dock.store} inspectorRef={dock.setSideSlot}>
              {remote ? <RemoteGaugeNote /> : <ChatGauge />}
              <SamplingPanel />
            </SidePanel>
          </div>
        </main>
        {!dock.wide && <InspectorSheet store={dock.store} slotRef={dock.setSheetSlot} />}
      </div>
    </InspectorDockContext.Provider>
  )
}
