import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { ErrorBoundary } from './components/ErrorBoundary'
import { applyInitialTheme } from './hooks/useTheme'
import { installCopyHandler } from './lib/copy-selection'
import { warmMarkdownWhenIdle } from './lib/markdown-warm-up'
import './styles.css'

applyInitialTheme()
installCopyHandler()
const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <ErrorBoundary>
      <App />
    </ErrorBoundary>
  </StrictMode>,
)
warmMarkdownWhenIdle()
