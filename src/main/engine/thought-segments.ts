import { LlamaText, type ChatWrapper, type LlamaModel, type Token } from 'node-llama-cpp'

/** How a chat template marks reasoning ("thinking"), as node-llama-cpp's wrapper describes it. */
export interface ThoughtMarkers {
  /** Text that opens a thought, e.g. "<think>". Empty when the template opens it implicitly. */
  open: string
  /** Text that closes it, e.g. "</think>". */
  close: string
  /** Whitespace the template writes after the closing text (e.g. a new line): still the thought's. */
  closeTrailing: string
  /** Tokens node-llama-cpp appends after the prompt to open a thought on every reply. */
  openingTokens: Token[]
}

/**
 * Reads the thought markers of a chat wrapper. Mirrors node-llama-cpp's LlamaChat: when the
 * wrapper says a reply opens with a thought (reasoning templates that end the generation prompt
 * inside <think>), the opening text is appended to the prompt and the reply starts inside it.
 */
export function thoughtMarkersOf(wrapper: ChatWrapper, model: LlamaModel): ThoughtMarkers | null {
  const thought = wrapper.settings.segments?.thought
  if (!thought?.suffix) return null
  const suffix = LlamaText(thought.suffix).toString().trimStart()
  const close = suffix.trimEnd()
  if (close === '') return null
  const closeTrailing = suffix.slice(close.length)
  const { prefix } = thought
  if (typeof prefix === 'object' && !LlamaText.isLlamaText(prefix)) {
    return { open: '', close, closeTrailing, openingTokens: [] }
  }
  const prefixText = LlamaText(prefix)
  return {
    open: prefixText.toString().trim(),
    close,
    closeTrailing,
    openingTokens: thought.openOnResponseStart ? prefixText.tokenize(model.tokenizer) : [],
  }
}

/**
 * Tells for each generated token whether it belongs to a thought: from the token that completes
 * the opening text through the one that completes the closing text, markers included, and the
 * whitespace the template puts after it (so the answer starts with its first word, as in
 * node-llama-cpp's own segments).
 */
export class ThoughtTracker {
  private inside: boolean
  private recent = ''
  /** What is left of the whitespace after a closing marker. */
  private trailing = ''

  constructor(
    private readonly markers: ThoughtMarkers | null,
    startsInside: boolean,
  ) {
    this.inside = markers !== null && startsInside
  }

  /** Feeds the next generated token's text; returns whether that token is part of a thought. */
  next(text: string): boolean {
    const markers = this.markers
    if (!markers) return false
    if (this.trailing !== '') {
      const consumed = text !== '' && this.trailing.startsWith(text)
      this.trailing = consumed ? this.trailing.slice(text.length) : ''
      if (consumed) return true
    }
    const longest = Math.max(markers.open.length, markers.close.length)
    this.recent = (this.recent + text).slice(-longest)
    if (this.inside) {
      if (this.recent.endsWith(markers.close)) {
        this.inside = false
        this.recent = ''
        this.trailing = markers.closeTrailing
      }
      return true
    }
    if (markers.open !== '' && this.recent.endsWith(markers.open)) {
      this.inside = true
      this.recent = ''
      return true
    }
    return false
  }
}
