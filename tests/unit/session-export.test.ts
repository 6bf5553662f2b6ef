import { describe, expect, it } from 'vitest'
import { defaultSampling } from '../../src/shared/schemas'
import {
  activePath,
  sessionFromJson,
  sessionToJson,
  sessionToMarkdown,
} from '../../src/shared/session-export'
import type { SessionDocument } from '../../src/shared/sessions'

const at = '2026-11-22T10:00:00.000Z'
const token = (id: number, text: string, p: number) => ({
  id,
  text,
  logit: Math.log(p),
  modelProb: p,
  samplingProb: p,
  position: id,
  rank: 1,
  entropyBits: 1.5,
  alternatives: [{ id, text, logit: Math.log(p), modelProb: p, samplingProb: p }],
  tailMass: 1 - p,
})
const run = (tokens: ReturnType<typeof token>[]) => ({
  prompt: [{ id: 1, text: 'Hi' }],
  tokens,
  stopReason: 'end-of-generation' as const,
  sampling: defaultSampling,
  tokensPerSecond: 100,
  timeToFirstTokenMs: 5,
})

const document: SessionDocument = {
  schemaVersion: 3,
  id: 's1',
  title: 'Tokens | pipes',
  kind: 'chat',
  createdAt: at,
  updatedAt: at,
  system: 'Be brief.',
  model: { name: 'Tokenscope Demo', fileName: 'tokenscope-demo.gguf', sha256: 'abc' },
  settings: { sampling: defaultSampling, maxTokens: 64, topN: 10 },
  nodes: [
    { id: 'u1', parentId: null, role: 'user', text: 'What is a token?', run: null, createdAt: at },
    {
      id: 'a1',
      parentId: 'u1',
      role: 'assistant',
      text: 'A piece',
      run: run([token(5, 'A', 0.5), token(6, ' piece|', 0.25)]),
      createdAt: at,
    },
    { id: 'a2', parentId: 'u1', role: 'assistant', text: 'Other branch', run: null, createdAt: at },
  ],
  currentLeafId: 'a1',
}

describe('session export', () => {
  it('round-trips through JSON exactly, branches and token numbers included', () => {
    const back = sessionFromJson(sessionToJson(document))
    expect(back).toEqual({ ok: true, document })
  })

  it('keeps a repeat penalty and the stored logit shifts, in JSON and in Markdown', () => {
    const sampling = { ...defaultSampling, repeatPenalty: 1.3, penaltyWindow: 32 }
    const plain = token(7, ' the', 0.4)
    const shifted = {
      ...plain,
      alternatives: [{ ...plain.alternatives[0]!, penaltyShift: -0.75 }],
    }
    const penalised: SessionDocument = {
      ...document,
      settings: { ...document.settings, sampling },
      nodes: document.nodes.map((n) =>
        n.id === 'a1' ? { ...n, run: { ...run([shifted]), sampling } } : n,
      ),
    }
    expect(sessionFromJson(sessionToJson(penalised))).toEqual({ ok: true, document: penalised })
    expect(sessionToMarkdown(penalised)).toContain(
      'penalties: repeat 1.3 · presence 0 · frequency 0 · last 32',
    )
    expect(sessionToMarkdown(document)).not.toContain('penalties')
  })

  it('explains why a file cannot be imported', () => {
    expect(sessionFromJson('not json')).toEqual({
      ok: false,
      message: expect.stringMatching(/not JSON/),
    })
    const wrong = sessionFromJson(JSON.stringify({ ...document, nodes: 'x' }))
    expect(wrong.ok).toBe(false)
    if (!wrong.ok) expect(wrong.message).toMatch(/^This is not a Tokenscope session: nodes: /)
  })

  it('follows the current branch from the root', () => {
    expect(activePath(document).map((n) => n.id)).toEqual(['u1', 'a1'])
    expect(activePath(document, 'a2').map((n) => n.id)).toEqual(['u1', 'a2'])
  })

  it('writes the visible branch as Markdown with a token table', () => {
    const markdown = sessionToMarkdown(document)
    expect(markdown).toContain('# Tokens | pipes')
    expect(markdown).toContain('## System\n\nBe brief.')
    expect(markdown).toContain('## User\n\nWhat is a token?')
    expect(markdown).toContain('| 2 | ` piece\\|` | 6 | 0.2500 | 0.2500 | 1 |')
    expect(markdown).not.toContain('Other branch')
  })

  it('keeps a reply’s reasoning: marked in JSON, folded away in Markdown', () => {
    const thought = (t: ReturnType<typeof token>) => ({ ...t, segment: 'thought' as const })
    const tokens = [
      thought(token(1, '<think>', 0.9)),
      thought(token(2, 'Hmm → plan', 0.5)),
      thought(token(3, '</think>', 0.9)),
      token(4, 'Answer', 0.5),
    ]
    const withThought: SessionDocument = {
      ...document,
      nodes: document.nodes.map((n) =>
        n.id === 'a1' ? { ...n, text: 'Answer', run: run(tokens) } : n,
      ),
    }
    const back = sessionFromJson(sessionToJson(withThought))
    expect(back.ok && back.document).toEqual(withThought)
    const markdown = sessionToMarkdown(withThought)
    expect(markdown).toContain(
      '## Assistant\n\n<details><summary>Thinking (3 tokens)</summary>\n\nHmm → plan\n\n</details>\n\nAnswer\n',
    )
  })

  it('writes “not reported” for what a remote server did not measure, never a 0', () => {
    const afterSampling = {
      modelProb: false,
      samplingProb: true,
      entropy: false,
      rank: true,
      alternatives: 1,
      tokenId: false,
    }
    const remote = { ...token(0, 'Yes', 0.75), modelProb: 0, reported: afterSampling }
    const markdown = sessionToMarkdown({
      ...document,
      nodes: document.nodes.map((n) => (n.id === 'a1' ? { ...n, run: run([remote]) } : n)),
    })
    expect(markdown).toContain('| 1 | `Yes` | not reported | not reported | 0.7500 | 1 |')
    expect(markdown).not.toMatch(/NaN/)
  })
})
