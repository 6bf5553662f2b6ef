import { Component, type ErrorInfo, type ReactNode } from 'react'
import { primaryButton } from '../lib/ui'

interface FallbackProps {
  error: unknown
  /** The components the error passed through, innermost first (React's component stack). */
  componentStack?: string
  onReload: () => void
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return `Something that is not an Error was thrown: ${String(error)}`
}

/** What the window shows instead of a blank page once rendering has failed. */
export function ErrorFallback({ error, componentStack, onReload }: FallbackProps) {
  const where = componentStack?.match(/^\s*(?:at|in) (\S+)/m)?.[1]
  return (
    <div
      role="alert"
      data-testid="error-boundary"
      className="flex h-screen flex-col items-center justify-center gap-4 bg-slate-50 p-8 text-slate-900 dark:bg-slate-950 dark:text-slate-100"
    >
      <h1 className="text-lg font-semibold">Tokenscope could not draw this page</h1>
      <p className="max-w-xl text-center text-sm text-slate-600 dark:text-slate-400">
        The window hit an error{where ? ` in ${where}` : ''}. Your sessions are kept by the app;
        reloading the window starts the page again.
      </p>
      <pre
        data-testid="error-boundary-message"
        className="max-w-xl overflow-auto rounded bg-slate-100 p-3 text-xs whitespace-pre-wrap dark:bg-slate-900"
      >
        {errorText(error)}
      </pre>
      <button type="button" className={primaryButton} onClick={onReload}>
        Reload
      </button>
    </div>
  )
}

interface BoundaryProps {
  children: ReactNode
  onReload?: () => void
}

type BoundaryState = { failed: false } | { failed: true; error: unknown; componentStack?: string }

/** Catches a render error anywhere below it, so one broken view is not a white window. */
export class ErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { failed: false }

  static getDerivedStateFromError(error: unknown): BoundaryState {
    return { failed: true, error }
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('Tokenscope: the page failed to render', error, info.componentStack)
    this.setState({ failed: true, error, componentStack: info.componentStack ?? undefined })
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children
    return (
      <ErrorFallback
        error={this.state.error}
        componentStack={this.state.componentStack}
        onReload={this.props.onReload ?? (() => window.location.reload())}
      />
    )
  }
}
