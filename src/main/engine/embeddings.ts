import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import { AppFailure } from '../../shared/errors'
import type {
  EmbeddingPooling,
  EmbeddingsResult,
  TokenEmbeddings,
  TokenEmbeddingsRequest,
} from '../../shared/learn'
import { readGgufFileInfo, type GgufFile } from '../gguf/reader'
import type { ModelSession } from './model-session'

/** Enough for a phrase of 200 characters even at one token per byte, with BOS and EOS. */
const embeddingContextSize = 1024

// llama.cpp's enum llama_pooling_type, as written in `<arch>.pooling_type`.
const poolingByCode: Record<number, EmbeddingPooling | 'rank'> = {
  0: 'last-token',
  1: 'mean',
  2: 'cls',
  3: 'last-token',
  4: 'rank',
}

/**
 * Each text's embedding from the loaded model. A model without pooling of its own (a chat or
 * completion model) gives the final hidden state of the text's last token: what it would predict
 * the next token from. An embedding model pools its tokens as its file says.
 */
export async function embedTexts(
  session: ModelSession,
  texts: readonly string[],
): Promise<EmbeddingsResult> {
  const header = await readGgufFileInfo(session.info.path)
  const pooling = poolingOf(header)
  const name = session.info.fileName
  if (pooling === 'rank') {
    throw new AppFailure({
      code: 'invalid-request',
      message: `${name} is a reranker: it scores pairs of texts and gives no embedding of one.`,
      hint: 'Load a chat, completion or embedding model.',
    })
  }
  let context
  try {
    context = await session.openEmbedding(embeddingContextSize)
  } catch (error) {
    throw new AppFailure({
      code: 'invalid-request',
      message: `${name} cannot compute embeddings here: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'Encoder-decoder models (such as T5) are not supported; most chat and embedding models are.',
    })
  }
  try {
    const vectors: number[][] = []
    const tokenCounts: number[] = []
    for (const text of texts) {
      tokenCounts.push(context.calculateInputLength(text))
      const { vector } = await context.getEmbeddingFor(text)
      vectors.push([...vector])
    }
    const dimensions = vectors[0]?.length ?? 0
    if (dimensions === 0 || vectors.some((v) => v.length !== dimensions)) {
      throw new AppFailure({
        code: 'invalid-request',
        message: `${name} gave no embedding vectors.`,
        hint: 'This model may not support embeddings.',
      })
    }
    return { dimensions, vectors, tokenCounts, pooling }
  } finally {
    await context.dispose()
  }
}

function poolingOf(header: GgufFile): EmbeddingPooling | 'rank' {
  const arch = header.metadata.get('general.architecture')
  const value = arch?.type === 'string' ? header.metadata.get(`${arch.value}.pooling_type`) : null
  const code = value && typeof value.value === 'number' ? value.value : 0
  return poolingByCode[code] ?? 'last-token'
}

const storageNames: Record<number, string> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  6: 'Q5_0',
  7: 'Q5_1',
  8: 'Q8_0',
  10: 'Q2_K',
  11: 'Q3_K',
  12: 'Q4_K',
  13: 'Q5_K',
  14: 'Q6_K',
  30: 'BF16',
}

/** Bytes per block and values per block of the storages read here. */
const readable: Record<number, readonly [bytes: number, values: number]> = {
  0: [4, 1],
  1: [2, 1],
  8: [34, 32],
  30: [2, 1],
}

/**
 * The first `values` numbers of each token's row of `token_embd.weight`, read from the file:
 * the vector a token ID becomes before the first layer. Quantised tables other than Q8_0 are
 * reported as unreadable rather than decoded approximately.
 */
export async function readTokenEmbeddings(
  path: string,
  request: Required<TokenEmbeddingsRequest>,
): Promise<TokenEmbeddings> {
  const header = await readGgufFileInfo(path)
  const tensor = header.tensors.find((t) => t.name === 'token_embd.weight')
  if (!tensor) {
    return {
      dimensions: 0,
      storage: 'unknown',
      rows: null,
      unreadable: `${basename(path)} has no token_embd.weight in this file (a split model keeps it in another part).`,
    }
  }
  const [dimensions = 0, vocab = 0] = tensor.dims
  const storage = storageNames[tensor.ggmlType] ?? `ggml type ${tensor.ggmlType}`
  const layout = readable[tensor.ggmlType]
  if (!layout || dimensions % layout[1] !== 0) {
    return {
      dimensions,
      storage,
      rows: null,
      unreadable: `The table is stored as ${storage}; Tokenscope reads F32, F16, BF16 and Q8_0 tables.`,
    }
  }
  const [blockBytes, blockValues] = layout
  const rowBytes = (dimensions / blockValues) * blockBytes
  const count = Math.min(request.values, dimensions)
  const readBytes = Math.ceil(count / blockValues) * blockBytes
  const handle = await open(path, 'r')
  try {
    const rows: number[][] = []
    for (const id of request.tokenIds) {
      if (id >= vocab) {
        throw new AppFailure({
          code: 'invalid-request',
          message: `Token ID ${id} is outside the vocabulary (${vocab} tokens).`,
        })
      }
      const bytes = Buffer.alloc(readBytes)
      await handle.read(bytes, 0, readBytes, header.dataOffset + tensor.offset + id * rowBytes)
      rows.push(decode(tensor.ggmlType, bytes, count))
    }
    return { dimensions, storage, rows, unreadable: null }
  } finally {
    await handle.close()
  }
}

function decode(type: number, bytes: Buffer, count: number): number[] {
  const values: number[] = []
  for (let i = 0; i < count; i++) {
    if (type === 0) values.push(bytes.readFloatLE(i * 4))
    else if (type === 1) values.push(halfToFloat(bytes.readUInt16LE(i * 2)))
    else if (type === 30) values.push(bfloatToFloat(bytes.readUInt16LE(i * 2)))
    else {
      // Q8_0: per block of 32, an F16 scale then 32 signed bytes.
      const block = Math.floor(i / 32) * 34
      values.push(halfToFloat(bytes.readUInt16LE(block)) * bytes.readInt8(block + 2 + (i % 32)))
    }
  }
  return values
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >> 10) & 0x1f
  const fraction = bits & 0x3ff
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024)
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Infinity
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024)
}

function bfloatToFloat(bits: number): number {
  const buffer = Buffer.alloc(4)
  buffer.writeUInt32LE((bits << 16) >>> 0)
  return buffer.readFloatLE(0)
}
