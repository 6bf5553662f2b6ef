import { useEffect, useMemo } from 'react'
import type { ModelSource } from '../../../../shared/schemas'
import { useStore } from '../../hooks/useStore'
import { ensureModelLists, modelsStore } from '../models/models-actions'

/** A model file the app knows, as the Tokenizer's comparison offers it. */
export interface KnownModel {
  key: string
  label: string
  source: ModelSource
}

export const demoKey = 'demo'

/** The demo model, the models folder's files and the recent ones, each once. */
export function useKnownModels(): KnownModel[] {
  useEffect(ensureModelLists, [])
  const scanned = useStore(modelsStore, (s) => s.scanned)
  const recent = useStore(modelsStore, (s) => s.recent)
  return useMemo(() => {
    const list: KnownModel[] = [
      { key: demoKey, label: 'Tokenscope demo model', source: { kind: 'demo' } },
    ]
    const seen = new Set<string>()
    const add = (path: string, label: string) => {
      if (seen.has(path)) return
      seen.add(path)
      list.push({ key: path, label, source: { kind: 'file', path } })
    }
    // A file whose header cannot be read is listed too: its column says why.
    for (const model of scanned) add(model.path, model.fileName)
    for (const model of recent ?? []) add(model.path, `${model.fileName} (recent)`)
    return list
  }, [scanned, recent])
}
