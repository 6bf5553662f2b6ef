/**
 * Weights for the demo model whose output is known in closed form.
 *
 * The single block's output projections (attn_output, ffn_down) are zero, so the residual stream is
 * the token embedding and the next-token logits are `output · (output_norm ⊙ rmsnorm(embd[t]))`.
 * We make that a bigram model of the corpus: a smoothed log-bigram table L, row-centred (softmax
 * ignores a per-row shift), factored as L ≈ E Wᵀ with E = token embeddings, W = output matrix.
 */

export interface DemoModelShape {
  vocabSize: number
  embeddingLength: number
  feedForwardLength: number
  headCount: number
  headCountKv: number
}

export interface BigramFitOptions {
  /** Dirichlet prior strength: how many pseudo-observations of the unigram back every row. */
  priorStrength: number
  /** Multiplies all logits (> 1 sharpens) so samples read more like the corpus. */
  sharpen: number
  /** Rows are weighted by (count + 1)^rowWeightPower, so frequent contexts are fitted best. */
  rowWeightPower: number
  /**
   * Rows fitted with the weight of the most frequent one. Rare contexts share the rank limit with
   * thousands of others and come out blurred; these must keep their exact successors.
   */
  emphasizedRows?: readonly number[]
  subspaceIterations: number
  seed: number
}

/**
 * The weighted, row-centred log-bigram table M[a][b] = w[a] · (column[b] + S[a][b] − shift[a]),
 * kept as rank-two terms plus a sparse matrix S (CSR), so products cost O(vocab + bigrams).
 */
interface LogBigramTable {
  size: number
  rowWeight: Float64Array
  column: Float64Array
  shift: Float64Array
  rowStart: Int32Array
  columns: Int32Array
  values: Float64Array
}

/**
 * log P(b|a) up to a per-row constant, with P(b|a) = (n(a,b) + μ·u(b)) / (n(a) + μ) and u the
 * add-one unigram: log(μ·u(b)) + log1p(n(a,b) / (μ·u(b))). The first term is shared by all rows;
 * the second is non-zero only for bigrams that occur.
 */
function logBigramTable(
  tokenIds: readonly number[],
  size: number,
  options: BigramFitOptions,
): LogBigramTable {
  const unigram = new Float64Array(size).fill(1)
  const contextCount = new Float64Array(size)
  const bigrams = Array.from({ length: size }, () => new Map<number, number>())
  tokenIds.forEach((id, i) => {
    unigram[id]! += 1
    const next = tokenIds[i + 1]
    if (next === undefined) return
    contextCount[id]! += 1
    bigrams[id]!.set(next, (bigrams[id]!.get(next) ?? 0) + 1)
  })
  const prior = unigram.map((count) => (options.priorStrength * count) / (tokenIds.length + size))

  const logPrior = prior.map(Math.log)
  const meanLogPrior = logPrior.reduce((sum, value) => sum + value, 0) / size
  const column = logPrior.map((value) => value - meanLogPrior)
  const rowStart = new Int32Array(size + 1)
  const columns: number[] = []
  const values: number[] = []
  const shift = new Float64Array(size)
  bigrams.forEach((row, a) => {
    for (const b of [...row.keys()].sort((x, y) => x - y)) {
      const value = Math.log1p(row.get(b)! / prior[b]!)
      columns.push(b)
      values.push(value)
      shift[a]! += value / size
    }
    rowStart[a + 1] = columns.length
  })
  const rowWeight = contextCount.map((count) => Math.pow(count + 1, options.rowWeightPower))
  const heaviest = rowWeight.reduce((max, weight) => Math.max(max, weight), 0)
  for (const row of options.emphasizedRows ?? []) rowWeight[row] = heaviest
  return {
    size,
    rowWeight,
    column,
    shift,
    rowStart,
    columns: Int32Array.from(columns),
    values: Float64Array.from(values),
  }
}

/** M·y */
function multiply(m: LogBigramTable, y: Float64Array): Float64Array {
  let columnDot = 0
  let sum = 0
  for (let b = 0; b < m.size; b++) {
    columnDot += m.column[b]! * y[b]!
    sum += y[b]!
  }
  const out = new Float64Array(m.size)
  for (let a = 0; a < m.size; a++) {
    let sparse = 0
    for (let k = m.rowStart[a]!; k < m.rowStart[a + 1]!; k++)
      sparse += m.values[k]! * y[m.columns[k]!]!
    out[a] = m.rowWeight[a]! * (columnDot + sparse - m.shift[a]! * sum)
  }
  return out
}

/** Mᵀ·x */
function multiplyTransposed(m: LogBigramTable, x: Float64Array): Float64Array {
  let weightedSum = 0
  let shiftDot = 0
  const out = new Float64Array(m.size)
  for (let a = 0; a < m.size; a++) {
    const wx = m.rowWeight[a]! * x[a]!
    weightedSum += wx
    shiftDot += m.shift[a]! * wx
    for (let k = m.rowStart[a]!; k < m.rowStart[a + 1]!; k++)
      out[m.columns[k]!]! += m.values[k]! * wx
  }
  for (let b = 0; b < m.size; b++) out[b]! += m.column[b]! * weightedSum - shiftDot
  return out
}

/** Modified Gram-Schmidt, in place; a column that collapses is replaced by a fresh random one. */
function orthonormalize(basis: Float64Array[], random: () => number): void {
  basis.forEach((vector, j) => {
    for (let attempt = 0; ; attempt++) {
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i < j; i++) {
          const other = basis[i]!
          let dot = 0
          for (let k = 0; k < vector.length; k++) dot += vector[k]! * other[k]!
          for (let k = 0; k < vector.length; k++) vector[k]! -= dot * other[k]!
        }
      }
      let squaredNorm = 0
      for (let k = 0; k < vector.length; k++) squaredNorm += vector[k]! * vector[k]!
      const norm = Math.sqrt(squaredNorm)
      if (norm > 1e-9 || attempt > 3) {
        for (let k = 0; k < vector.length; k++) vector[k]! /= norm
        return
      }
      for (let k = 0; k < vector.length; k++) vector[k] = random()
    }
  })
}

/** Subspace iteration: an orthonormal basis (as columns) of M's dominant column space. */
function dominantColumnSpace(
  m: LogBigramTable,
  rank: number,
  iterations: number,
  random: () => number,
): Float64Array[] {
  const basis: Float64Array[] = Array.from({ length: rank }, () =>
    Float64Array.from({ length: m.size }, random),
  )
  orthonormalize(basis, random)
  for (let iteration = 0; iteration < iterations; iteration++) {
    basis.forEach((vector, j) => (basis[j] = multiply(m, multiplyTransposed(m, vector))))
    orthonormalize(basis, random)
  }
  return basis
}

/** Small, fast, seedable PRNG (mulberry32) giving values in [-1, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1
  }
}

export interface BigramWeights {
  /** vocab rows of `embeddingLength` values: token_embd.weight. */
  tokenEmbedding: Float32Array
  /** vocab rows of `embeddingLength` values: output.weight. */
  output: Float32Array
  /** `embeddingLength` values: output_norm.weight. */
  outputNorm: Float32Array
}

/**
 * With Q an orthonormal basis of the dominant column space of M = D·L (D = row weights),
 * L ≈ D⁻¹Q · (QᵀM), so embedding rows are D⁻¹Q (norm ≤ 1) and output rows are (MᵀQ)·sharpen.
 * One extra coordinate pads every embedding row to norm 1; scaling rows by √d makes their mean
 * square exactly 1, so rmsnorm only divides by √(1 + eps) and output_norm can be all ones.
 */
export function fitBigramWeights(
  tokenIds: readonly number[],
  shape: DemoModelShape,
  options: BigramFitOptions,
): BigramWeights {
  const { vocabSize, embeddingLength: d } = shape
  const rank = d - 1
  const table = logBigramTable(tokenIds, vocabSize, options)
  const basis = dominantColumnSpace(
    table,
    rank,
    options.subspaceIterations,
    seededRandom(options.seed),
  )
  const outputColumns = basis.map((vector) => multiplyTransposed(table, vector))

  const tokenEmbedding = new Float32Array(vocabSize * d)
  const output = new Float32Array(vocabSize * d)
  const scale = Math.sqrt(d)
  for (let token = 0; token < vocabSize; token++) {
    let squaredNorm = 0
    for (let j = 0; j < rank; j++) {
      const value = basis[j]![token]! / table.rowWeight[token]!
      squaredNorm += value * value
      tokenEmbedding[token * d + j] = value * scale
      output[token * d + j] = (outputColumns[j]![token]! * options.sharpen) / scale
    }
    tokenEmbedding[token * d + rank] = Math.sqrt(Math.max(0, 1 - squaredNorm)) * scale
  }
  return { tokenEmbedding, output, outputNorm: new Float32Array(d).fill(1) }
}
