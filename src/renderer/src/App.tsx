import { AppHeader } from './components/AppHeader'
import { Banners } from './components/Banners'
import { CompletionView } from './components/CompletionView'
import { StatusBar } from './components/StatusBar'
import { useEngineSync } from './hooks/useEngineSync'
import { useSettingsPersistence } from './hooks/useSettingsPersistence'

export function App() {
  useEngineSync()
  useSettingsPersistence()
  return (
    <div className="flex h-screen flex-col bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
      <AppHeader />
      <Banners />
      <CompletionView />
      <StatusBar />
    </div>
  )
}
