import { CopyButton } from '../../components/CopyButton'
import { ghostButton } from '../../lib/ui'

export interface ApiKeyNoticeProps {
  apiKey: string
  /** The API's base URL, for the example; null while it is off. */
  url: string | null
  onDone: () => void
}

/** A key just made: shown this once, with a way to copy it and an example that uses it. */
export function ApiKeyNotice({ apiKey, url, onDone }: ApiKeyNoticeProps) {
  const example = `curl ${url ?? 'http://127.0.0.1:8480/v1'}/models -H "Authorization: Bearer ${apiKey}"`
  return (
    <div
      role="status"
      data-testid="api-key-notice"
      className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <p className="font-medium">
        Your API key. Copy it now: Tokenscope keeps only its hash and cannot show it again.
      </p>
      <div className="flex items-center gap-2">
        <code
          data-testid="api-key"
          className="min-w-0 flex-1 truncate rounded bg-white/70 px-2 py-1 font-mono text-xs select-all dark:bg-black/30"
        >
          {apiKey}
        </code>
        <CopyButton text={() => apiKey} data-testid="copy-api-key" title="Copy the key" />
      </div>
      <details className="text-xs">
        <summary className="cursor-pointer">Try it</summary>
        <div className="mt-1 flex items-start gap-2">
          <code className="min-w-0 flex-1 rounded bg-white/70 px-2 py-1 font-mono break-all dark:bg-black/30">
            {example}
          </code>
          <CopyButton text={() => example} title="Copy the command" />
        </div>
      </details>
      <div className="flex justify-end">
        <button type="button" className={ghostButton} onClick={onDone} data-testid="api-key-done">
          I have copied it
        </button>
      </div>
    </div>
  )
}
