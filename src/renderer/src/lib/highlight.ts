import type { Element, ElementContent, RootContent } from 'hast'
import bash from 'highlight.js/lib/languages/bash'
import cpp from 'highlight.js/lib/languages/cpp'
import css from 'highlight.js/lib/languages/css'
import javascript from 'highlight.js/lib/languages/javascript'
import json from 'highlight.js/lib/languages/json'
import python from 'highlight.js/lib/languages/python'
import rust from 'highlight.js/lib/languages/rust'
import sql from 'highlight.js/lib/languages/sql'
import typescript from 'highlight.js/lib/languages/typescript'
import xml from 'highlight.js/lib/languages/xml'
import { createLowlight } from 'lowlight'
import type { Segment } from './markdown-map'

// A handful of languages keeps the bundle small; others are shown plain.
const lowlight = createLowlight({
  bash,
  cpp,
  css,
  javascript,
  json,
  python,
  rust,
  sql,
  typescript,
  xml,
})

function classOf(node: Element): string {
  const names = node.properties.className
  return Array.isArray(names) ? names.join(' ') : ''
}

function flatten(
  nodes: readonly (RootContent | ElementContent)[],
  className: string,
  out: Segment[],
) {
  for (const node of nodes) {
    if (node.type === 'text') {
      const last = out[out.length - 1]
      if (last && last.className === className) last.text += node.value
      else out.push({ text: node.value, className })
    } else if (node.type === 'element') flatten(node.children, classOf(node) || className, out)
  }
}

/** The code cut into runs of one highlight class each ('' where plain); all plain if unknown. */
export function highlightSegments(code: string, language: string | null | undefined): Segment[] {
  const name = language?.toLowerCase()
  if (!name || !lowlight.registered(name)) return [{ text: code, className: '' }]
  const out: Segment[] = []
  flatten(lowlight.highlight(name, code).children, '', out)
  return out
}
