import { basename } from 'node:path'
import type { ModelCard, ParameterBreakdown } from '../../shared/models'
import type { GgufFile } from '../gguf/reader'
import { shown } from '../gguf/format'
import { maxShownChars, type ModelFileFacts } from './model-preflight'

// llama.cpp's LLAMA_FTYPE numbers, as written in `general.file_type`.
const fileTypes: Record<number, string> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  7: 'Q8_0',
  8: 'Q5_0',
  9: 'Q5_1',
  10: 'Q2_K',
  11: 'Q3_K_S',
  12: 'Q3_K_M',
  13: 'Q3_K_L',
  14: 'Q4_K_S',
  15: 'Q4_K_M',
  16: 'Q5_K_S',
  17: 'Q5_K_M',
  18: 'Q6_K',
  19: 'IQ2_XXS',
  20: 'IQ2_XS',
  21: 'Q2_K_S',
  22: 'IQ3_XS',
  23: 'IQ3_XXS',
  24: 'IQ1_S',
  25: 'IQ4_NL',
  26: 'IQ3_S',
  27: 'IQ3_M',
  28: 'IQ2_S',
  29: 'IQ2_M',
  30: 'IQ4_XS',
  31: 'IQ1_M',
  32: 'BF16',
  36: 'TQ1_0',
  37: 'TQ2_0',
  38: 'MXFP4',
}

/** `name-00001-of-00003.gguf` → 3; an ordinary file → 1. */
export function splitPartCount(path: string): number {
  const match = /-(\d{5})-of-(\d{5})\.gguf$/i.exec(path)
  return match ? Number(match[2]) : 1
}

/** The card of a model, from its header alone (split files: the first part's header). */
export function modelCardFromHeader(
  path: string,
  facts: ModelFileFacts,
  totalBytes: number,
): ModelCard {
  const { header } = facts
  const arch = facts.architecture
  const number = (key: string) => numberValue(header, key)
  const fileType = number('general.file_type')
  const template = header.metadata.get('tokenizer.chat_template')
  const tokenizer = header.metadata.get('tokenizer.ggml.model')
  const scaling = header.metadata.get(`${arch}.rope.scaling.type`)
  return {
    path,
    fileName: basename(path),
    sizeBytes: totalBytes,
    parts: splitPartCount(path),
    name: facts.name,
    architecture: arch,
    fileType: fileType === null ? null : (fileTypes[fileType] ?? `type ${fileType}`),
    parameterCount: Object.values(breakdownOf(header)).reduce((a, b) => a + b, 0),
    layers: number(`${arch}.block_count`),
    attentionHeads: number(`${arch}.attention.head_count`),
    kvHeads: number(`${arch}.attention.head_count_kv`) ?? number(`${arch}.attention.head_count`),
    embeddingSize: number(`${arch}.embedding_length`),
    feedForwardSize: number(`${arch}.feed_forward_length`),
    vocabSize: facts.vocabSize,
    tokenizer: tokenizer?.type === 'string' ? shown(tokenizer.value, maxShownChars) : null,
    trainedContextSize: number(`${arch}.context_length`),
    rope: {
      dimensions: number(`${arch}.rope.dimension_count`),
      freqBase: number(`${arch}.rope.freq_base`),
      scaling: scaling?.type === 'string' ? shown(scaling.value, maxShownChars) : null,
    },
    hasChatTemplate: template?.type === 'string' && template.value.length > 0,
    breakdown: breakdownOf(header),
  }
}

/** Sorts the tensors by their role, using llama.cpp's tensor naming. */
export function breakdownOf(header: GgufFile): ParameterBreakdown {
  const breakdown: ParameterBreakdown = {
    embeddings: 0,
    attention: 0,
    feedForward: 0,
    norms: 0,
    output: 0,
    other: 0,
  }
  for (const tensor of header.tensors) {
    const count = tensor.dims.reduce((a, b) => a * b, 1)
    const name = tensor.name
    if (/norm/.test(name)) breakdown.norms += count
    else if (name.startsWith('token_embd') || name.startsWith('position_embd'))
      breakdown.embeddings += count
    else if (/^blk\.\d+\.attn_/.test(name)) breakdown.attention += count
    else if (/^blk\.\d+\.ffn_/.test(name)) breakdown.feedForward += count
    else if (name.startsWith('output')) breakdown.output += count
    else breakdown.other += count
  }
  return breakdown
}

function numberValue(header: GgufFile, key: string): number | null {
  const value = header.metadata.get(key)
  if (!value) return null
  if (value.type === 'array' || value.type === 'string' || value.type === 'bool') return null
  return Number(value.value)
}
