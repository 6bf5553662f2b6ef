import { AppHeader } from './components/AppHeader'
import { Banners } from './components/Banners'
import { CompletionView } from './components/CompletionView'
import { NoModelBanner } from './components/NoModelBanner'
import { StatusBar } from './components/StatusBar'
import { useEngineSync } from './hooks/useEngineSync'
import { useFileDropGuard } from './hooks/useFileDropGuard'
import { useRemoteChoicePersistence } from './hooks/useRemoteChoicePersistence'
import { useSettingsPersistence } from './hooks/useSettingsPersistence'
import { useStore } from './hooks/useStore'
import { useViewFromHash } from './hooks/useViewFromHash'
import { closeSidebarDrawer, useSidebarMode } from './layout/sidebar'
import { SessionsSidebar } from './sessions/SessionsSidebar'
import { ShortcutsSheet } from './shortcuts/ShortcutsSheet'
import { useShortcuts } from './shortcuts/useShortcuts'
import { viewStore } from './stores/view'
import { ChatView } from './views/chat/ChatView'
import { CompareView } from './views/compare/CompareView'
import { EmbeddingsView } from './views/learn/EmbeddingsView'
import { PipelineView } from './views/learn/PipelineView'
import { ScoreView } from './views/learn/ScoreView'
import { TokenizerView } from './views/learn/TokenizerView'
import { ModelsView } from './views/models/ModelsView'

export function App() {
  useEngineSync()
  useSettingsPersistence()
  useRemoteChoicePersistence()
  useViewFromHash()
  useFileDropGuard()
  const view = useStore(viewStore, (current) => current)
  const [shortcuts, setShortcuts] = useShortcuts()
  const sidebar = useSidebarMode()
  return (
    // Clipped, never scrolled: an element placed against the shell from inside a view's scroll box
    // (a screen-reader-only label) would otherwise make the document taller than the window, and
    // a wheel past the end of a view would scroll the whole app up out of the window.
    <div className="flex h-screen flex-col overflow-clip bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
      <AppHeader sidebar={sidebar} />
      <Banners />
      <div className="relative flex min-h-0 flex-1">
        <SessionsSidebar mode={sidebar} />
        {sidebar === 'drawer' && (
          // Over a narrow view the drawer is modal-ish: a click beside it puts it away.
          <div
            aria-hidden="true"
            data-testid="sidebar-backdrop"
            className="absolute inset-0 z-30 bg-slate-900/20 dark:bg-black/40"
            onMouseDown={closeSidebarDrawer}
          />
        )}
        <div className="flex min-h-0 min-w-0 flex-1 flex-col">
          {view !== 'models' && <NoModelBanner view={view} />}
          {view === 'completion' && <CompletionView />}
          {view === 'chat' && <ChatView />}
          {view === 'compare' && <CompareView />}
          {view === 'tokenizer' && <TokenizerView />}
          {view === 'score' && <ScoreView />}
          {view === 'embeddings' && <EmbeddingsView />}
          {view === 'pipeline' && <PipelineView />}
          {view === 'models' && <ModelsView />}
        </div>
      </div>
      <StatusBar onShortcuts={() => setShortcuts(true)} />
      {shortcuts && <ShortcutsSheet onClose={() => setShortcuts(false)} />}
    </div>
  )
}
