/** Half-precision floats (ggml type F16), which JavaScript has no typed array for in Node 20. */

const f32Scratch = new Float32Array(1)
const f32ScratchBits = new Uint32Array(f32Scratch.buffer)

/** IEEE 754 half-precision bits of `value`, rounded to nearest, ties to even (as numpy does). */
export function float32ToFloat16Bits(value: number): number {
  f32Scratch[0] = value
  const bits = f32ScratchBits[0] ?? 0
  const sign = (bits >>> 16) & 0x8000
  const biasedExponent = (bits >>> 23) & 0xff
  const mantissa = bits & 0x7fffff
  if (biasedExponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0)
  // Rebias from float32 (127) to float16 (15).
  const exponent = biasedExponent - 112
  if (exponent >= 0x1f) return sign | 0x7c00
  if (exponent <= 0) {
    if (exponent < -10) return sign
    // Subnormal half: the implicit leading one becomes an explicit mantissa bit.
    return sign | roundShift(mantissa | 0x800000, 14 - exponent)
  }
  // A rounding carry out of the mantissa moves into the exponent, which is the right result.
  return sign | ((exponent << 10) + roundShift(mantissa, 13))
}

/** `value >> shift`, rounded to nearest, ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift
  const rest = value & ((1 << shift) - 1)
  const half = 1 << (shift - 1)
  return kept + (rest > half || (rest === half && (kept & 1) === 1) ? 1 : 0)
}

/** The number that half-precision `bits` stand for (exact: every half is a float32 and a double). */
export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >>> 10) & 0x1f
  const mantissa = bits & 0x3ff
  if (exponent === 0x1f) return mantissa !== 0 ? NaN : sign * Infinity
  if (exponent === 0) return sign * mantissa * 2 ** -24
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15)
}
