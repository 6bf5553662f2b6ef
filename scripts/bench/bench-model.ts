/**
 * The benchmark model: Qwen2.5-0.5B's shape (24 layers, d_model 896, 14 heads with 2 KV heads,
 * FFN 4864, 151,936 tokens, tied output) with seeded random F16 weights, so that llama.cpp does
 * the arithmetic of a real small model. Built once (~1 GB) and cached outside the repository.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs'
import { endianness, homedir } from 'node:os'
import { join } from 'node:path'
import { CHATML_TEMPLATE } from '../../tools/demo-model/build'
import { readGgufFileInfo } from '../../src/main/gguf/reader'
import {
  encodeGgufPreamble,
  gguf,
  ggufTensorDataBytes,
  type GgufTensorLayout,
} from '../../tools/gguf/writer'
import type { GgufKv } from '../../src/main/gguf/format'
import { gaussianHalfTable, HalfNoise } from './half-noise'
import { syntheticVocabulary } from './synthetic-vocabulary'

export const benchShape = {
  vocabSize: 151_936,
  embedding: 896,
  layers: 24,
  heads: 14,
  kvHeads: 2,
  feedForward: 4864,
  contextLength: 32_768,
} as const

const weightStd = 0.02
const seed = 20_250_107
const specialTokens = ['<|endoftext|>', '<|im_start|>', '<|im_end|>']
/** Changing anything that alters the file must change this, so stale caches are rebuilt. */
const recipe = `qwen2 shape, f16, N(0, ${weightStd}), seed ${seed}, vocabulary v1`

export function defaultBenchModelPath(): string {
  const cacheRoot = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache')
  return join(cacheRoot, 'tokenscope', 'bench-qwen-shape.gguf')
}

/** Returns the path of the cached model, building it first when it is missing or stale. */
export async function ensureBenchModel(
  path = defaultBenchModelPath(),
  log: (line: string) => void = () => undefined,
): Promise<string> {
  if (await isCurrent(path)) return path
  log(`building the benchmark model at ${path} (once; about 1 GB)...`)
  const startedAt = performance.now()
  mkdirSync(join(path, '..'), { recursive: true })
  const partial = `${path}.partial`
  writeBenchModel(partial)
  renameSync(partial, path)
  log(`built in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`)
  return path
}

async function isCurrent(path: string): Promise<boolean> {
  if (!existsSync(path)) return false
  try {
    const info = await readGgufFileInfo(path)
    const stamp = info.metadata.get('tokenscope.bench.recipe')
    const last = info.tensors[info.tensors.length - 1]
    const complete =
      last && info.dataOffset + last.offset + (last.byteSize ?? 0) <= statSync(path).size
    return stamp?.type === 'string' && stamp.value === recipe && Boolean(complete)
  } catch {
    return false
  }
}

/** The bench model's tokenizer: a synthetic byte-level BPE vocabulary of Qwen2.5's size. */
export function benchTokenizerMetadata(): GgufKv[] {
  const vocabulary = syntheticVocabulary(benchShape.vocabSize, specialTokens, seed)
  const [endOfText = 0, , imEnd = 0] = vocabulary.specialIds
  const special = new Set(vocabulary.specialIds)
  return [
    { key: 'tokenizer.ggml.model', value: gguf.string('gpt2') },
    { key: 'tokenizer.ggml.pre', value: gguf.string('gpt-2') },
    { key: 'tokenizer.ggml.tokens', value: gguf.strings(vocabulary.tokens) },
    {
      key: 'tokenizer.ggml.token_type',
      value: gguf.i32s(vocabulary.tokens.map((_, id) => (special.has(id) ? 3 : 1))),
    },
    { key: 'tokenizer.ggml.merges', value: gguf.strings(vocabulary.merges) },
    { key: 'tokenizer.ggml.bos_token_id', value: gguf.u32(endOfText) },
    { key: 'tokenizer.ggml.eos_token_id', value: gguf.u32(endOfText) },
    { key: 'tokenizer.ggml.eot_token_id', value: gguf.u32(imEnd) },
    { key: 'tokenizer.ggml.add_bos_token', value: gguf.bool(false) },
  ]
}

function metadata(): GgufKv[] {
  const s = benchShape
  return [
    { key: 'general.architecture', value: gguf.string('qwen2') },
    { key: 'general.name', value: gguf.string('Tokenscope bench (Qwen2.5-0.5B shape)') },
    { key: 'general.file_type', value: gguf.u32(1) },
    { key: 'tokenscope.bench.recipe', value: gguf.string(recipe) },
    { key: 'qwen2.context_length', value: gguf.u32(s.contextLength) },
    { key: 'qwen2.embedding_length', value: gguf.u32(s.embedding) },
    { key: 'qwen2.block_count', value: gguf.u32(s.layers) },
    { key: 'qwen2.feed_forward_length', value: gguf.u32(s.feedForward) },
    { key: 'qwen2.attention.head_count', value: gguf.u32(s.heads) },
    { key: 'qwen2.attention.head_count_kv', value: gguf.u32(s.kvHeads) },
    { key: 'qwen2.attention.layer_norm_rms_epsilon', value: gguf.f32(1e-6) },
    { key: 'qwen2.rope.freq_base', value: gguf.f32(1_000_000) },
    ...benchTokenizerMetadata(),
    { key: 'tokenizer.chat_template', value: gguf.string(CHATML_TEMPLATE) },
  ]
}

type Fill = 'noise' | 'ones' | 'embedding'
interface PlannedTensor extends GgufTensorLayout {
  fill: Fill
}

function tensorPlan(): PlannedTensor[] {
  const { embedding: d, feedForward: ff, vocabSize, layers, kvHeads, heads } = benchShape
  const kv = (d / heads) * kvHeads
  const matrix = (name: string, dims: number[]): PlannedTensor => ({
    name,
    dims,
    type: 'f16',
    fill: 'noise',
  })
  const vector = (name: string, length: number, fill: Fill): PlannedTensor => ({
    name,
    dims: [length],
    fill,
  })
  const plan: PlannedTensor[] = [
    { name: 'token_embd.weight', dims: [d, vocabSize], type: 'f16', fill: 'embedding' },
  ]
  for (let i = 0; i < layers; i++) {
    const b = `blk.${i}`
    plan.push(
      vector(`${b}.attn_norm.weight`, d, 'ones'),
      matrix(`${b}.attn_q.weight`, [d, d]),
      vector(`${b}.attn_q.bias`, d, 'noise'),
      matrix(`${b}.attn_k.weight`, [d, kv]),
      vector(`${b}.attn_k.bias`, kv, 'noise'),
      matrix(`${b}.attn_v.weight`, [d, kv]),
      vector(`${b}.attn_v.bias`, kv, 'noise'),
      matrix(`${b}.attn_output.weight`, [d, d]),
      vector(`${b}.ffn_norm.weight`, d, 'ones'),
      matrix(`${b}.ffn_gate.weight`, [d, ff]),
      matrix(`${b}.ffn_up.weight`, [d, ff]),
      matrix(`${b}.ffn_down.weight`, [ff, d]),
    )
  }
  plan.push(vector('output_norm.weight', d, 'ones'))
  return plan
}

/** Streams the file to `path`: the preamble, then each tensor in chunks, never all in memory. */
function writeBenchModel(path: string): void {
  // Typed arrays are written as they lie in memory; GGUF is little-endian.
  if (endianness() !== 'LE')
    throw new Error('building the benchmark model needs a little-endian CPU')
  const plan = tensorPlan()
  const preamble = encodeGgufPreamble(metadata(), plan)
  const table = gaussianHalfTable(weightStd)
  const fd = openSync(path, 'w')
  try {
    writeSync(fd, preamble.bytes)
    plan.forEach((tensor, index) => {
      const noise = new HalfNoise(table, seed + index * 7919)
      const bytes = ggufTensorDataBytes(tensor)
      for (const chunk of tensorChunks(tensor, noise)) writeSync(fd, chunk)
      const padding = (preamble.alignment - (bytes % preamble.alignment)) % preamble.alignment
      writeSync(fd, new Uint8Array(padding))
    })
  } finally {
    closeSync(fd)
  }
}

function* tensorChunks(tensor: PlannedTensor, noise: HalfNoise): Generator<Uint8Array> {
  const elements = tensor.dims.reduce((a, b) => a * b, 1)
  if (tensor.type !== 'f16') {
    const values = new Float32Array(elements)
    if (tensor.fill === 'ones') values.fill(1)
    else noise.fillNumbers(values)
    yield new Uint8Array(values.buffer)
    return
  }
  const chunkElements = 1 << 22
  for (let start = 0; start < elements; start += chunkElements) {
    const halves = new Uint16Array(Math.min(chunkElements, elements - start))
    noise.fillHalves(halves)
    if (tensor.fill === 'embedding') zeroSpecialRows(halves, start)
    yield new Uint8Array(halves.buffer)
  }
}

/**
 * The special tokens come last; zero embeddings give them logit 0 with the tied output, below
 * the top 40 of 152k random logits, so a run never ends early on end-of-generation.
 */
function zeroSpecialRows(halves: Uint16Array, start: number): void {
  const firstSpecial = (benchShape.vocabSize - specialTokens.length) * benchShape.embedding
  const from = Math.max(0, firstSpecial - start)
  if (from < halves.length) halves.fill(0, from)
}
