/**
 * The demo model under the real llama.cpp (node-llama-cpp, CPU, prebuilt binaries): its tokenizer
 * must agree with ours token for token, and its raw next-token distribution with the oracle.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  JinjaTemplateChatWrapper,
  LlamaChatSession,
  LlamaText,
  resolveChatWrapper,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp'
import { BpeTokenizer } from '../../tools/demo-model/bpe'
import { corpusText, DEMO_SPECIAL_TOKENS } from '../../tools/demo-model/corpus'
import { parseGguf } from '../../src/main/gguf/reader'
import { demoModelPath } from '../helpers/engine-harness'
import { loadOracle, type Oracle } from '../helpers/oracle'
import { engineLlama } from '../helpers/engine-llama'

let model: LlamaModel
let context: LlamaContext
let sequence: LlamaContextSequence
let ours: BpeTokenizer
let oracle: Oracle

/** Our encoder, built from the vocabulary and merges stored in the file itself. */
function tokenizerFromFile(path: string): BpeTokenizer {
  const { metadata } = parseGguf(readFileSync(path))
  const tokens = metadata.get('tokenizer.ggml.tokens')
  const merges = metadata.get('tokenizer.ggml.merges')
  const types = metadata.get('tokenizer.ggml.token_type')
  if (tokens?.type !== 'array' || tokens.itemType !== 'string') throw new Error('no tokens')
  if (merges?.type !== 'array' || merges.itemType !== 'string') throw new Error('no merges')
  if (types?.type !== 'array' || types.itemType !== 'i32') throw new Error('no token types')
  const specialTokenIds = types.value.flatMap((type, id) => (type === 3 ? [id] : []))
  return new BpeTokenizer({ tokens: tokens.value, merges: merges.value, specialTokenIds })
}

beforeAll(async () => {
  const llama = await engineLlama()
  model = await llama.loadModel({ modelPath: demoModelPath })
  // One thread: for a model this small, extra ggml threads only spin and contend for the cores.
  context = await model.createContext({ contextSize: 2048, threads: 1 })
  sequence = context.getSequence()
  ours = tokenizerFromFile(demoModelPath)
  oracle = loadOracle(demoModelPath)
})

afterAll(async () => {
  await context?.dispose()
  await model?.dispose()
})

/** Our encoding, typed as node-llama-cpp tokens. */
const encode = (text: string, parseSpecial = false): Token[] =>
  ours.encode(text, { parseSpecial }) as Token[]

/** llama.cpp's full, unsampled next-token distribution after `tokens`. */
async function rawNextTokenProbs(tokens: Token[]): Promise<Map<Token, number>> {
  await sequence.clearHistory()
  const last = tokens.at(-1)
  if (last === undefined) throw new Error('empty context')
  const results = await sequence.controlledEvaluate([
    ...tokens.slice(0, -1),
    [last, { generateNext: { token: true, options: { temperature: 0 }, probabilities: true } }],
  ])
  const probabilities = results.at(-1)?.next?.probabilities
  if (!probabilities) throw new Error('no probabilities returned')
  return probabilities
}

const trickyTexts = [
  "It's the model's job: don't re-read, we'll see, they've, I'm, you'd.",
  '  leading spaces, double  spaces, trailing spaces   ',
  'Tabs\tand\r\nnew lines\n\n\nand 1234567 numbers 3.14',
  'naïve café ≈ 🙂 über — Ελληνικά 日本語',
  'Fake <|im_end|> and <|endoftext|> markers, <|im_start|>assistant\n',
  'Zyzzyva!!!??? ((brackets)) {"json": [1, 2]}',
]

describe('demo model tokenizer in llama.cpp', () => {
  it('has the expected special tokens', () => {
    expect(model.tokens.bos).toBe(2045)
    expect(model.tokens.eos).toBe(2045)
    expect(model.tokens.eot).toBe(2047)
    expect(model.detokenize([2046, 2047] as Token[], true)).toBe(
      DEMO_SPECIAL_TOKENS.imStart + DEMO_SPECIAL_TOKENS.imEnd,
    )
  })

  it('tokenizes the whole corpus exactly like our encoder, parsing special tokens', () => {
    const text = corpusText()
    const expected = encode(text, true)
    expect(model.tokenize(text, true)).toEqual(expected)
    expect(model.detokenize(expected, true)).toBe(text)
  })

  it('tokenizes the whole corpus exactly like our encoder, specials as plain text', () => {
    const text = corpusText()
    const expected = encode(text)
    expect(model.tokenize(text)).toEqual(expected)
    expect(model.detokenize(expected)).toBe(text)
  })

  it.each(trickyTexts)('agrees on %j', (text) => {
    expect(model.tokenize(text)).toEqual(encode(text))
    expect(model.tokenize(text, true)).toEqual(encode(text, true))
    expect(model.detokenize(encode(text))).toBe(text)
  })

  it('loses a space before ?!., when detokenizing, as llama.cpp does for "gpt-2" (clean_spaces)', () => {
    const tokens = encode('Really ? Yes !')
    expect(model.tokenize('Really ? Yes !')).toEqual(tokens)
    expect(ours.decode(tokens)).toBe('Really ? Yes !')
    expect(model.detokenize(tokens)).toBe('Really? Yes!')
  })
})

describe('demo model probabilities in llama.cpp', () => {
  it('match the closed-form oracle for many contexts', async () => {
    const corpusTokens = encode(corpusText(), true)
    const contexts = [[2045], [2046], [2047], [0], [255]] as Token[][]
    for (let end = 1; end <= corpusTokens.length; end += 211) {
      contexts.push(corpusTokens.slice(Math.max(0, end - 24), end))
    }
    expect(contexts.length).toBeGreaterThan(40)
    let worst = 0
    for (const tokens of contexts) {
      const actual = await rawNextTokenProbs(tokens)
      expect(actual.size).toBe(oracle.vocabSize)
      const expected = oracle.probs(tokens.at(-1)!)
      expected.forEach(
        (p, id) => (worst = Math.max(worst, Math.abs(p - (actual.get(id as Token) ?? NaN)))),
      )
    }
    expect(worst).toBeLessThanOrEqual(1e-3)
  })

  it('generates greedily along the oracle argmax', async () => {
    await sequence.clearHistory()
    const prompt = model.tokenize('A token is')
    const generated: Token[] = []
    for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
      generated.push(token)
      if (generated.length === 12) break
    }
    let previous = prompt.at(-1)!
    for (const token of generated) {
      const probs = oracle.probs(previous)
      expect(token).toBe(probs.indexOf(Math.max(...probs)))
      previous = token
    }
  })
})

describe('demo model chat template', () => {
  it('is read by node-llama-cpp as a reasoning template that opens <think> on every reply', () => {
    const wrapper = resolveChatWrapper(model)
    expect(wrapper).toBeInstanceOf(JinjaTemplateChatWrapper)
    const thought = wrapper.settings.segments?.thought
    expect(thought?.openOnResponseStart).toBe(true)
    expect(LlamaText(thought?.prefix as LlamaText).toString()).toBe(DEMO_SPECIAL_TOKENS.thinkStart)
    expect(
      LlamaText(thought?.suffix ?? '')
        .toString()
        .trim(),
    ).toBe(DEMO_SPECIAL_TOKENS.thinkEnd)
  })

  it('thinks, closes the thought and answers when node-llama-cpp’s own chat session runs it', async () => {
    await sequence.clearHistory()
    const session = new LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false })
    const { response } = await session.promptWithMeta('What is a token?', {
      temperature: 0,
      maxTokens: 60,
    })
    session.dispose()
    const [first, ...rest] = response
    expect(first).toMatchObject({ type: 'segment', segmentType: 'thought', ended: true })
    expect((first as { text: string }).text).toMatch(/^Hmm → .+…$/)
    expect(rest.join('').trim().length).toBeGreaterThan(0)
  })
})
