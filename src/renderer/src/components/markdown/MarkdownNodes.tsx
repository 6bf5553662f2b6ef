import type { ReactNode } from 'react'
import type { Nodes, PhrasingContent, RootContent, TableCell } from 'mdast'
import { CodeBlock } from './CodeBlock'
import { piecesOf, spanOf, TokenSpans, useMarkdown } from './markdown-context'

/** `skip`: markup before the text that could be mistaken for it (a code span's backticks). */
function Text({ node, value, skip }: { node: Nodes; value: string; skip?: RegExp }) {
  const ctx = useMarkdown()
  const [start, to] = spanOf(node, ctx.base, 0)
  const from = skip ? start + (skip.exec(ctx.source.slice(start, to))?.[0].length ?? 0) : start
  return <TokenSpans pieces={piecesOf(ctx, value, from, to)} />
}

export function Children({ nodes }: { nodes: readonly (RootContent | PhrasingContent)[] }) {
  return nodes.map((node, i) => <MarkdownNode key={i} node={node} />)
}

/** Only https links open (in the user's browser, as the desktop shell allows nothing else). */
function safeHref(url: string): string | null {
  try {
    return new URL(url).protocol === 'https:' ? url : null
  } catch {
    return null
  }
}

export const paragraphClass = 'my-2 first:mt-0 last:mb-0'

const headingClass = [
  'mt-4 mb-2 text-xl font-semibold',
  'mt-4 mb-2 text-lg font-semibold',
  'mt-3 mb-1.5 text-base font-semibold',
  'mt-3 mb-1 text-sm font-semibold',
  'mt-2 mb-1 text-sm font-semibold',
  'mt-2 mb-1 text-sm font-medium',
]

function Cell({ cell, header, align }: { cell: TableCell; header: boolean; align?: string }) {
  const Tag = header ? 'th' : 'td'
  return (
    <Tag
      className={`border border-slate-200 px-2 py-1 dark:border-slate-700 ${header ? 'bg-slate-50 font-semibold dark:bg-slate-800' : ''}`}
      style={align ? { textAlign: align as 'left' | 'right' | 'center' } : undefined}
    >
      <Children nodes={cell.children} />
    </Tag>
  )
}

/** One mdast node as HTML, its text as token spans. */
export function MarkdownNode({ node }: { node: RootContent }): ReactNode {
  switch (node.type) {
    case 'text':
    case 'html':
      return <Text node={node} value={node.value} />
    case 'paragraph':
      return (
        <p className={paragraphClass}>
          <Children nodes={node.children} />
        </p>
      )
    case 'heading': {
      const Tag = `h${node.depth}` as 'h1'
      return (
        <Tag className={`${headingClass[node.depth - 1]} first:mt-0`}>
          <Children nodes={node.children} />
        </Tag>
      )
    }
    case 'emphasis':
      return (
        <em>
          <Children nodes={node.children} />
        </em>
      )
    case 'strong':
      return (
        <strong className="font-semibold">
          <Children nodes={node.children} />
        </strong>
      )
    case 'delete':
      return (
        <del>
          <Children nodes={node.children} />
        </del>
      )
    case 'inlineCode':
      return (
        <code className="rounded bg-slate-100 px-1 py-px font-mono text-[0.9em] dark:bg-slate-800">
          <Text node={node} value={node.value} skip={/^`+/} />
        </code>
      )
    case 'code':
      return <CodeBlock node={node} />
    case 'break':
      return <br />
    case 'thematicBreak':
      return <hr className="my-3 border-slate-200 dark:border-slate-700" />
    case 'blockquote':
      return (
        <blockquote className="my-2 border-l-4 border-slate-300 pl-3 text-slate-600 dark:border-slate-600 dark:text-slate-300">
          <Children nodes={node.children} />
        </blockquote>
      )
    case 'list': {
      const Tag = node.ordered ? 'ol' : 'ul'
      return (
        <Tag
          start={node.ordered && node.start !== 1 ? (node.start ?? undefined) : undefined}
          className={`my-2 pl-6 ${node.ordered ? 'list-decimal' : 'list-disc'} [&_li>p]:my-0`}
        >
          <Children nodes={node.children} />
        </Tag>
      )
    }
    case 'listItem':
      return (
        <li className="my-0.5">
          {typeof node.checked === 'boolean' && (
            <input
              type="checkbox"
              checked={node.checked}
              disabled
              className="mr-1.5 align-middle"
            />
          )}
          <Children nodes={node.children} />
        </li>
      )
    case 'link': {
      const href = safeHref(node.url)
      return href ? (
        <a
          href={href}
          target="_blank"
          rel="noopener noreferrer"
          title={href}
          className="text-violet-700 underline decoration-violet-300 underline-offset-2 dark:text-violet-300 dark:decoration-violet-700"
        >
          <Children nodes={node.children} />
        </a>
      ) : (
        <span title={node.url} className="underline decoration-dotted underline-offset-2">
          <Children nodes={node.children} />
        </span>
      )
    }
    case 'image':
      // Nothing is fetched from a reply; the alt text stands in.
      return (
        <span title={node.url} className="italic">
          <Text node={node} value={node.alt ?? ''} />
        </span>
      )
    case 'table':
      return (
        <div className="my-2 overflow-x-auto">
          <table className="border-collapse text-[0.95em]">
            <tbody>
              {node.children.map((row, r) => (
                <tr key={r}>
                  {row.children.map((cell, c) => (
                    <Cell
                      key={c}
                      cell={cell}
                      header={r === 0}
                      align={node.align?.[c] ?? undefined}
                    />
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )
    default:
      if ('children' in node) return <Children nodes={node.children as RootContent[]} />
      if ('value' in node && typeof node.value === 'string')
        return <Text node={node} value={node.value} />
      return null
  }
}
