/*
 * The math behind the Embeddings view: cosine similarity and a 2-D principal-component map of a
 * handful of vectors. Pure functions, float64 throughout.
 */

export type Vector = readonly number[]

export function dot(a: Vector, b: Vector): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += a[i]! * (b[i] ?? 0)
  return sum
}

/** cos θ between a and b; 0 when either is the zero vector (no direction to compare). */
export function cosine(a: Vector, b: Vector): number {
  const norms = Math.sqrt(dot(a, a) * dot(b, b))
  if (norms === 0) return 0
  return Math.max(-1, Math.min(1, dot(a, b) / norms))
}

/** Every pair's cosine similarity: symmetric, 1 on the diagonal. */
export function similarityMatrix(vectors: readonly Vector[]): number[][] {
  const n = vectors.length
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  for (let i = 0; i < n; i++) {
    matrix[i]![i] = 1
    for (let j = i + 1; j < n; j++) {
      const value = cosine(vectors[i]!, vectors[j]!)
      matrix[i]![j] = value
      matrix[j]![i] = value
    }
  }
  return matrix
}

/** The vectors less their mean: what they have in common taken out, their differences kept. */
export function centered(vectors: readonly Vector[]): number[][] {
  const n = vectors.length
  const d = vectors[0]?.length ?? 0
  const mean = new Array<number>(d).fill(0)
  for (const v of vectors) for (let k = 0; k < d; k++) mean[k]! += v[k]! / n
  return vectors.map((v) => Array.from({ length: d }, (_, k) => v[k]! - mean[k]!))
}

export interface PcaMap {
  /** Each vector's coordinates on the first two principal components. */
  points: [number, number][]
  /** Share of the total variance along each of the two components, 0 to 1. */
  explained: [number, number]
}

/**
 * Projects the vectors onto their two directions of greatest variance. With n vectors of d
 * dimensions (n small, d in the thousands) the n × n Gram matrix of the centred vectors has the
 * same non-zero eigenvalues as the d × d covariance, so that is the matrix diagonalised.
 */
export function pca2d(vectors: readonly Vector[]): PcaMap {
  const n = vectors.length
  if (n === 0) return { points: [], explained: [0, 0] }
  const x = centered(vectors)
  const gram = x.map((a) => x.map((b) => dot(a, b)))
  const { values, vectors: eigen } = jacobiEigen(gram)
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!)
  const total = values.reduce((sum, v) => sum + Math.max(0, v), 0)
  const axis = (rank: number) => {
    const k = order[rank]
    if (k === undefined) return { scale: 0, u: new Array<number>(n).fill(0), share: 0 }
    const value = Math.max(0, values[k]!)
    const u = eigen.map((row) => row[k]!)
    // An eigenvector's sign is arbitrary: fix it so the same input always draws the same map.
    const largest = u.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0)
    const sign = largest < 0 ? -1 : 1
    return {
      scale: Math.sqrt(value),
      u: u.map((v) => v * sign),
      share: total > 0 ? value / total : 0,
    }
  }
  const first = axis(0)
  const second = axis(1)
  return {
    points: first.u.map((v, i) => [v * first.scale, second.u[i]! * second.scale]),
    explained: [first.share, second.share],
  }
}

/**
 * Eigenvalues and eigenvectors (as columns) of a symmetric matrix, by cyclic Jacobi rotations.
 * Exact to rounding for the tens of rows this is used on.
 */
export function jacobiEigen(matrix: readonly (readonly number[])[]): {
  values: number[]
  vectors: number[][]
} {
  const n = matrix.length
  const a = matrix.map((row) => [...row])
  const v = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0)),
  )
  const scale = a.reduce((sum, row) => sum + row.reduce((s, x) => s + x * x, 0), 0)
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2
    if (off <= scale * 1e-30 || off === 0) break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!
        if (apq === 0) continue
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!
          const akq = a[k]![q]!
          a[k]![p] = c * akp - s * akq
          a[k]![q] = s * akp + c * akq
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!
          const aqk = a[q]![k]!
          a[p]![k] = c * apk - s * aqk
          a[q]![k] = s * apk + c * aqk
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!
          const vkq = v[k]![q]!
          v[k]![p] = c * vkp - s * vkq
          v[k]![q] = s * vkp + c * vkq
        }
      }
    }
  }
  return { values: a.map((row, i) => row[i]!), vectors: v }
}

/** Squared Euclidean distance. */
export function distanceSquared(a: Vector, b: Vector): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += (a[i]! - (b[i] ?? 0)) ** 2
  return sum
}
