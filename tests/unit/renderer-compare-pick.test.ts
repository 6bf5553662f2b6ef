import { describe, expect, it } from 'vitest'
import {
  comparePickReducer,
  pickedIn,
  type ComparePick,
} from '../../src/renderer/src/views/compare/compare-pick'

const pick: ComparePick = { key: 'c1', runId: 'r1', index: 3 }

describe("Compare's one picked token", () => {
  it('picks, moves, puts down, and a second click on the same token puts it down', () => {
    let state = comparePickReducer(null, { type: 'toggled', pick })
    expect(state).toEqual(pick)
    state = comparePickReducer(state, { type: 'moved', index: 5 })
    expect(state).toEqual({ ...pick, index: 5 })
    expect(comparePickReducer(state, { type: 'moved', index: 5 })).toBe(state)
    expect(comparePickReducer(state, { type: 'toggled', pick: { ...pick, index: 5 } })).toBeNull()
    expect(comparePickReducer(state, { type: 'cleared' })).toBeNull()
    expect(comparePickReducer(null, { type: 'moved', index: 1 })).toBeNull()
  })

  it('moves to another column on a pick there, and belongs to the run it was made in', () => {
    const other = { key: 'c2', runId: 'r2', index: 0 }
    expect(comparePickReducer(pick, { type: 'toggled', pick: other })).toEqual(other)
    expect(pickedIn(pick, 'c1', 'r1')).toBe(3)
    expect(pickedIn(pick, 'c2', 'r1')).toBeNull()
    // The column ran again: the pick was in its earlier text.
    expect(pickedIn(pick, 'c1', 'r9')).toBeNull()
    expect(pickedIn(null, 'c1', 'r1')).toBeNull()
  })
})
