import { describe, expect, it } from 'vitest'
import { threadChoiceText } from '../../src/renderer/src/lib/thread-choice-text'

describe('the thread count in the status bar and Models', () => {
  it('says how the count was chosen', () => {
    expect(
      threadChoiceText({
        count: 1,
        how: 'measured',
        trials: [
          { threads: 1, msPerToken: 0.84 },
          { threads: 2, msPerToken: 7.5 },
        ],
      }),
    ).toBe(
      '1 thread, the fastest when timed at load (a token took 1 thread 0.8 ms, 2 threads 7.5 ms).',
    )
    expect(threadChoiceText({ count: 4, how: 'set', trials: [] })).toBe(
      '4 threads, as set in the load options.',
    )
    expect(threadChoiceText({ count: 8, how: 'offloaded', trials: [] })).toBe(
      '8 threads, every core: a GPU does the maths.',
    )
  })
})
