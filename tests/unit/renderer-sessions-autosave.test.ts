import { describe, expect, it } from 'vitest'
import { defaultSampling } from '../../src/shared/schemas'
import type { SessionDocument } from '../../src/shared/sessions'
import { createAutosaver, type SaveOptions } from '../../src/renderer/src/sessions/autosave'
import { newSession } from '../../src/renderer/src/sessions/conversation'

const doc = (id: string, title: string): SessionDocument => ({
  ...newSession({
    id,
    kind: 'chat',
    settings: { sampling: defaultSampling, maxTokens: 8, topN: 10 },
    model: null,
    now: '2026-01-01T00:00:00.000Z',
  }),
  title,
})

/** A save that takes as long as the test wants, like a sliced save of a long run. */
function controlledSave() {
  const calls: { title: string; urgent: boolean; signal: AbortSignal; finish: () => void }[] = []
  const save = (d: SessionDocument, options: SaveOptions) =>
    new Promise<void>((resolve, reject) => {
      const call = {
        title: d.title,
        urgent: options.urgent,
        signal: options.signal,
        finish: () => (options.signal.aborted ? reject(options.signal.reason) : resolve()),
      }
      calls.push(call)
      if (options.urgent) resolve()
    })
  return { calls, save }
}

describe('autosave when the page goes away', () => {
  it('sends the document being written and everything waiting at once, and calls the slow write off', async () => {
    const { calls, save } = controlledSave()
    const states: string[] = []
    const saver = createAutosaver(save, (state) => states.push(state), 10_000)
    saver.schedule(doc('a', 'a1'))
    const flushing = saver.flush()
    expect(calls.map((c) => c.title)).toEqual(['a1'])
    saver.schedule(doc('a', 'a2'))
    saver.schedule(doc('b', 'b1'))

    const urgent = saver.flushUrgently()
    // Everything was handed over before flushUrgently returned, oldest first.
    expect(calls.map((c) => `${c.title}${c.urgent ? '!' : ''}`)).toEqual([
      'a1',
      'a1!',
      'a2!',
      'b1!',
    ])
    expect(calls[0]?.signal.aborted).toBe(true)
    await urgent
    expect(states.at(-1)).toBe('saved')

    // The called-off write ends in an error that is nobody's concern.
    calls[0]?.finish()
    await flushing
    expect(states.at(-1)).toBe('saved')
    expect(states).not.toContain('failed')
  })

  it('makes flush urgent while the page is leaving', async () => {
    const { calls, save } = controlledSave()
    let leaving = false
    const saver = createAutosaver(
      save,
      () => undefined,
      10_000,
      () => leaving,
    )
    saver.schedule(doc('a', 'a1'))
    leaving = true
    void saver.flush()
    expect(calls.map((c) => `${c.title}${c.urgent ? '!' : ''}`)).toEqual(['a1!'])

    leaving = false
    saver.schedule(doc('a', 'a2'))
    void saver.flush()
    expect(calls.map((c) => `${c.title}${c.urgent ? '!' : ''}`)).toEqual(['a1!', 'a2'])
    calls[1]?.finish()
    await saver.flush()
  })

  it('reports a failed urgent save', async () => {
    const saver = createAutosaver(
      async (d) => {
        if (d.title === 'bad') throw new Error('gone')
      },
      (state, _doc, error) => states.push(error ? `${state}: ${String(error)}` : state),
      10_000,
    )
    const states: string[] = []
    saver.schedule(doc('a', 'bad'))
    await saver.flushUrgently()
    expect(states.at(-1)).toBe('failed: Error: gone')
    // Nothing waits any more.
    await saver.flushUrgently()
    expect(states).toHaveLength(3)
  })

  it('names the documents not saved yet: the one being written, then those waiting', async () => {
    const { calls, save } = controlledSave()
    const saver = createAutosaver(save, () => undefined, 10_000)
    expect(saver.unfinished()).toEqual([])
    saver.schedule(doc('a', 'a1'))
    const flushing = saver.flush()
    saver.schedule(doc('b', 'b1'))
    expect(saver.unfinished().map((d) => d.title)).toEqual(['a1', 'b1'])
    calls[0]?.finish()
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(saver.unfinished().map((d) => d.title)).toEqual(['b1'])
    calls[1]?.finish()
    await flushing
    expect(saver.unfinished()).toEqual([])
  })
})
