import { describe, expect, it } from 'vitest'
import { dockReducer, type DockState } from '../../src/renderer/src/inspector/dock-store'
import {
  defaultLayoutPrefs,
  layoutPrefsReducer,
  parseLayoutPrefs,
} from '../../src/renderer/src/layout/layout-prefs'

describe('layout preferences', () => {
  it('reads back what was saved, part by part, and falls back on anything else', () => {
    const folded = layoutPrefsReducer(defaultLayoutPrefs, { type: 'sidebar', open: false })
    expect(parseLayoutPrefs(JSON.stringify(folded))).toEqual({
      sidebar: false,
      compareStats: false,
    })
    expect(parseLayoutPrefs(JSON.stringify({ sidebar: 'no', compareStats: true }))).toEqual({
      sidebar: true,
      compareStats: true,
    })
    expect(parseLayoutPrefs('{not json')).toEqual(defaultLayoutPrefs)
    expect(parseLayoutPrefs(null)).toEqual(defaultLayoutPrefs)
  })

  it('keeps the same state object when nothing changes, so nothing is saved or drawn again', () => {
    const state = layoutPrefsReducer(defaultLayoutPrefs, { type: 'sidebar', open: true })
    expect(state).toBe(defaultLayoutPrefs)
    expect(layoutPrefsReducer(state, { type: 'compareStats', open: false })).toBe(state)
  })
})

describe('the inspector dock', () => {
  const start: DockState = { tab: 'settings', inspecting: false }

  it('shows the inspector on a pick and the settings again once nothing is picked', () => {
    const open = dockReducer(start, { type: 'opened' })
    expect(open).toEqual({ tab: 'inspector', inspecting: true })
    const aside = dockReducer(open, { type: 'tab', tab: 'settings' })
    expect(aside).toEqual({ tab: 'settings', inspecting: true })
    // Another pick brings the inspector back.
    expect(dockReducer(aside, { type: 'opened' })).toEqual(open)
    expect(dockReducer(open, { type: 'closed' })).toEqual(start)
  })

  it('keeps the same state object for a repeated action', () => {
    const open = dockReducer(start, { type: 'opened' })
    expect(dockReducer(open, { type: 'opened' })).toBe(open)
    expect(dockReducer(start, { type: 'closed' })).toBe(start)
  })
})
