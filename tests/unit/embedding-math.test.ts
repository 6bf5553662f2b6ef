import { describe, expect, it } from 'vitest'
import {
  centered,
  cosine,
  distanceSquared,
  dot,
  jacobiEigen,
  pca2d,
  similarityMatrix,
} from '../../src/shared/embedding-math'
import { seededRandom } from '../helpers/hostile-models'

const randomVectors = (random: () => number, n: number, d: number) =>
  Array.from({ length: n }, () => Array.from({ length: d }, () => random() * 2 - 1))

describe('cosine similarity', () => {
  it('is 1 for parallel, -1 for opposite, 0 for orthogonal vectors and for a zero vector', () => {
    expect(cosine([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12)
    expect(cosine([1, 2, 3], [-1, -2, -3])).toBeCloseTo(-1, 12)
    expect(cosine([1, 0], [0, 5])).toBe(0)
    expect(cosine([0, 0], [1, 1])).toBe(0)
  })

  it('gives a symmetric matrix with ones on the diagonal, every entry within [-1, 1]', () => {
    const vectors = randomVectors(seededRandom(7), 12, 40)
    const matrix = similarityMatrix(vectors)
    for (let i = 0; i < vectors.length; i++) {
      expect(matrix[i]![i]).toBe(1)
      for (let j = 0; j < vectors.length; j++) {
        expect(matrix[i]![j]).toBe(matrix[j]![i])
        expect(Math.abs(matrix[i]![j]!)).toBeLessThanOrEqual(1)
        expect(matrix[i]![j]).toBeCloseTo(cosine(vectors[i]!, vectors[j]!), 12)
      }
    }
  })

  it('centring takes the common part out: the centred vectors sum to zero', () => {
    const shifted = randomVectors(seededRandom(3), 6, 10).map((v) => v.map((x) => x + 100))
    const c = centered(shifted)
    for (let k = 0; k < 10; k++) expect(c.reduce((sum, v) => sum + v[k]!, 0)).toBeCloseTo(0, 9)
    // Before centring the shared offset makes every pair look almost identical.
    expect(Math.min(...similarityMatrix(shifted).flat())).toBeGreaterThan(0.99)
    expect(Math.min(...similarityMatrix(c).flat())).toBeLessThan(0.5)
  })
})

describe('Jacobi eigen-decomposition', () => {
  it('reconstructs a symmetric matrix from orthonormal eigenvectors', () => {
    const x = randomVectors(seededRandom(11), 8, 5)
    const gram = x.map((a) => x.map((b) => dot(a, b)))
    const { values, vectors } = jacobiEigen(gram)
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) {
        let rebuilt = 0
        let identity = 0
        for (let k = 0; k < 8; k++) {
          rebuilt += vectors[i]![k]! * values[k]! * vectors[j]![k]!
          identity += vectors[k]![i]! * vectors[k]![j]!
        }
        expect(rebuilt).toBeCloseTo(gram[i]![j]!, 9)
        expect(identity).toBeCloseTo(i === j ? 1 : 0, 9)
      }
    }
  })
})

describe('PCA map', () => {
  it('keeps exact distances and explains all the variance when the points lie in a plane', () => {
    const random = seededRandom(5)
    const u = randomVectors(random, 1, 30)[0]!
    const v = randomVectors(random, 1, 30)[0]!
    const points = Array.from({ length: 10 }, () => {
      const a = random() * 4 - 2
      const b = random() * 4 - 2
      return u.map((x, k) => 3 + a * x + b * v[k]!)
    })
    const map = pca2d(points)
    expect(map.explained[0] + map.explained[1]).toBeCloseTo(1, 9)
    expect(map.explained[0]).toBeGreaterThanOrEqual(map.explained[1])
    for (let i = 0; i < 10; i++)
      for (let j = 0; j < 10; j++)
        expect(distanceSquared(map.points[i]!, map.points[j]!)).toBeCloseTo(
          distanceSquared(points[i]!, points[j]!),
          6,
        )
  })

  /*
   * The map drops each point's residual r (its part off the plane). For any pair,
   *   0 ≤ d² − d²map = |r_i − r_j|² ≤ 2|r_i|² + 2|r_j|² ≤ 4 · Σ|r|² = 4 · (1 − explained) · Σ|x − mean|²,
   * so two pairs whose true squared distances differ by more than that bound keep their order.
   */
  it.each([
    ['nearly planar', 0.05],
    ['noisy', 0.6],
    ['no structure at all', 5],
  ])(
    'orders pairwise distances as the full space does, within the explained variance (%s)',
    (_name, noise) => {
      const random = seededRandom(noise * 1000 + 1)
      const d = 64
      const basis = randomVectors(random, 2, d)
      const points = Array.from({ length: 14 }, () => {
        const a = random() * 6 - 3
        const b = random() * 6 - 3
        return basis[0]!.map((x, k) => a * x + b * basis[1]![k]! + noise * (random() * 2 - 1))
      })
      const map = pca2d(points)
      const c = centered(points)
      const total = c.reduce((sum, v) => sum + dot(v, v), 0)
      const residual = (1 - map.explained[0] - map.explained[1]) * total
      const bound = 4 * residual + 1e-9
      const pairs: { full: number; mapped: number }[] = []
      for (let i = 0; i < points.length; i++)
        for (let j = i + 1; j < points.length; j++) {
          const full = distanceSquared(points[i]!, points[j]!)
          const mapped = distanceSquared(map.points[i]!, map.points[j]!)
          expect(mapped).toBeLessThanOrEqual(full + 1e-9)
          expect(full - mapped).toBeLessThanOrEqual(bound)
          pairs.push({ full, mapped })
        }
      let compared = 0
      for (const p of pairs)
        for (const q of pairs)
          if (p.full - q.full > bound) {
            expect(p.mapped).toBeGreaterThan(q.mapped)
            compared++
          }
      if (noise < 0.1) {
        expect(map.explained[0] + map.explained[1]).toBeGreaterThan(0.99)
        expect(compared).toBeGreaterThan(pairs.length)
      }
    },
  )

  it('draws the same map for the same input and handles one or two points', () => {
    const vectors = randomVectors(seededRandom(9), 5, 8)
    expect(pca2d(vectors)).toEqual(pca2d(vectors))
    expect(pca2d([[1, 2, 3]]).points).toEqual([[0, 0]])
    const two = pca2d([
      [0, 0],
      [3, 4],
    ])
    expect(two.explained[0]).toBeCloseTo(1, 12)
    expect(distanceSquared(two.points[0]!, two.points[1]!)).toBeCloseTo(25, 9)
    expect(pca2d([])).toEqual({ points: [], explained: [0, 0] })
  })
})
