import type { TokenText } from '../../../../shared/contract'
import { card, cardTitle, mutedText } from '../../lib/ui'
import { bytesOf, hex } from './tokenizer-format'

/** What one picked token is: its ID, its exact text, its bytes and what kind of token it is. */
export function TokenizerDetails({
  token,
  index,
}: {
  token: TokenText | null
  index: number | null
}) {
  return (
    <aside
      className={`${card} p-4 lg:sticky lg:top-0 lg:w-80 lg:shrink-0`}
      aria-label="Token details"
      data-testid="tokenizer-details"
    >
      <h2 className={cardTitle}>Token</h2>
      {!token || index === null ? (
        <p className={`mt-2 text-sm ${mutedText}`}>Click a token to see its ID, text and bytes.</p>
      ) : (
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className={mutedText}>Index</dt>
          <dd className="tabular-nums">{index + 1}</dd>
          <dt className={mutedText}>ID</dt>
          <dd data-testid="tokenizer-detail-id" className="font-mono tabular-nums">
            {token.id}
          </dd>
          <dt className={mutedText}>Text</dt>
          <dd className="font-mono break-all whitespace-pre-wrap">{JSON.stringify(token.text)}</dd>
          <dt className={mutedText}>Bytes</dt>
          <dd data-testid="tokenizer-detail-bytes" className="font-mono break-all">
            {hex(bytesOf(token)) || '(none)'}
          </dd>
          <dt className={mutedText}>Kind</dt>
          <dd data-testid="tokenizer-detail-kind">{kindOf(token)}</dd>
        </dl>
      )}
    </aside>
  )
}

function kindOf(token: TokenText): string {
  if (token.special)
    return 'Special: a control token of the vocabulary, not text. It is read as one token only when special tokens are parsed.'
  if (token.text.includes('\ufffd'))
    return 'Part of a character: these bytes make a character only together with a neighbouring token’s.'
  return 'Text'
}
