import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getF32Tensor, parseGguf } from '../../src/main/gguf/reader'
import { similarityMatrix } from '../../src/shared/embedding-math'
import { toAppError } from '../../src/shared/errors'
import { gguf } from '../../tools/gguf/writer'
import { demoModelPath, EngineHarness } from '../helpers/engine-harness'
import { demoWith } from '../helpers/hostile-models'

let harness: EngineHarness

/*
 * The demo model's blocks add nothing to the residual stream, and it has no pooling of its own,
 * so a text's embedding is the final norm of its last token's input embedding:
 * output_norm ⊙ x / sqrt(mean(x²) + eps), x = token_embd[last token].
 */
const bytes = readFileSync(demoModelPath)
const file = parseGguf(bytes)
const table = getF32Tensor(file, bytes, 'token_embd.weight')
const gain = getF32Tensor(file, bytes, 'output_norm.weight')
const d = gain.length
const epsilon = Number(file.metadata.get('llama.attention.layer_norm_rms_epsilon')?.value)
const row = (id: number) => table.subarray(id * d, (id + 1) * d)
function expectedEmbedding(lastToken: number): number[] {
  const x = row(lastToken)
  const meanSquare = x.reduce((sum, v) => sum + v * v, 0) / d
  const scale = 1 / Math.sqrt(meanSquare + epsilon)
  return Array.from(x, (v, i) => v * scale * gain[i]!)
}

beforeAll(async () => {
  harness = new EngineHarness()
  await harness.engine.loadModel({ source: { kind: 'demo' } })
})
afterAll(() => harness.stop())

describe('embeddings on the demo model', () => {
  const words = ['token', 'model', 'probability', 'the next token', 'cat']
  /** Greedy with top-k off: the demo model does not end a run of 4,000 tokens by itself. */
  const endless = { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 9 }

  it('gives one vector of d_model values per text, the closed-form final state of its last token', async () => {
    const result = await harness.engine.embed({ texts: words })
    expect(result.pooling).toBe('last-token')
    expect(result.dimensions).toBe(d)
    expect(result.vectors).toHaveLength(words.length)
    for (const [i, text] of words.entries()) {
      const ids = (await harness.engine.tokenize({ text })).map((t) => t.id)
      expect(result.tokenCounts[i]).toBeGreaterThanOrEqual(ids.length)
      const expected = expectedEmbedding(ids[ids.length - 1]!)
      const vector = result.vectors[i]!
      expect(vector).toHaveLength(d)
      for (let k = 0; k < d; k++) expect(Math.abs(vector[k]! - expected[k]!)).toBeLessThan(1e-4)
    }
    const matrix = similarityMatrix(result.vectors)
    for (let i = 0; i < words.length; i++) {
      expect(matrix[i]![i]).toBe(1)
      for (let j = 0; j < words.length; j++) expect(matrix[i]![j]).toBe(matrix[j]![i])
    }
  })

  it('leaves the model’s own context as it was: a seeded run gives the same text after embedding', async () => {
    const change = { sampling: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, seed: 42 } }
    const before = await harness.generate(change)
    await harness.engine.embed({ texts: ['a token', 'the model'] })
    const after = await harness.generate(change)
    expect(after.ended?.reason).toBeDefined()
    expect(after.tokens.map((t) => t.id)).toEqual(before.tokens.map((t) => t.id))
    // The prompt evaluated before the embeddings is still in the model's cache.
    expect(after.ended?.stats.reusedPromptTokens).toBeGreaterThan(0)
  })

  it('waits its turn: refused while a run holds the engine, and a run may start once it answers', async () => {
    // With the default sampling a fresh clone's CI saw the run end before the embedding was
    // asked for, which then ran.
    const request = harness.request({ maxTokens: 4000, sampling: endless })
    await harness.engine.generate(request)
    try {
      const refused = await harness.engine.embed({ texts: ['token'] }).catch((e: unknown) => e)
      expect(toAppError(refused).code).toBe('run-busy')
    } finally {
      await harness.engine.cancel({ runId: request.runId })
      await harness.waitForEnd(request.runId)
    }
    await harness.engine.embed({ texts: ['token'] })
    const next = await harness.generate({ maxTokens: 4 })
    expect(next.failed).toBeNull()
  })

  it('sent together with a run, exactly one is taken; the other hears what holds the engine', async () => {
    const request = harness.request({ maxTokens: 4000, sampling: endless })
    // The most texts an embedding takes: five short ones could answer before the run's request
    // was even read (a fresh clone's CI saw both taken, one after the other).
    const texts = Array.from({ length: 16 }, (_, i) => `${words.join(', ')} (${i})`)
    const [embedded, generated] = await Promise.allSettled([
      harness.engine.embed({ texts }),
      harness.engine.generate(request),
    ])
    try {
      const refused = [embedded, generated].filter((r) => r.status === 'rejected')
      expect(refused).toHaveLength(1)
      const reason = toAppError((refused[0] as PromiseRejectedResult).reason)
      expect(reason.code).toBe('run-busy')
      expect(reason.message).toMatch(
        generated.status === 'fulfilled' ? /a completion/ : /embeddings being computed/,
      )
    } finally {
      // An endless run left going would hold the engine in the tests after this one.
      if (generated.status === 'fulfilled') {
        await harness.engine.cancel({ runId: request.runId })
        await harness.waitForEnd(request.runId)
      }
    }
  })

  it('a model load asked for during an embedding waits for it, and the embedding comes back whole', async () => {
    const texts = Array.from({ length: 16 }, (_, i) => `token number ${i}`)
    const [result] = await Promise.all([
      harness.engine.embed({ texts }),
      harness.engine.loadModel({ source: { kind: 'demo' } }),
    ])
    expect(result.vectors).toHaveLength(16)
    expect(result.vectors.every((v) => v.length === d)).toBe(true)
    expect((await harness.engine.getStatus()).model?.isDemo).toBe(true)
  })

  it('refuses an empty list or an empty text with a readable message', async () => {
    for (const texts of [[], ['']]) {
      const error = toAppError(await harness.engine.embed({ texts }).catch((e: unknown) => e))
      expect(error.code).toBe('invalid-request')
      expect(error.message).toMatch(/texts|empty/)
    }
  })

  it('reads the start of tokens’ input embedding rows from the file', async () => {
    const ids = (await harness.engine.tokenize({ text: 'The cat' })).map((t) => t.id)
    const result = await harness.engine.readTokenEmbeddings({ tokenIds: ids, values: 8 })
    expect(result).toMatchObject({ dimensions: d, storage: 'F32', unreadable: null })
    expect(result.rows).toEqual(ids.map((id) => Array.from(row(id).subarray(0, 8))))
  })

  it('pools as the file says: a mean-pooled model averages its tokens’ final states, a reranker is refused', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tokenscope-pooling-'))
    const pooled = (code: number) => {
      const path = join(folder, `pooling-${code}.gguf`)
      writeFileSync(path, demoWith({ 'llama.pooling_type': gguf.u32(code) }))
      return path
    }
    try {
      await harness.engine.loadModel({ source: { kind: 'file', path: pooled(1) } })
      const text = 'the next token'
      const result = await harness.engine.embed({ texts: [text] })
      expect(result.pooling).toBe('mean')
      const ids = (await harness.engine.tokenize({ text })).map((t) => t.id)
      // The embedding context adds BOS where the model asks for it; the mean covers it too.
      const bos = Number(file.metadata.get('tokenizer.ggml.bos_token_id')?.value)
      const read = result.tokenCounts[0] === ids.length + 1 ? [bos, ...ids] : ids
      expect(read).toHaveLength(result.tokenCounts[0]!)
      const states = read.map(expectedEmbedding)
      const mean = states[0]!.map(
        (_, k) => states.reduce((sum, v) => sum + v[k]!, 0) / states.length,
      )
      const vector = result.vectors[0]!
      for (let k = 0; k < d; k++) expect(Math.abs(vector[k]! - mean[k]!)).toBeLessThan(1e-4)

      await harness.engine.loadModel({ source: { kind: 'file', path: pooled(4) } })
      const error = toAppError(
        await harness.engine.embed({ texts: ['token'] }).catch((e: unknown) => e),
      )
      expect(error.code).toBe('invalid-request')
      expect(error.message).toMatch(/reranker/)
      expect(error.hint).toMatch(/embedding model/)
    } finally {
      await harness.engine.loadModel({ source: { kind: 'demo' } })
    }
  })
})
