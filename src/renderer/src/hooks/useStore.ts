import { useSyncExternalStore } from 'react'
import type { Store } from '../stores/store'

/** Reads a slice of a store; the component renders again only when that slice changes. */
export function useStore<S, A, T>(store: Store<S, A>, select: (state: S) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.getState()))
}
