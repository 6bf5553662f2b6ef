import { describe, expect, it } from 'vitest'
import type { SessionSummary } from '../../src/shared/sessions'
import {
  filterSessions,
  freeId,
  initialSessionListState,
  sessionListReducer,
  type SessionListAction,
  type SessionListState,
} from '../../src/renderer/src/sessions/session-list'

const summary = (id: string, title: string, updatedAt: string): SessionSummary => ({
  id,
  title,
  kind: 'chat',
  updatedAt,
})
const a = summary('a', 'What is a token?', '2026-01-01T00:00:00.000Z')
const b = summary('b', 'Sampling with top-p', '2026-01-02T00:00:00.000Z')
const run = (state: SessionListState, ...actions: SessionListAction[]) =>
  actions.reduce(sessionListReducer, state)

describe('session list', () => {
  it('lists newest first and moves a session to the top when it is saved again', () => {
    let state = run(initialSessionListState, { type: 'listed', sessions: [a, b] })
    expect(state.loaded).toBe(true)
    expect(state.sessions.map((s) => s.id)).toEqual(['b', 'a'])
    state = run(state, { type: 'saved', summary: { ...a, updatedAt: '2026-01-03T00:00:00.000Z' } })
    expect(state.sessions.map((s) => s.id)).toEqual(['a', 'b'])
    state = run(state, { type: 'saved', summary: summary('c', 'New', '2026-01-04T00:00:00.000Z') })
    expect(state.sessions.map((s) => s.id)).toEqual(['c', 'a', 'b'])
  })

  it('deletes with an undo that puts it back, and closes it where it was open', () => {
    let state = run(
      initialSessionListState,
      { type: 'listed', sessions: [a, b] },
      { type: 'opened', kind: 'chat', id: 'a' },
      { type: 'deleted', id: 'a' },
    )
    expect(state.sessions.map((s) => s.id)).toEqual(['b'])
    expect(state.undo).toEqual(a)
    expect(state.openChatId).toBeNull()
    state = run(state, { type: 'restored', summary: a })
    expect(state.sessions.map((s) => s.id)).toEqual(['b', 'a'])
    expect(state.undo).toBeNull()
    expect(run(state, { type: 'deleted', id: 'missing' })).toBe(state)
    const dismissed = run(state, { type: 'deleted', id: 'b' }, { type: 'undoDismissed' })
    expect(dismissed.undo).toBeNull()
  })

  it('keeps storage problems until dismissed, and save failures readable', () => {
    const problem = { file: 'x.json', kind: 'corrupt' as const, message: 'x.json was moved aside' }
    let state = run(initialSessionListState, { type: 'problems', problems: [problem] })
    expect(state.problems).toEqual([problem])
    state = run(state, { type: 'problemsDismissed' })
    expect(state.problemsDismissed).toBe(true)
    state = run(state, { type: 'saveState', save: 'failed', error: 'Could not save: disk full' })
    expect(state.save).toBe('failed')
    expect(state.error).toBe('Could not save: disk full')
    state = run(state, { type: 'saveState', save: 'saved' }, { type: 'errorDismissed' })
    expect(state.error).toBeNull()
    expect(state.save).toBe('saved')
  })

  it('searches titles by every word, ignoring case; untitled chats match "new chat"', () => {
    const list = [a, b, summary('c', '', '2026-01-01T00:00:00.000Z')]
    expect(filterSessions(list, '').map((s) => s.id)).toEqual(['a', 'b', 'c'])
    expect(filterSessions(list, 'TOP').map((s) => s.id)).toEqual(['b'])
    expect(filterSessions(list, 'what token').map((s) => s.id)).toEqual(['a'])
    expect(filterSessions(list, 'token top')).toEqual([])
    expect(filterSessions(list, 'new chat').map((s) => s.id)).toEqual(['c'])
  })

  it('gives an imported session a fresh id only when its own is taken', () => {
    let n = 0
    const fresh = () => `fresh-${n++}`
    expect(freeId('x', ['a'], fresh)).toBe('x')
    expect(freeId('a', ['a', 'fresh-0'], fresh)).toBe('fresh-1')
  })
})
