import { describe, expect, it } from 'vitest'
import type { GeneratedToken } from '../../src/shared/contract'
import { defaultSampling } from '../../src/shared/schemas'
import { sessionDocumentSchema, sessionNodeSchema } from '../../src/shared/sessions'
import {
  completionSession,
  replyText,
  runRecordFrom,
} from '../../src/renderer/src/sessions/records'
import {
  initialRunState,
  runReducer,
  type RunState,
} from '../../src/renderer/src/stores/run-reducer'
import { toChunks } from '../../src/renderer/src/stores/token-chunks'

function token(id: number, text: string, modelProb = 0.5): GeneratedToken {
  const candidate = { id, text, logit: 1, modelProb, samplingProb: modelProb }
  return {
    ...candidate,
    position: id,
    rank: 1,
    entropyBits: 1,
    alternatives: [candidate],
    tailMass: 0,
  }
}

const ended: RunState = {
  ...initialRunState,
  runId: 'r',
  phase: 'ended',
  promptText: 'A token is',
  maxTokens: 16,
  sampling: defaultSampling,
  prompt: toChunks([{ id: 1, text: 'A' }]),
  promptCount: 1,
  tokens: toChunks([token(5, ' a'), token(6, ' piece', 1 + 1e-12), token(2, '<|im_end|>')]),
  tokenCount: 3,
  stopReason: 'end-of-generation',
}

describe('run records', () => {
  it('keeps every token, clamps rounding noise so the file passes its schema', () => {
    const record = runRecordFrom(ended, defaultSampling)
    expect(record.tokens.map((t) => t.id)).toEqual([5, 6, 2])
    expect(record.tokens[1]?.modelProb).toBe(1)
    expect(record.tokens[1]?.alternatives[0]?.modelProb).toBe(1)
    expect(record.stopReason).toBe('end-of-generation')
    expect(runRecordFrom({ ...ended, phase: 'failed' }, defaultSampling).stopReason).toBe('failed')
    // Tokens that need no clamping are the very same objects, not copies.
    const shown = ended.tokens.flat()
    expect(record.tokens[0]).toBe(shown[0])
    expect(record.tokens[1]).not.toBe(shown[1])
  })

  it('leaves the end-of-turn token out of the reply text', () => {
    const tokens = runRecordFrom(ended, defaultSampling).tokens
    expect(replyText(tokens, 'end-of-generation')).toBe(' a piece')
    expect(replyText(tokens.slice(0, 2), 'cancelled')).toBe(' a piece')
    expect(replyText(tokens, 'max-tokens')).toBe(' a piece<|im_end|>')
  })

  it('keeps the reasoning out of the reply text the next turn sends, and survives a save', () => {
    const thought = (t: GeneratedToken): GeneratedToken => ({ ...t, segment: 'thought' })
    const tokens = [
      thought(token(1, 'Hmm')),
      thought(token(2, ' ok')),
      thought(token(3, '</think>')),
      token(4, '\n'),
      token(5, 'Yes'),
      token(6, '<|im_end|>'),
    ]
    expect(replyText(tokens, 'end-of-generation')).toBe('Yes')
    expect(replyText(tokens.slice(0, 2), 'cancelled')).toBe('')
    const record = runRecordFrom(ended, defaultSampling)
    const saved = sessionNodeSchema.shape.run.parse({ ...record, tokens })
    expect(saved?.tokens.map((t) => t.segment)).toEqual([
      'thought',
      'thought',
      'thought',
      undefined,
      undefined,
      undefined,
    ])
  })

  it('saves a Completion run as a valid session and restores it into the run view', () => {
    const doc = completionSession({
      id: 'c1',
      promptId: 'p',
      completionId: 'c',
      run: ended,
      model: { name: 'demo', fileName: 'demo.gguf', sha256: 'ab' },
      topN: 10,
      now: '2026-01-01T00:00:00.000Z',
    })
    expect(sessionDocumentSchema.safeParse(doc).success).toBe(true)
    expect(doc.title).toBe('A token is')
    expect(doc.nodes.map((n) => n.role)).toEqual(['prompt', 'completion'])
    const record = doc.nodes[1]?.run
    if (!record) throw new Error('no run record')
    const restored = runReducer(initialRunState, {
      type: 'restored',
      runId: 'again',
      promptText: 'A token is',
      maxTokens: 16,
      record,
    })
    expect(restored.phase).toBe('ended')
    expect(restored.tokenCount).toBe(3)
    expect(restored.promptCount).toBe(1)
    expect(restored.contextUsed).toBe(4)
    expect(restored.stopReason).toBe('end-of-generation')
    const failed = runReducer(initialRunState, {
      type: 'restored',
      runId: 'f',
      promptText: '',
      maxTokens: 1,
      record: { ...record, stopReason: 'failed' },
    })
    expect(failed.phase).toBe('failed')
    expect(failed.error).not.toBeNull()
  })
})
