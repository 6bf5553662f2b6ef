import { AppFailure, toAppError } from '../../../../shared/errors'
import { learnLimits } from '../../../../shared/learn'
import { getConnection } from '../../services/engine-connection'
import { canStartRun } from '../../stores/engine-reducer'
import { engineStore } from '../../stores/stores'
import { embeddingsStore } from './embeddings-store'

let pageRun = 0

/**
 * Embeds `items` a few at a time, so a long list shows its progress and Stop answers between
 * parts. While it runs, the other views wait as they do for a run of this page.
 */
export async function startEmbedding(items: string[]): Promise<void> {
  const engine = engineStore.getState()
  const modelName = engine.status?.model?.name
  const modelPath = engine.status?.model?.path
  if (!modelName || !canStartRun(engine, 'embeddings')) return
  if (embeddingsStore.getState().phase === 'running') return
  embeddingsStore.dispatch({ type: 'started', items, modelName })
  const request = embeddingsStore.getState().request
  const busyId = `embeddings-${++pageRun}`
  engineStore.dispatch({ type: 'runsRouted', runIds: [busyId], owner: 'embeddings' })
  try {
    for (let from = 0; from < items.length; from += learnLimits.embedTexts) {
      if (embeddingsStore.getState().request !== request) return
      // Vectors of two models live in different spaces: a list is never split between them.
      if (engineStore.getState().status?.model?.path !== modelPath) {
        throw new AppFailure({
          code: 'invalid-request',
          message: 'The model changed while the list was being embedded.',
          hint: 'Press Compare again to embed the whole list with the model loaded now.',
        })
      }
      const texts = items.slice(from, from + learnLimits.embedTexts)
      const result = await getConnection().bridge.embed({ texts })
      embeddingsStore.dispatch({ type: 'part', request, ...result })
    }
    embeddingsStore.dispatch({ type: 'finished', request })
  } catch (error) {
    embeddingsStore.dispatch({ type: 'failed', request, error: toAppError(error) })
  } finally {
    engineStore.dispatch({ type: 'runsUnrouted', runIds: [busyId] })
  }
}

/** Stops after the part in progress; what was embedded so far stays on screen. */
export function stopEmbedding(): void {
  embeddingsStore.dispatch({ type: 'stopped' })
}
