import { describe, expect, it } from 'vitest'
import { ThoughtTracker, type ThoughtMarkers } from '../../src/main/engine/thought-segments'

const think: ThoughtMarkers = {
  open: '<think>',
  close: '</think>',
  closeTrailing: '',
  openingTokens: [],
}
const marks = (tracker: ThoughtTracker, texts: string[]) => texts.map((t) => tracker.next(t))

describe('ThoughtTracker', () => {
  it('keeps a reply that starts inside a thought there until the closing marker, inclusive', () => {
    const tracker = new ThoughtTracker(think, true)
    expect(marks(tracker, ['Hmm', ' ok', '</think>', '\n', 'Answer'])).toEqual([
      true,
      true,
      true,
      false,
      false,
    ])
  })

  it('opens a thought where the model writes the opening marker', () => {
    const tracker = new ThoughtTracker(think, false)
    expect(marks(tracker, ['Hi', '<think>', 'plan', '</think>', 'done'])).toEqual([
      false,
      true,
      true,
      true,
      false,
    ])
  })

  it('finds markers spelled over several tokens', () => {
    const tracker = new ThoughtTracker(think, true)
    expect(marks(tracker, ['x', '</', 'think', '>', 'y'])).toEqual([true, true, true, true, false])
  })

  it('never marks anything without markers, even when asked to start inside', () => {
    const tracker = new ThoughtTracker(null, true)
    expect(marks(tracker, ['<think>', 'a', '</think>'])).toEqual([false, false, false])
  })

  it('handles templates that open the thought implicitly (no opening text)', () => {
    const tracker = new ThoughtTracker({ ...think, open: '' }, true)
    expect(marks(tracker, ['a', '</think>', 'b', '<think>'])).toEqual([true, true, false, false])
  })

  it('counts the new line the template writes after the closing marker as part of the thought', () => {
    const tracker = new ThoughtTracker({ ...think, closeTrailing: '\n' }, true)
    expect(marks(tracker, ['a', '</think>', '\n', 'Yes', '\n'])).toEqual([
      true,
      true,
      true,
      false,
      false,
    ])
    const other = new ThoughtTracker({ ...think, closeTrailing: '\n' }, true)
    expect(marks(other, ['a', '</think>', 'Yes'])).toEqual([true, true, false])
  })
})
