import { createStore } from '../../stores/store'

/** The token picked in Compare: one for the whole view, since one inspector serves every column. */
export interface ComparePick {
  /** The column's key. */
  key: string
  /** The run it belongs to: a new run of the column leaves the pick behind. */
  runId: string
  index: number
}

export type ComparePickAction =
  /** A click on a token: picks it, or puts it down when it was the picked one. */
  { type: 'toggled'; pick: ComparePick } | { type: 'moved'; index: number } | { type: 'cleared' }

export function comparePickReducer(
  state: ComparePick | null,
  action: ComparePickAction,
): ComparePick | null {
  switch (action.type) {
    case 'toggled': {
      const { pick } = action
      const same =
        state?.key === pick.key && state.runId === pick.runId && state.index === pick.index
      return same ? null : pick
    }
    case 'moved':
      return state && state.index !== action.index ? { ...state, index: action.index } : state
    case 'cleared':
      return null
  }
}

/** A store, so that a pick re-renders the two columns and the inspector it concerns, not the view. */
export const comparePickStore = createStore(comparePickReducer, null)

/** The picked index in the column `key` while it shows run `runId`; null when none is. */
export function pickedIn(pick: ComparePick | null, key: string, runId: string | null) {
  return pick && pick.key === key && pick.runId === runId ? pick.index : null
}
