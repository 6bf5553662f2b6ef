/**
 * Ctrl/Cmd+C copies what the model wrote, not what the screen draws: chips show whitespace as
 * markers, Markdown hides its markup, and switches and labels sit between the words. Each view
 * of text marks its root element and registers how to read the model's text for a range of it;
 * one `copy` listener joins those texts for the roots the selection touches.
 */

export interface CopySource {
  /** The text the part of `root` inside `range` stands for. */
  textIn(range: Range, root: Element): string
}

const sources = new WeakMap<Element, CopySource>()

export const copyRootAttribute = 'data-copy-root'

export function registerCopySource(root: Element, source: CopySource): void {
  sources.set(root, source)
}

/** The elements in `root` matching `selector` that the range touches, in document order. */
function touched(range: Range, root: Element, selector: string): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(selector)].filter((el) => range.intersectsNode(el))
}

/** Where a boundary of the range falls inside `el`'s text, or null when it is outside `el`. */
function offsetInside(el: Element, container: Node, offset: number): number | null {
  if (!el.contains(container)) return null
  if (container.nodeType !== Node.TEXT_NODE) return container === el && offset === 0 ? 0 : null
  let at = 0
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node === container) return at + offset
    at += node.textContent?.length ?? 0
  }
  return null
}

/**
 * Text drawn as spans carrying `data-src`, the offset in `source` of their first character (the
 * Markdown view): the copy is the source from the first touched character to the last, markup
 * between them included.
 */
export function sourceSpans(source: () => string): CopySource {
  return {
    textIn(range, root) {
      const spans = touched(range, root, '[data-src]')
      const first = spans[0]
      const last = spans[spans.length - 1]
      if (!first || !last) return ''
      // A selection that starts before the view (or ends after it) takes the markup at its ends.
      const text = source()
      const startOffset = offsetInside(first, range.startContainer, range.startOffset)
      const from = root.contains(range.startContainer)
        ? Number(first.dataset.src) + (startOffset ?? 0)
        : 0
      const endOffset = offsetInside(last, range.endContainer, range.endOffset)
      const to = root.contains(range.endContainer)
        ? Number(last.dataset.src) + (endOffset ?? last.textContent?.length ?? 0)
        : text.length
      return text.slice(from, Math.max(from, to))
    },
  }
}

/** Chips, whole tokens each: the copy is the texts of the touched chips, joined. */
export function chipTexts(textOf: (chip: HTMLElement) => string | undefined): CopySource {
  return {
    textIn(range, root) {
      return touched(range, root, '[data-index], [data-prompt-index]')
        .map((chip) => textOf(chip) ?? '')
        .join('')
    },
  }
}

/** Text already exact on screen (a user's message): the touched part of it. */
export const plainText: CopySource = {
  textIn(range, root) {
    const part = document.createRange()
    part.selectNodeContents(root)
    if (root.contains(range.startContainer)) part.setStart(range.startContainer, range.startOffset)
    if (root.contains(range.endContainer)) part.setEnd(range.endContainer, range.endOffset)
    return part.toString()
  },
}

function isTextEntry(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA'].includes(target.tagName))
  )
}

/** The model's text for the current selection, or null when it touches no registered view. */
export function selectedModelText(selection: Selection | null): string | null {
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null
  const range = selection.getRangeAt(0)
  const roots = [...document.querySelectorAll(`[${copyRootAttribute}]`)].filter(
    (root) => sources.has(root) && range.intersectsNode(root) && root.checkVisibility(),
  )
  const texts = roots
    .map((root) => sources.get(root)?.textIn(range, root) ?? '')
    .filter((text) => text !== '')
  // Only labels or buttons selected: the browser copies what it shows.
  return texts.length > 0 ? texts.join('\n\n') : null
}

/** Installs the one `copy` listener; returns its removal. */
export function installCopyHandler(): () => void {
  const onCopy = (event: ClipboardEvent) => {
    if (isTextEntry(event.target) || !event.clipboardData) return
    const text = selectedModelText(document.getSelection())
    if (text === null) return
    event.clipboardData.setData('text/plain', text)
    event.preventDefault()
  }
  document.addEventListener('copy', onCopy)
  return () => document.removeEventListener('copy', onCopy)
}

/** How far (px) the pointer may move between press and release for it to still be a click. */
const clickSlop = 4

/**
 * Whether a click is the end of selecting text (a drag, or a double or triple click that selects
 * a word or a line), which should leave the selection for copying and do nothing else. A plain
 * click on text that is already selected is not: it acts, as a click on a selected link does.
 */
export function clickEndsSelection(
  pressedAt: { x: number; y: number } | null,
  click: { clientX: number; clientY: number; detail: number },
): boolean {
  if (document.getSelection()?.isCollapsed ?? true) return false
  if (click.detail > 1 || !pressedAt) return true
  return Math.hypot(click.clientX - pressedAt.x, click.clientY - pressedAt.y) > clickSlop
}
