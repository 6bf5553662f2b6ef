import type { MarkdownPart } from './markdown-blocks'

/**
 * A long paragraph streamed in pieces (see `markdown-parts`) is drawn as one block per run of
 * pieces between the places where the view was seen to start a new line. A block that ends where
 * a line wrapped anyway looks exactly like the lines it stands for; but a batch of tokens then
 * lays out and paints the last block only, not every line of the paragraph again, and blocks
 * off screen are skipped by the browser.
 */
export interface LineGroup {
  /** Where its first piece starts: stable while the group grows. */
  key: number
  parts: readonly MarkdownPart[]
  /** Lines it was seen to hold: the height of its placeholder while it is skipped. */
  lines: number
}

/**
 * `parts` split before each piece that starts where a line started (`lineStarts`: sorted source
 * offsets of the spaces that begin a line, as the view measured them at its present width).
 */
export function lineGroups(
  parts: readonly MarkdownPart[],
  lineStarts: readonly number[],
): LineGroup[] {
  const starts = new Set(lineStarts)
  const groups: { key: number; parts: MarkdownPart[] }[] = []
  for (const part of parts) {
    const open = groups[groups.length - 1]
    if (open && !starts.has(part.base)) open.parts.push(part)
    else groups.push({ key: part.base, parts: [part] })
  }
  return groups.map((group, i) => {
    const end = groups[i + 1]?.key ?? Infinity
    const inside = lineStarts.filter((at) => at > group.key && at < end).length
    return { ...group, lines: 1 + inside }
  })
}

/** Whether two groups hold the same pieces (pieces are kept objects while a paragraph grows). */
export function sameGroup(a: LineGroup, b: LineGroup): boolean {
  return (
    a.key === b.key &&
    a.lines === b.lines &&
    a.parts.length === b.parts.length &&
    a.parts.every((part, i) => part === b.parts[i])
  )
}
