import { type LlamaModel, type Token } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readGgufFileInfo } from '../../src/main/gguf/reader'
import { tokenBytesOf, type TokenBytes } from '../../src/main/engine/token-bytes'
import { demoModelPath, EngineHarness } from '../helpers/engine-harness'
import { engineLlama } from '../helpers/engine-llama'

// A token can hold part of a character; its text is then U+FFFD and says nothing of its bytes.
// The bytes come from the vocabulary itself, and must add up to exactly the text's UTF-8.
let model: LlamaModel
let bytesOf: TokenBytes
let vocabularySize = 0
let dispose: () => Promise<void>

beforeAll(async () => {
  const llama = await engineLlama()
  model = await llama.loadModel({ modelPath: demoModelPath })
  const file = await readGgufFileInfo(demoModelPath)
  bytesOf = tokenBytesOf(file)
  const tokens = file.metadata.get('tokenizer.ggml.tokens')
  vocabularySize = tokens?.type === 'array' ? tokens.value.length : 0
  dispose = () => model.dispose()
})
afterAll(() => dispose())

const decode = (bytes: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(bytes)

describe("the vocabulary's bytes", () => {
  it('are the UTF-8 of every token whose text is whole', () => {
    let checked = 0
    for (let id = 0; id < vocabularySize; id++) {
      const text = model.detokenize([id as Token], false)
      const bytes = bytesOf(id)
      expect(bytes).not.toBeNull()
      if (text === '' || text.includes('\uFFFD')) continue
      expect(decode(bytes!)).toBe(text)
      checked++
    }
    expect(checked).toBeGreaterThan(1000)
  })

  it('add up to the text when characters are split across tokens', () => {
    const text = 'naïve café — 日本語 🙂 Ωmega'
    const ids = model.tokenize(text)
    const split = ids.filter((id) => model.detokenize([id]).includes('\uFFFD'))
    expect(split.length).toBeGreaterThan(0)
    const joined = ids.flatMap((id) => Array.from(bytesOf(id) ?? []))
    expect(decode(Uint8Array.from(joined))).toBe(text)
  })
})

describe('the engine reports the bytes a text hides', () => {
  let harness: EngineHarness
  beforeAll(async () => {
    harness = new EngineHarness()
    await harness.engine.loadModel({ source: { kind: 'demo' } })
  })
  afterAll(() => harness.stop())

  it('for tokenize: bytes only on tokens that hold part of a character', async () => {
    const tokens = await harness.engine.tokenize({ text: '日本 and café' })
    const partial = tokens.filter((t) => t.text.includes('\uFFFD'))
    expect(partial.length).toBeGreaterThan(0)
    for (const token of partial) expect(token.bytes?.length).toBeGreaterThan(0)
    for (const token of tokens.filter((t) => !t.text.includes('\uFFFD')))
      expect(token.bytes).toBeUndefined()
    const joined = tokens.flatMap((t) => t.bytes ?? Array.from(new TextEncoder().encode(t.text)))
    expect(decode(Uint8Array.from(joined))).toBe('日本 and café')
  })

  it('for a run: the prompt and forced tokens carry the bytes their text hides', async () => {
    const forced = await harness.engine.tokenize({ text: ' 日本' })
    const run = await harness.generate({
      prompt: 'Café au lait',
      forcedTokens: forced.map((t) => t.id),
      maxTokens: 2,
    })
    const shown = [...(run.started?.prompt ?? []), ...(run.started?.forced ?? [])]
    const partial = shown.filter((t) => t.text.includes('\uFFFD'))
    expect(partial.length).toBeGreaterThan(0)
    for (const token of partial) expect(token.bytes?.length).toBeGreaterThan(0)
    const forcedBytes = (run.started?.forced ?? []).flatMap(
      (t) => t.bytes ?? Array.from(new TextEncoder().encode(t.text)),
    )
    expect(decode(Uint8Array.from(forcedBytes))).toBe(' 日本')
  })
})
