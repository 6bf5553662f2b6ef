import { createStore } from './store'

export const appViews = [
  { id: 'completion', label: 'Completion' },
  { id: 'chat', label: 'Chat' },
  { id: 'compare', label: 'Compare' },
  { id: 'tokenizer', label: 'Tokenizer' },
  { id: 'score', label: 'Score text' },
  { id: 'embeddings', label: 'Embeddings' },
  { id: 'pipeline', label: 'Pipeline' },
  { id: 'models', label: 'Models' },
] as const

export type AppView = (typeof appViews)[number]['id']

export function viewFromHash(hash: string): AppView {
  const id = hash.replace(/^#/, '')
  return appViews.find((view) => view.id === id)?.id ?? 'completion'
}

/** Which view is on screen; mirrored in the URL hash so a reload keeps it. */
export const viewStore = createStore<AppView, AppView>(
  (_state, next) => next,
  viewFromHash(window.location.hash),
)
