import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseGguf } from '../../src/main/gguf/reader'
import { buildDemoModel, DEMO_CHAT_TEMPLATE } from '../../tools/demo-model/build'
import { corpusText } from '../../tools/demo-model/corpus'
import { loadOracle } from '../helpers/oracle'

const committedPath = join(import.meta.dirname, '../../resources/models/tokenscope-demo.gguf')

describe('demo model build', () => {
  const built = buildDemoModel()

  it('is deterministic and matches the committed artifact (run `npm run build:demo-model`)', () => {
    expect(Buffer.from(buildDemoModel()).equals(Buffer.from(built))).toBe(true)
    expect(Buffer.from(readFileSync(committedPath)).equals(Buffer.from(built))).toBe(true)
  })

  it('stays small and declares a one-block llama with the ChatML template', () => {
    expect(built.length).toBeLessThan(5 * 1024 * 1024)
    const { metadata, tensors } = parseGguf(built)
    const value = (key: string) => metadata.get(key)?.value
    expect(value('general.architecture')).toBe('llama')
    expect(value('general.name')).toBe('Tokenscope Demo')
    expect(value('llama.block_count')).toBe(1)
    expect(value('llama.embedding_length')).toBe(128)
    expect(value('tokenizer.ggml.model')).toBe('gpt2')
    expect(value('tokenizer.chat_template')).toBe(DEMO_CHAT_TEMPLATE)
    expect(tensors.map((tensor) => tensor.name)).toContain('output.weight')
    expect(tensors.find((tensor) => tensor.name === 'token_embd.weight')?.dims).toEqual([128, 2048])
  })

  it('gives every token a non-zero probability after every token', () => {
    const oracle = loadOracle(committedPath)
    for (const previous of [0, 32, 1000, 2045, 2046, 2047]) {
      const probs = oracle.probs(previous)
      expect(probs.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 12)
      expect(Math.min(...probs)).toBeGreaterThan(0)
    }
  })
})

describe('demo corpus', () => {
  const text = corpusText()

  it('is 25–50 KB of documents separated by <|endoftext|>', () => {
    const size = new TextEncoder().encode(text).length
    expect(size).toBeGreaterThan(25_000)
    expect(size).toBeLessThan(50_000)
    expect(text.split('<|endoftext|>').length).toBeGreaterThan(25)
  })

  it('avoids the spaces that llama.cpp detokenization would "clean" away', () => {
    expect(text).not.toMatch(/ [?!.,]| '/)
  })
})
