import { describe, expect, it } from 'vitest'
import { float16BitsToNumber, float32ToFloat16Bits } from '../../tools/gguf/float16'
import { parseGguf } from '../../src/main/gguf/reader'
import {
  encodeGgufPreamble,
  encodeGgufTensorData,
  gguf,
  ggufTensorDataBytes,
  writeGguf,
  type GgufTensorInput,
} from '../../tools/gguf/writer'
import { GGML_TYPE_F16, GGML_TYPE_F32 } from '../../src/main/gguf/format'

/** The float32 just above or below `value` (positive, finite). */
function nextFloat32(value: number, direction: 1 | -1): number {
  const bits = new Uint32Array(Float32Array.of(value).buffer)
  bits[0] = (bits[0] ?? 0) + direction
  return new Float32Array(bits.buffer)[0] ?? NaN
}

describe('float32 → float16 conversion', () => {
  it('encodes well-known values', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [1 / 3, 0x3555],
      [0.1, 0x2e66],
      [65504, 0x7bff],
      [2 ** -14, 0x0400],
      [2 ** -24, 0x0001],
      [Infinity, 0x7c00],
      [-Infinity, 0xfc00],
      [1e6, 0x7c00],
      [1e-9, 0x0000],
      [-1e-9, 0x8000],
    ]
    for (const [value, bits] of cases) expect(float32ToFloat16Bits(value), `${value}`).toBe(bits)
    expect(float32ToFloat16Bits(NaN) & 0x7e00).toBe(0x7e00)
  })

  it('gives back every half-precision number exactly', () => {
    const wrong: number[] = []
    for (let bits = 0; bits < 0x10000; bits++) {
      const notANumber = ((bits >>> 10) & 0x1f) === 0x1f && (bits & 0x3ff) !== 0
      if (!notANumber && float32ToFloat16Bits(float16BitsToNumber(bits)) !== bits) wrong.push(bits)
    }
    expect(wrong).toEqual([])
  })

  it('rounds to nearest with ties to even, between every pair of neighbouring halves', () => {
    const wrong: string[] = []
    const check = (value: number, expected: number) => {
      const actual = float32ToFloat16Bits(value)
      if (actual !== expected)
        wrong.push(`${value} → ${actual.toString(16)}, not ${expected.toString(16)}`)
    }
    // 0x7c00 (infinity) stands for 2^16 here: 65520 and up overflow, as IEEE 754 says.
    for (let low = 0; low < 0x7c00; low++) {
      const high = low + 1
      const lowValue = float16BitsToNumber(low)
      const highValue = high === 0x7c00 ? 65536 : float16BitsToNumber(high)
      const midpoint = (lowValue + highValue) / 2
      const even = low % 2 === 0 ? low : high
      check(midpoint, even)
      check(-midpoint, even | 0x8000)
      check(nextFloat32(midpoint, -1), low)
      check(nextFloat32(midpoint, 1), high)
    }
    expect(wrong).toEqual([])
  })
})

describe('GGUF writer with F16 tensors', () => {
  const halfTensor: GgufTensorInput = {
    name: 'half',
    dims: [3],
    type: 'f16',
    data: Float32Array.from([1, -0.5, 0.1]),
  }
  const floatTensor: GgufTensorInput = {
    name: 'float',
    dims: [2],
    data: Float32Array.from([2, 3]),
  }

  it('stores ggml type 1, two little-endian bytes per value, each tensor aligned', () => {
    const bytes = writeGguf({ metadata: [], tensors: [halfTensor, floatTensor] })
    const file = parseGguf(bytes)
    expect(
      file.tensors.map(({ name, ggmlType, offset, byteSize }) => [
        name,
        ggmlType,
        offset,
        byteSize,
      ]),
    ).toEqual([
      ['half', GGML_TYPE_F16, 0, 6],
      ['float', GGML_TYPE_F32, 32, 8],
    ])
    const view = new DataView(bytes.buffer, bytes.byteOffset + file.dataOffset)
    expect([0, 2, 4].map((at) => view.getUint16(at, true))).toEqual([0x3c00, 0xb800, 0x2e66])
    expect([6, 31].map((at) => view.getUint8(at))).toEqual([0, 0])
    expect([view.getFloat32(32, true), view.getFloat32(36, true)]).toEqual([2, 3])
  })

  it('writes F32 exactly as before when no type is given', () => {
    const typed = writeGguf({ metadata: [], tensors: [{ ...floatTensor, type: 'f32' }] })
    expect(writeGguf({ metadata: [], tensors: [floatTensor] })).toEqual(typed)
  })

  it('can be written piece by piece: preamble, then each tensor padded to the alignment', () => {
    const metadata = [{ key: 'general.name', value: gguf.string('pieces') }]
    const tensors = [halfTensor, floatTensor]
    const preamble = encodeGgufPreamble(metadata, tensors)
    const pieces: number[] = [...preamble.bytes]
    for (const tensor of tensors) {
      const data = encodeGgufTensorData(tensor)
      expect(data.length).toBe(ggufTensorDataBytes(tensor))
      const padding = (preamble.alignment - (data.length % preamble.alignment)) % preamble.alignment
      pieces.push(...data, ...new Uint8Array(padding))
    }
    expect(Uint8Array.from(pieces)).toEqual(writeGguf({ metadata, tensors }))
  })
})
