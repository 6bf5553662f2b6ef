/**
 * Fast, seeded Gaussian noise in half precision, for half a billion weights: each 16 random bits
 * pick one of 65,536 equally likely quantiles of N(0, std), already encoded as F16.
 */
import { float16BitsToNumber, float32ToFloat16Bits } from '../../tools/gguf/float16'

export function gaussianHalfTable(std: number): Uint16Array {
  const table = new Uint16Array(1 << 16)
  for (let i = 0; i < table.length; i++) {
    table[i] = float32ToFloat16Bits(std * inverseNormalCdf((i + 0.5) / table.length))
  }
  return table
}

export class HalfNoise {
  private state: number

  constructor(
    private readonly table: Uint16Array,
    seed: number,
  ) {
    this.state = seed >>> 0 || 0x9e3779b9
  }

  /** 32 random bits (xorshift32). */
  private next(): number {
    let x = this.state
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.state = x >>> 0
    return this.state
  }

  fillHalves(out: Uint16Array): void {
    const table = this.table
    for (let i = 0; i < out.length; i += 2) {
      const bits = this.next()
      out[i] = table[bits & 0xffff] ?? 0
      if (i + 1 < out.length) out[i + 1] = table[bits >>> 16] ?? 0
    }
  }

  fillNumbers(out: Float32Array): void {
    const halves = new Uint16Array(out.length)
    this.fillHalves(halves)
    halves.forEach((bits, i) => (out[i] = float16BitsToNumber(bits)))
  }
}

/** Φ⁻¹(p) by Acklam's rational approximation (relative error < 1.2e-9), ample for weights. */
export function inverseNormalCdf(p: number): number {
  const [a0, a1, a2, a3, a4, a5] = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ] as const
  const [b0, b1, b2, b3, b4] = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ] as const
  const [c0, c1, c2, c3, c4, c5] = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ] as const
  const [d0, d1, d2, d3] = [
    0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416,
  ] as const
  const tail = (q: number) =>
    (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
    ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
  const low = 0.02425
  if (p < low) return tail(Math.sqrt(-2 * Math.log(p)))
  if (p > 1 - low) return -tail(Math.sqrt(-2 * Math.log(1 - p)))
  const q = p - 0.5
  const r = q * q
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  )
}
