import { countOf } from '../lib/format'
import type { TokenCount } from '../hooks/useTokenCount'

/** "123 tokens", dimmed while the text has changed since it was counted. */
export function TokenCountText({ tokens, testId }: { tokens: TokenCount; testId: string }) {
  if (tokens.count === null) return null
  return (
    <span
      data-testid={testId}
      data-count={tokens.count}
      data-current={tokens.current ? true : undefined}
      title="Tokens of the loaded model, counted as you type"
      className={tokens.current ? '' : 'opacity-60'}
    >
      {countOf(tokens.count, 'token')}
    </span>
  )
}
