import { createStore, type Store } from '../stores/store'

export type SideTab = 'settings' | 'inspector'

/** What a view's side column shows, and whether a token is picked. */
export interface DockState {
  tab: SideTab
  inspecting: boolean
}

export type DockAction = { type: 'opened' } | { type: 'closed' } | { type: 'tab'; tab: SideTab }

export type DockStore = Store<DockState, DockAction>

export function dockReducer(state: DockState, action: DockAction): DockState {
  const next: DockState =
    action.type === 'opened'
      ? { tab: 'inspector', inspecting: true }
      : action.type === 'closed'
        ? { tab: 'settings', inspecting: false }
        : { ...state, tab: action.tab }
  return next.tab === state.tab && next.inspecting === state.inspecting ? state : next
}

/**
 * One per view. A store, not the view's state, so that a pick re-renders the side column and
 * the sheet only, not the view with its transcript.
 */
export function createDockStore(): DockStore {
  return createStore(dockReducer, { tab: 'settings', inspecting: false })
}
