/**
 * Exact next-token probabilities of the demo model, computed in float64 from the GGUF file itself
 * with the same math llama.cpp runs: because blk.0's attn_output and ffn_down are zero, the
 * residual stream is the token embedding, so
 *   logits = output · (output_norm ⊙ x / sqrt(mean(x²) + eps)),  x = token_embd[last token].
 */
import { readFileSync } from 'node:fs'
import { getF32Tensor, parseGguf } from '../../src/main/gguf/reader'

export interface Oracle {
  vocabSize: number
  embeddingLength: number
  logits(lastTokenId: number): Float64Array
  probs(lastTokenId: number): Float64Array
}

export function loadOracle(path: string): Oracle {
  const bytes = readFileSync(path)
  const file = parseGguf(bytes)
  const tensor = (name: string): Float32Array => getF32Tensor(file, bytes, name)

  const epsilonEntry = file.metadata.get('llama.attention.layer_norm_rms_epsilon')
  if (epsilonEntry?.type !== 'f32')
    throw new Error('llama.attention.layer_norm_rms_epsilon is missing')
  // llama.cpp uses the f32 value as stored, so the oracle does too.
  const epsilon = epsilonEntry.value

  for (const name of ['blk.0.attn_output.weight', 'blk.0.ffn_down.weight']) {
    if (tensor(name).some((value) => value !== 0))
      throw new Error(`${name} is not zero: no closed form`)
  }
  if (file.tensors.some((info) => info.name.startsWith('blk.1.')))
    throw new Error('Expected exactly one block')

  const embedding = tensor('token_embd.weight')
  const outputNorm = tensor('output_norm.weight')
  const output = tensor('output.weight')
  const d = outputNorm.length
  const vocabSize = embedding.length / d

  const logits = (lastTokenId: number): Float64Array => {
    if (!Number.isInteger(lastTokenId) || lastTokenId < 0 || lastTokenId >= vocabSize) {
      throw new RangeError(`Token ID ${lastTokenId} is outside the vocabulary`)
    }
    const x = embedding.subarray(lastTokenId * d, (lastTokenId + 1) * d)
    let meanSquare = 0
    for (const value of x) meanSquare += value * value
    meanSquare /= d
    const scale = 1 / Math.sqrt(meanSquare + epsilon)
    const normalized = Float64Array.from(x, (value, i) => value * scale * outputNorm[i]!)
    const result = new Float64Array(vocabSize)
    for (let token = 0; token < vocabSize; token++) {
      let sum = 0
      for (let i = 0; i < d; i++) sum += output[token * d + i]! * normalized[i]!
      result[token] = sum
    }
    return result
  }

  const probs = (lastTokenId: number): Float64Array => {
    const values = logits(lastTokenId)
    const max = values.reduce((a, b) => Math.max(a, b), -Infinity)
    let total = 0
    const exps = values.map((value) => {
      const e = Math.exp(value - max)
      total += e
      return e
    })
    return exps.map((value) => value / total)
  }

  return { vocabSize, embeddingLength: d, logits, probs }
}
