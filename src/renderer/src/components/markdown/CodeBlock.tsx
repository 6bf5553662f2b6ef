import { useContext, useMemo } from 'react'
import type { Code } from 'mdast'
import { highlightSegments } from '../../lib/highlight'
import { withSegments } from '../../lib/markdown-map'
import { CopyButton } from '../CopyButton'
import { MarkdownCtx, piecesOf, spanOf, TokenSpans } from './markdown-context'

/** Where a fenced block's code starts: after its opening fence line. */
function codeStart(source: string, from: number, to: number): number {
  const fenced = /^[ \t]*(```|~~~)/.test(source.slice(from, Math.min(to, from + 8)))
  if (!fenced) return from
  const newline = source.indexOf('\n', from)
  return newline < 0 || newline >= to ? to : newline + 1
}

/** A code block: highlighted, its tokens still inspectable, with a button copying the code exactly. */
export function CodeBlock({ node }: { node: Code }) {
  const ctx = useContext(MarkdownCtx)
  const value = node.value
  const lang = node.lang ?? null
  const pieces = useMemo(() => {
    if (!ctx) return []
    const [start, to] = spanOf(node, ctx.base, 0)
    const tokens = piecesOf(ctx, value, codeStart(ctx.source, start, to), to)
    return withSegments(tokens, highlightSegments(value, lang))
  }, [ctx, node, value, lang])
  return (
    <div
      data-testid="code-block"
      data-language={lang ?? undefined}
      className="my-2 overflow-hidden rounded-lg border border-slate-200 bg-slate-50 dark:border-slate-700 dark:bg-slate-950"
    >
      <div className="flex h-7 items-center border-b border-slate-200 pr-1 pl-3 text-[11px] text-slate-500 select-none dark:border-slate-700 dark:text-slate-400">
        <span className="font-mono">{lang ?? 'text'}</span>
        <CopyButton
          text={() => value}
          data-testid="copy-code"
          title="Copy this code"
          className="ml-auto"
        />
      </div>
      <pre className="hljs overflow-x-auto px-3 py-2 font-mono text-[12.5px] leading-5">
        <code>
          <TokenSpans pieces={pieces} />
        </code>
      </pre>
    </div>
  )
}
