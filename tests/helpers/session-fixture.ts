import type { GeneratedToken } from '../../src/shared/contract'
import { defaultSampling } from '../../src/shared/schemas'
import type { SessionDocument } from '../../src/shared/sessions'

/** A minimal valid Completion session: one prompt node holding `text`. */
export function promptOnlySession(id: string, title: string, text = 'A token is'): SessionDocument {
  const at = '2026-11-22T10:00:00.000Z'
  return {
    schemaVersion: 3,
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

/** A generated token with `alternatives` alternatives; its numbers depend on `i` only. */
export function fakeToken(i: number, alternatives = 3): GeneratedToken {
  const id = 100 + (i % 50)
  return {
    id,
    text: `t${id}`,
    logit: 1.5 + (i % 7) / 3,
    modelProb: 0.5 / (1 + (i % 5)),
    samplingProb: 0.6 / (1 + (i % 5)),
    position: 10 + i,
    rank: 1 + (i % 3),
    entropyBits: 0.25 + (i % 4) / 10,
    alternatives: Array.from({ length: alternatives }, (_, k) => ({
      id: 200 + ((i + k) % 30),
      text: `a${200 + ((i + k) % 30)}`,
      logit: 1 - k / 7,
      modelProb: 0.3 / (k + 1),
      samplingProb: 0.2 / (k + 1),
    })),
    tailMass: 0.125,
    ...(i % 11 === 0 ? { segment: 'thought' as const } : {}),
  }
}

/** A chat session with no nodes, as a page makes it before the first message. */
export function emptyChat(id: string, at = '2026-11-22T10:00:00.000Z'): SessionDocument {
  return {
    schemaVersion: 3,
    id,
    title: '',
    kind: 'chat',
    createdAt: at,
    updatedAt: at,
    system: '',
    model: { name: 'Tokenscope Demo', fileName: 'tokenscope-demo.gguf', sha256: null },
    settings: { sampling: defaultSampling, maxTokens: 128, topN: 10 },
    nodes: [],
    currentLeafId: null,
  }
}

/** A comparison (session format 3): prompt node `p`, then column node `col-<key>` per key. */
export function comparisonSession(id: string, keys: string[], prompt = 'Once'): SessionDocument {
  const doc = emptyChat(id)
  return {
    ...doc,
    kind: 'compare',
    nodes: [
      {
        id: 'p',
        parentId: null,
        role: 'prompt',
        text: prompt,
        run: null,
        createdAt: doc.createdAt,
        comparison: { input: 'completion', sameSeed: false },
      },
      ...keys.map((key) => ({
        id: `col-${key}`,
        parentId: 'p',
        role: 'completion' as const,
        text: '',
        run: null,
        createdAt: doc.createdAt,
        origin: 'run' as const,
        forkAt: 0,
        column: { key, settings: { sampling: defaultSampling, maxTokens: 8 }, preset: null },
      })),
    ],
  }
}

/** A run record of `tokens` after `prompt`, as the host keeps it. */
export function runRecord(tokens: GeneratedToken[], prompt = 'A') {
  return {
    prompt: [{ id: 1, text: prompt }],
    tokens,
    stopReason: 'max-tokens' as const,
    sampling: defaultSampling,
    tokensPerSecond: null,
    timeToFirstTokenMs: null,
  }
}

/** A Completion session with one run: prompt node `p`, completion node `c` holding `tokens`. */
export function completionSession(
  id: string,
  tokens: GeneratedToken[],
  options: { prompt?: string; topN?: number; title?: string } = {},
): SessionDocument {
  const prompt = options.prompt ?? 'A'
  const doc = promptOnlySession(id, options.title ?? 'Long', prompt)
  return {
    ...doc,
    settings: { sampling: defaultSampling, maxTokens: 4096, topN: options.topN ?? 5 },
    nodes: [
      ...doc.nodes,
      {
        id: 'c',
        parentId: 'p',
        role: 'completion',
        text: tokens.map((t) => t.text).join(''),
        run: runRecord(tokens, prompt),
        createdAt: doc.createdAt,
      },
    ],
    currentLeafId: 'c',
  }
}
