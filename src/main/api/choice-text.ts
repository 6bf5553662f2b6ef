import type { GeneratedToken } from '../../shared/contract'
import { endMarker } from '../../shared/conversation'
import { isThoughtMarker } from '../../shared/thoughts'

/** What one choice adds to the response as its tokens arrive. */
export interface ChoiceDelta {
  content: string
  /** Reasoning prose (chat only): thought tokens without their markers. */
  reasoning: string
  /** The tokens behind `content`, in order. */
  contentTokens: GeneratedToken[]
  /** Every thought token, markers included. */
  reasoningTokens: GeneratedToken[]
}

const emptyDelta = (): ChoiceDelta => ({
  content: '',
  reasoning: '',
  contentTokens: [],
  reasoningTokens: [],
})

/**
 * Turns one choice's tokens into the text a client gets: thought tokens go to the reasoning
 * (when `splitThoughts`), the rest to the content, and the content ends before the first stop
 * sequence. Text that could be the start of a stop sequence is held back until it is known not
 * to be one, so a stream never sends what the stop sequence would have cut. Tokens are released
 * whole, so each piece of content comes with the tokens (and log-probabilities) that made it;
 * the token that completes a stop sequence is reported when part of its text is content. A
 * token that reads like an end-of-turn mark (`<|im_end|>`, `</s>`) is held until the next one: if
 * the run ends with it, it ended the reply and is no part of it (as the Chat view's history
 * leaves it out).
 */
export class ChoiceText {
  /** Set once a stop sequence was found: later tokens are ignored. */
  stopped = false
  private held = ''
  private heldTokens: GeneratedToken[] = []
  private reasoningStarted = false
  private reasoningSpace = ''

  constructor(
    private readonly stops: readonly string[],
    private readonly splitThoughts: boolean,
  ) {}

  push(tokens: readonly GeneratedToken[]): ChoiceDelta {
    const delta = emptyDelta()
    for (const token of tokens) {
      if (this.stopped) break
      if (this.splitThoughts && token.segment === 'thought') this.addThought(token, delta)
      else {
        this.held += token.text
        this.heldTokens.push(token)
        this.release(delta, false)
      }
    }
    return delta
  }

  /**
   * The run ended: what was held back is content after all, but for the end-of-turn token that
   * ended it (`endedByModel`: the run's reason is end-of-generation).
   */
  finish(endedByModel: boolean): ChoiceDelta {
    const delta = emptyDelta()
    if (this.stopped) return delta
    const last = this.heldTokens[this.heldTokens.length - 1]
    if (endedByModel && last && endMarker.test(last.text.trim())) {
      this.heldTokens.pop()
      this.held = this.held.slice(0, this.held.length - last.text.length)
    }
    this.release(delta, true)
    return delta
  }

  private addThought(token: GeneratedToken, delta: ChoiceDelta) {
    delta.reasoningTokens.push(token)
    if (isThoughtMarker(token.text)) return
    // Like the whole thought's prose (thoughtProse): no leading or trailing white space.
    let text = this.reasoningSpace + token.text
    if (!this.reasoningStarted) text = text.trimStart()
    if (text === '') return
    const body = text.trimEnd()
    this.reasoningSpace = text.slice(body.length)
    if (body === '') return
    this.reasoningStarted = true
    delta.reasoning += body
  }

  private release(delta: ChoiceDelta, all: boolean) {
    const stop = this.firstStop()
    if (stop >= 0) {
      delta.content += this.held.slice(0, stop)
      let offset = 0
      for (const token of this.heldTokens) {
        if (offset >= stop) break
        delta.contentTokens.push(token)
        offset += token.text.length
      }
      this.stopped = true
      this.held = ''
      this.heldTokens = []
      return
    }
    const last = this.heldTokens[this.heldTokens.length - 1]
    const endHeld = !all && last && endMarker.test(last.text.trim()) ? last.text.length : 0
    const safe = all
      ? this.held.length
      : this.held.length - Math.max(endHeld, this.possibleStopStart())
    let offset = 0
    let count = 0
    for (const token of this.heldTokens) {
      if (offset + token.text.length > safe) break
      offset += token.text.length
      count++
    }
    if (count === 0) return
    delta.content += this.held.slice(0, offset)
    delta.contentTokens.push(...this.heldTokens.slice(0, count))
    this.held = this.held.slice(offset)
    this.heldTokens = this.heldTokens.slice(count)
  }

  /** Where the earliest stop sequence starts in the held text, or -1. */
  private firstStop(): number {
    let first = -1
    for (const stop of this.stops) {
      const at = this.held.indexOf(stop)
      if (at >= 0 && (first < 0 || at < first)) first = at
    }
    return first
  }

  /** The length of the longest end of the held text that a stop sequence starts with. */
  private possibleStopStart(): number {
    let longest = 0
    for (const stop of this.stops) {
      for (let length = Math.min(stop.length - 1, this.held.length); length > longest; length--) {
        if (this.held.endsWith(stop.slice(0, length))) {
          longest = length
          break
        }
      }
    }
    return longest
  }
}
