import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Llama, LlamaModel } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VocabModels } from '../../src/main/engine/vocab-models'
import type { LlamaRuntime } from '../../src/main/engine/llama-runtime'
import { gguf } from '../../tools/gguf/writer'
import { demoModelPath, EngineHarness } from '../helpers/engine-harness'
import { engineLlama } from '../helpers/engine-llama'
import { demoWith } from '../helpers/hostile-models'
import { writeSplitDemoModel } from '../helpers/split-model'
import { writeBenchVocabularyModel } from '../helpers/vocab-model'

/** Texts tokenizers disagree on. */
const hardStrings = [
  ' leading space',
  '   three leading spaces',
  'line one\nline two\n\n',
  'windows\r\nline\r\n',
  'tab\tand trailing  ',
  'family 👨‍👩‍👧‍👦 and coder 👩🏽‍💻 (ZWJ sequences)',
  '日本語の文章と中文句子',
  'café naïve über',
  '<|im_start|>user\nHello<|im_end|>',
  '<|endoftext|> in the middle',
  '1234567 + 0.5e-3',
]

let harness: EngineHarness
let llama: Llama
let demo: LlamaModel
let folder: string
let benchVocabulary: string

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tokenscope-vocab-'))
  benchVocabulary = writeBenchVocabularyModel(folder)
  harness = new EngineHarness()
  await harness.engine.loadModel({ source: { kind: 'demo' } })
  llama = await engineLlama()
  demo = await llama.loadModel({ modelPath: demoModelPath })
})
afterAll(async () => {
  harness.stop()
  await demo.dispose()
  rmSync(folder, { recursive: true, force: true })
})

const ids = async (
  source: { kind: 'demo' } | { kind: 'file'; path: string },
  text: string,
  specialTokens: boolean,
) => (await harness.engine.tokenizeWith({ source, text, specialTokens })).map((t) => t.id)

describe('tokenizing with a vocabulary alone (vocab-only)', () => {
  it('gives the demo model’s IDs exactly as node-llama-cpp does, for hard strings', async () => {
    for (const specialTokens of [true, false]) {
      for (const text of hardStrings) {
        const expected = [...demo.tokenize(text, specialTokens)]
        expect(await ids({ kind: 'demo' }, text, specialTokens), JSON.stringify(text)).toEqual(
          expected,
        )
        // And as the loaded model's own tokenizer does.
        const loaded = await harness.engine.tokenize({ text, specialTokens })
        expect(loaded.map((t) => t.id)).toEqual(expected)
      }
    }
    // Special-token text is one control token only when parsed as such.
    const parsed = await harness.engine.tokenizeWith({
      source: { kind: 'demo' },
      text: '<|im_start|>',
      specialTokens: true,
    })
    expect(parsed).toHaveLength(1)
    expect(parsed[0]!.special).toBe(true)
    expect((await ids({ kind: 'demo' }, '<|im_start|>', false)).length).toBeGreaterThan(1)
  })

  it('reads a second GGUF’s own vocabulary, which splits text differently', async () => {
    const source = { kind: 'file' as const, path: benchVocabulary }
    const direct = await llama.loadModel({ modelPath: benchVocabulary, vocabOnly: true })
    try {
      for (const text of hardStrings) {
        const got = await harness.engine.tokenizeWith({ source, text, specialTokens: true })
        expect(
          got.map((t) => t.id),
          JSON.stringify(text),
        ).toEqual([...direct.tokenize(text, true)])
        // Each token's bytes (shown where its text is part of a character) make up the text.
        const bytes = got.flatMap((t) => t.bytes ?? [...new TextEncoder().encode(t.text)])
        expect(new TextDecoder().decode(Uint8Array.from(bytes))).toBe(text)
      }
    } finally {
      await direct.dispose()
    }
    const text = 'Tokenizers split the same text in different ways.'
    const mine = await ids(source, text, false)
    const demoIds = await ids({ kind: 'demo' }, text, false)
    expect(mine).not.toEqual(demoIds)
    // Its IDs reach past the demo vocabulary's size.
    const status = await harness.engine.getStatus()
    const special = await ids(source, '<|im_end|>', true)
    expect(special[0]!).toBeGreaterThan(status.model!.vocabSize)
  })

  it('opens a split model from its first part', async () => {
    const split = writeSplitDemoModel()
    try {
      const text = 'A split model has the same tokenizer.'
      expect(await ids({ kind: 'file', path: split.first }, text, true)).toEqual([
        ...demo.tokenize(text, true),
      ])
    } finally {
      rmSync(split.folder, { recursive: true, force: true })
    }
  })

  it('says clearly why a file cannot be read, and leaves the loaded model alone', async () => {
    const notGguf = join(folder, 'notes.gguf')
    writeFileSync(notGguf, 'these are not the weights you are looking for')
    const unknownTokenizer = join(folder, 'unknown-tokenizer.gguf')
    writeFileSync(unknownTokenizer, demoWith({ 'tokenizer.ggml.model': gguf.string('nonsense') }))
    const refused = async (path: string) =>
      harness.engine
        .tokenizeWith({ source: { kind: 'file', path }, text: 'hi', specialTokens: false })
        .then(
          () => null,
          (error: { code?: string; message?: string }) => error,
        )
    expect(await refused(notGguf)).toMatchObject({
      appError: {
        code: 'model-invalid',
        message: expect.stringMatching(/^notes\.gguf: not a GGUF/),
      },
    })
    expect(await refused(join(folder, 'missing.gguf'))).toMatchObject({
      appError: { code: 'model-not-found' },
    })
    expect(await refused(unknownTokenizer)).toMatchObject({
      appError: {
        code: 'model-load-failed',
        message: expect.stringMatching(/unknown-tokenizer\.gguf/),
      },
    })
    const status = await harness.engine.getStatus()
    expect(status.model?.isDemo).toBe(true)
    expect(status.state).toBe('ready')
    const run = await harness.generate({ prompt: 'A token is', maxTokens: 4 })
    expect(run.tokens.length).toBeGreaterThan(0)
  })
})

describe('the vocabulary cache', () => {
  it('opens a file once, keeps the three last used and frees the rest', async () => {
    const runtime = { llama } as LlamaRuntime
    const cache = new VocabModels()
    const paths = [0, 1, 2, 3].map((i) => {
      const path = join(folder, `copy-${i}.gguf`)
      writeFileSync(path, demoWith({ 'general.name': gguf.string(`Copy ${i}`) }))
      return path
    })
    try {
      const first = await cache.get(runtime, paths[0]!)
      expect(await cache.get(runtime, paths[0]!)).toBe(first)
      for (const path of paths.slice(1)) await cache.get(runtime, path)
      expect(cache.size).toBe(3)
      await expect.poll(() => first.disposed).toBe(true)
      const again = await cache.get(runtime, paths[0]!)
      expect(again).not.toBe(first)
      expect([...again.tokenize('same vocabulary')]).toEqual([...demo.tokenize('same vocabulary')])
    } finally {
      await cache.disposeAll()
    }
    expect(cache.size).toBe(0)
  })
})
