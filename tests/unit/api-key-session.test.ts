import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { keyMatches, loadOrCreateApiKey } from '../../src/main/api/api-key'
import { sessionForPlan } from '../../src/main/api/api-recording'
import { planChat, planCompletion } from '../../src/main/api/request-mapping'
import type { ModelInfo } from '../../src/shared/engine-status'
import { sessionDocumentSchema } from '../../src/shared/sessions'

describe('the API key', () => {
  it('is shown once and stored only as its hash', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tokenscope-key-'))
    const made = await loadOrCreateApiKey(folder)
    expect(made.newKey).toMatch(/^ts-[\w-]{43}$/)
    const stored = readFileSync(made.file, 'utf8')
    expect(stored).not.toContain(made.newKey?.slice(3))
    expect(keyMatches(made.hash, `Bearer ${made.newKey}`)).toBe(true)
    expect(keyMatches(made.hash, `Bearer ${made.newKey}x`)).toBe(false)
    expect(keyMatches(made.hash, made.newKey ?? '')).toBe(false)
    expect(keyMatches(made.hash, undefined)).toBe(false)

    const again = await loadOrCreateApiKey(folder)
    expect(again).toEqual({ hash: made.hash, newKey: null, file: made.file })
    const renewed = await loadOrCreateApiKey(folder, true)
    expect(renewed.newKey).not.toBe(made.newKey)
    expect(keyMatches(renewed.hash, `Bearer ${made.newKey}`)).toBe(false)
  })
})

const model: ModelInfo = {
  name: 'Demo',
  fileName: 'demo.gguf',
  path: '/m/demo.gguf',
  sizeBytes: 1,
  architecture: 'llama',
  vocabSize: 10,
  trainedContextSize: 256,
  contextSize: 256,
  isDemo: true,
  sha256: null,
}
let counter = 0
const context = { runId: () => `api-run${++counter}`, randomSeed: () => 5 }
const now = '2026-01-02T03:04:05.000Z'

describe('API requests as sessions', () => {
  it('a completion: the prompt, and one completion node per choice recorded by run id', () => {
    const plan = planCompletion({ model: 'm', prompt: 'Once upon', n: 2 }, context)
    const doc = sessionDocumentSchema.parse(sessionForPlan(plan, model, now, 'sid'))
    expect(doc.kind).toBe('completion')
    expect(doc.title).toBe('API: Once upon')
    expect(doc.nodes.map((n) => [n.id, n.parentId, n.role])).toEqual([
      ['sid-prompt', null, 'prompt'],
      [plan.runs[0]?.runId, 'sid-prompt', 'completion'],
      [plan.runs[1]?.runId, 'sid-prompt', 'completion'],
    ])
    expect(doc.currentLeafId).toBe(plan.runs[0]?.runId)
  })

  it('a chat: the system prompt, the messages in a line, and the replies under the last', () => {
    const plan = planChat(
      {
        model: 'm',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
          { role: 'user', content: 'What is\na token?' },
        ],
      },
      context,
    )
    const doc = sessionDocumentSchema.parse(sessionForPlan(plan, model, now, 'sid'))
    expect(doc).toMatchObject({ kind: 'chat', system: 'Be brief.', title: 'API: What is a token?' })
    expect(doc.nodes.map((n) => [n.id, n.parentId, n.role, n.text])).toEqual([
      ['sid-m0', null, 'user', 'Hi'],
      ['sid-m1', 'sid-m0', 'assistant', 'Hello'],
      ['sid-m2', 'sid-m1', 'user', 'What is\na token?'],
      [plan.runs[0]?.runId, 'sid-m2', 'assistant', ''],
    ])
    expect(doc.model).toEqual({ name: 'Demo', fileName: 'demo.gguf', sha256: null })
  })
})
