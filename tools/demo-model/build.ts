/**
 * Assembles the built-in demo model: a GGUF file that llama.cpp loads as an ordinary one-block
 * llama model with a GPT-2 style BPE tokenizer and a ChatML chat template.
 */
import type { GgufKv } from '../../src/main/gguf/format'
import { gguf, writeGguf, type GgufTensorInput } from '../gguf/writer'
import { BpeTokenizer, trainBpe, type BpeVocabulary } from './bpe'
import { corpusText, DEMO_SPECIAL_TOKENS, DEMO_SPECIAL_TOKEN_LIST, DEMO_THOUGHTS } from './corpus'
import { fitBigramWeights, type BigramFitOptions, type DemoModelShape } from './weights'

export const DEMO_MODEL_NAME = 'Tokenscope Demo'

export const DEMO_MODEL_SHAPE: DemoModelShape & { contextLength: number; rmsEpsilon: number } = {
  vocabSize: 2048,
  embeddingLength: 128,
  feedForwardLength: 256,
  headCount: 4,
  headCountKv: 4,
  contextLength: 2048,
  rmsEpsilon: 1e-5,
}

const FIT_OPTIONS: BigramFitOptions = {
  priorStrength: 1,
  sharpen: 1,
  rowWeightPower: 0.5,
  subspaceIterations: 8,
  seed: 20240521,
}

/**
 * llama.cpp's "gpt-2" pre-tokenizer splits exactly like `GPT2_PRETOKENIZER_PATTERN` in bpe.ts. It also turns on
 * llama.cpp's `clean_spaces` when detokenizing (" ." becomes "."), which the corpus avoids.
 */
export const DEMO_TOKENIZER_PRE = 'gpt-2'

/** ChatML, in the widely used form that node-llama-cpp recognises as its ChatML wrapper. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"

/**
 * ChatML for a reasoning model, in the style of DeepSeek-R1 and Qwen3: a reply opens with
 * <think>, the notes end with </think> and a new line, then comes the answer. The generation
 * prompt opens the thought, and an earlier reply's reasoning is rendered only if it is given.
 */
export const DEMO_CHAT_TEMPLATE =
  '{% for message in messages %}' +
  "{% if message['role'] == 'assistant' %}{{ '<|im_start|>assistant\\n' }}" +
  "{% if message['reasoning_content'] %}{{ '<think>' + message['reasoning_content'] + '</think>\\n' }}{% endif %}" +
  "{{ message['content'] + '<|im_end|>\\n' }}" +
  "{% else %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endif %}" +
  '{% endfor %}' +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n<think>' }}{% endif %}"

const TOKEN_TYPE_NORMAL = 1
const TOKEN_TYPE_CONTROL = 3

/** Trains the demo tokenizer on the corpus (deterministic; ~0.1 s). */
export function trainDemoVocabulary(): BpeVocabulary {
  return trainBpe(corpusText(), {
    vocabSize: DEMO_MODEL_SHAPE.vocabSize,
    specialTokens: DEMO_SPECIAL_TOKEN_LIST,
    // Pairs seen once are merged too, so the vocabulary reaches exactly 2048 tokens.
    minPairCount: 1,
  })
}

function specialId(vocabulary: BpeVocabulary, text: string): number {
  const id = vocabulary.tokens.indexOf(text)
  if (id < 0) throw new Error(`Special token ${text} is missing from the vocabulary`)
  return id
}

function tokenizerMetadata(vocabulary: BpeVocabulary): GgufKv[] {
  const special = new Set(vocabulary.specialTokenIds)
  const tokenTypes = vocabulary.tokens.map((_, id) =>
    special.has(id) ? TOKEN_TYPE_CONTROL : TOKEN_TYPE_NORMAL,
  )
  const endOfText = specialId(vocabulary, DEMO_SPECIAL_TOKENS.endOfText)
  return [
    { key: 'tokenizer.ggml.model', value: gguf.string('gpt2') },
    { key: 'tokenizer.ggml.pre', value: gguf.string(DEMO_TOKENIZER_PRE) },
    { key: 'tokenizer.ggml.tokens', value: gguf.strings(vocabulary.tokens) },
    { key: 'tokenizer.ggml.token_type', value: gguf.i32s(tokenTypes) },
    { key: 'tokenizer.ggml.merges', value: gguf.strings(vocabulary.merges) },
    { key: 'tokenizer.ggml.bos_token_id', value: gguf.u32(endOfText) },
    { key: 'tokenizer.ggml.eos_token_id', value: gguf.u32(endOfText) },
    {
      key: 'tokenizer.ggml.eot_token_id',
      value: gguf.u32(specialId(vocabulary, DEMO_SPECIAL_TOKENS.imEnd)),
    },
    { key: 'tokenizer.ggml.add_bos_token', value: gguf.bool(false) },
    { key: 'tokenizer.ggml.add_eos_token', value: gguf.bool(false) },
    { key: 'tokenizer.chat_template', value: gguf.string(DEMO_CHAT_TEMPLATE) },
  ]
}

function modelMetadata(): GgufKv[] {
  const shape = DEMO_MODEL_SHAPE
  return [
    { key: 'general.architecture', value: gguf.string('llama') },
    { key: 'general.name', value: gguf.string(DEMO_MODEL_NAME) },
    {
      key: 'general.description',
      value: gguf.string(
        'A bigram model of the Tokenscope help pages, written as a one-block llama whose output is known in closed form.',
      ),
    },
    { key: 'general.file_type', value: gguf.u32(0) },
    { key: 'llama.context_length', value: gguf.u32(shape.contextLength) },
    { key: 'llama.embedding_length', value: gguf.u32(shape.embeddingLength) },
    { key: 'llama.block_count', value: gguf.u32(1) },
    { key: 'llama.feed_forward_length', value: gguf.u32(shape.feedForwardLength) },
    { key: 'llama.attention.head_count', value: gguf.u32(shape.headCount) },
    { key: 'llama.attention.head_count_kv', value: gguf.u32(shape.headCountKv) },
    { key: 'llama.attention.layer_norm_rms_epsilon', value: gguf.f32(shape.rmsEpsilon) },
    { key: 'llama.rope.dimension_count', value: gguf.u32(shape.embeddingLength / shape.headCount) },
    { key: 'llama.rope.freq_base', value: gguf.f32(10000) },
    { key: 'llama.vocab_size', value: gguf.u32(shape.vocabSize) },
  ]
}

/** Every token of the reasoning notes: their bigram path must survive the fit exactly. */
function thoughtTokenIds(tokenizer: BpeTokenizer): number[] {
  const { thinkStart, thinkEnd } = DEMO_SPECIAL_TOKENS
  const ids = DEMO_THOUGHTS.flatMap((thought) =>
    tokenizer.encode(`${thinkStart}${thought}${thinkEnd}`, { parseSpecial: true }),
  )
  return [...new Set(ids)].sort((a, b) => a - b)
}

function modelTensors(tokenIds: readonly number[], emphasizedRows: number[]): GgufTensorInput[] {
  const { vocabSize, embeddingLength: d, feedForwardLength: ff } = DEMO_MODEL_SHAPE
  const weights = fitBigramWeights(tokenIds, DEMO_MODEL_SHAPE, { ...FIT_OPTIONS, emphasizedRows })
  const ones = (length: number): Float32Array => new Float32Array(length).fill(1)
  // The block still runs in llama.cpp; zero projections make everything it adds exactly zero.
  const zeros = (cols: number, rows: number): Float32Array => new Float32Array(cols * rows)
  return [
    { name: 'token_embd.weight', dims: [d, vocabSize], data: weights.tokenEmbedding },
    { name: 'blk.0.attn_norm.weight', dims: [d], data: ones(d) },
    { name: 'blk.0.attn_q.weight', dims: [d, d], data: zeros(d, d) },
    { name: 'blk.0.attn_k.weight', dims: [d, d], data: zeros(d, d) },
    { name: 'blk.0.attn_v.weight', dims: [d, d], data: zeros(d, d) },
    { name: 'blk.0.attn_output.weight', dims: [d, d], data: zeros(d, d) },
    { name: 'blk.0.ffn_norm.weight', dims: [d], data: ones(d) },
    { name: 'blk.0.ffn_gate.weight', dims: [d, ff], data: zeros(d, ff) },
    { name: 'blk.0.ffn_up.weight', dims: [d, ff], data: zeros(d, ff) },
    { name: 'blk.0.ffn_down.weight', dims: [ff, d], data: zeros(ff, d) },
    { name: 'output_norm.weight', dims: [d], data: weights.outputNorm },
    { name: 'output.weight', dims: [d, vocabSize], data: weights.output },
  ]
}

/** Builds the demo model GGUF from scratch. Deterministic: same bytes every time. */
export function buildDemoModel(): Uint8Array {
  const vocabulary = trainDemoVocabulary()
  if (vocabulary.tokens.length !== DEMO_MODEL_SHAPE.vocabSize) {
    throw new Error(
      `The corpus yields ${vocabulary.tokens.length} tokens, expected ${DEMO_MODEL_SHAPE.vocabSize}`,
    )
  }
  const tokenizer = new BpeTokenizer(vocabulary)
  const tokenIds = tokenizer.encode(corpusText(), { parseSpecial: true })
  return writeGguf({
    metadata: [...modelMetadata(), ...tokenizerMetadata(vocabulary)],
    tensors: modelTensors(tokenIds, thoughtTokenIds(tokenizer)),
  })
}
