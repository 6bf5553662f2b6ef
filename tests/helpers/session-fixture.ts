import { defaultSampling } from '../../src/shared/schemas'
import type { SessionDocument } from '../../src/shared/sessions'

/** A minimal valid Completion session: one prompt node holding `text`. */
export function promptOnlySession(id: string, title: string, text = 'A token is'): SessionDocument {
  const at = '2026-11-22T10:00:00.000Z'
  return {
    schemaVersion: 1,
    id,
    title,
    kind: 'completion',
    createdAt: at,
    updatedAt: at,
    system: '',
    model: null,
    settings: { sampling: defaultSampling, maxTokens: 64, topN: 10 },
    nodes: [{ id: 'p', parentId: null, role: 'prompt', text, run: null, createdAt: at }],
    currentLeafId: 'p',
  }
}
