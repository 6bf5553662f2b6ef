import type { Nodes } from 'mdast'
import type { MarkdownBlock } from './markdown-blocks'

/**
 * What a block draws, written out: every node's kind and settings, and every text with where it
 * sits in the reply. Two parses of the same text that give the same signature draw the same
 * thing; a paragraph parsed in pieces joins the texts that meet where its pieces meet.
 */
function signature(block: MarkdownBlock): string {
  const out: string[] = []
  let text: { from: number; to: number; value: string } | null = null
  const flush = () => {
    if (text) out.push(`text ${text.from}-${text.to} ${JSON.stringify(text.value)}`)
    text = null
  }
  const walk = (node: Nodes, base: number) => {
    const from = base + (node.position?.start.offset ?? 0)
    const to = base + (node.position?.end.offset ?? 0)
    if (node.type === 'text') {
      if (text && text.to === from) text = { ...text, to, value: text.value + node.value }
      else {
        flush()
        text = { from, to, value: node.value }
      }
      return
    }
    flush()
    const {
      type,
      position: _position,
      children: _children,
      ...settings
    } = node as Nodes & {
      children?: unknown
    }
    out.push(`${type} ${from}-${to} ${JSON.stringify(settings)}`)
    if ('children' in node) for (const child of node.children) walk(child, base)
    flush()
    out.push('/')
  }
  const first = block.parts?.[0]
  const last = block.parts?.[block.parts.length - 1]
  if (block.parts && first && last) {
    const from = first.base + (first.node.position?.start.offset ?? 0)
    const to = last.base + (last.node.position?.end.offset ?? 0)
    out.push(`paragraph ${from}-${to} {}`)
    for (const part of block.parts) for (const child of part.node.children) walk(child, part.base)
    flush()
    out.push('/')
  } else walk(block.node, block.base)
  return out.join('\n')
}

/** Whether `streamed`, a block parsed while the reply streamed, draws the same as `whole`. */
export function sameRendering(streamed: MarkdownBlock, whole: MarkdownBlock): boolean {
  return signature(streamed) === signature(whole)
}
