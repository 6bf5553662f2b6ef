import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { getF32Tensor, parseGguf, parseWithin, readGgufFileInfo } from '../../src/main/gguf/reader'
import { ByteWriter } from '../../tools/gguf/byte-writer'
import {
  concatBytes,
  encodeGgufHeader,
  encodeGgufKv,
  encodeGgufTensorInfo,
  gguf,
  writeGguf,
} from '../../tools/gguf/writer'
import { GgufFormatError, type GgufKv } from '../../src/main/gguf/format'

const everyKindOfValue: GgufKv[] = [
  { key: 'test.u8', value: { type: 'u8', value: 255 } },
  { key: 'test.i8', value: { type: 'i8', value: -128 } },
  { key: 'test.u16', value: { type: 'u16', value: 65535 } },
  { key: 'test.i16', value: { type: 'i16', value: -32768 } },
  { key: 'test.u32', value: gguf.u32(4294967295) },
  { key: 'test.i32', value: gguf.i32(-2147483648) },
  { key: 'test.u64', value: gguf.u64(2n ** 64n - 1n) },
  { key: 'test.i64', value: { type: 'i64', value: -(2n ** 63n) } },
  { key: 'test.f32', value: gguf.f32(0.375) },
  { key: 'test.f64', value: gguf.f64(Math.PI) },
  { key: 'test.bool', value: gguf.bool(true) },
  { key: 'test.string', value: gguf.string('naïve ≈ 🙂') },
  { key: 'test.strings', value: gguf.strings(['', 'a b', 'Ġhello']) },
  { key: 'test.i32s', value: gguf.i32s([1, -2, 3]) },
  { key: 'test.f32s', value: gguf.f32s([0.5, -1.25]) },
  { key: 'test.u64s', value: { type: 'array', itemType: 'u64', value: [0n, 7n] } },
  { key: 'test.bools', value: { type: 'array', itemType: 'bool', value: [true, false] } },
  { key: 'test.empty', value: gguf.strings([]) },
]

const tensors = [
  { name: 'matrix', dims: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6.5]) },
  { name: 'vector', dims: [5], data: Float32Array.from([-1, 0, 1, 2, 3]) },
]

function sampleFile(): Uint8Array {
  return writeGguf({ metadata: everyKindOfValue, tensors })
}

/** Parses and reports the error message, or fails if parsing succeeds. */
function rejection(bytes: Uint8Array): string {
  const startedAt = performance.now()
  try {
    parseGguf(bytes)
  } catch (error) {
    expect(error).toBeInstanceOf(GgufFormatError)
    expect(performance.now() - startedAt).toBeLessThan(200)
    return (error as Error).message
  }
  throw new Error('parseGguf accepted a corrupt file')
}

const header = (kvCount: number | bigint, tensorCount: number | bigint = 0): Uint8Array =>
  encodeGgufHeader({ version: 3, tensorCount, kvCount })

describe('GGUF writer and reader', () => {
  it('round-trips every metadata type and F32 tensors', () => {
    const bytes = sampleFile()
    const file = parseGguf(bytes)
    expect(file.version).toBe(3)
    expect(file.alignment).toBe(32)
    expect(file.metadata.get('general.alignment')).toEqual(gguf.u32(32))
    for (const { key, value } of everyKindOfValue) expect(file.metadata.get(key)).toEqual(value)
    expect(file.tensors.map(({ name, dims, offset }) => ({ name, dims, offset }))).toEqual([
      { name: 'matrix', dims: [3, 2], offset: 0 },
      { name: 'vector', dims: [5], offset: 32 },
    ])
    expect(file.dataOffset % 32).toBe(0)
    expect(bytes.length % 32).toBe(0)
    for (const tensor of tensors)
      expect(getF32Tensor(file, bytes, tensor.name)).toEqual(tensor.data)
  })

  it('honours an alignment declared in the metadata', () => {
    const metadata = [{ key: 'general.alignment', value: gguf.u32(64) }]
    const bytes = writeGguf({ metadata, tensors })
    const file = parseGguf(bytes)
    expect(file.alignment).toBe(64)
    expect(file.dataOffset % 64).toBe(0)
    expect(file.tensors[1]?.offset).toBe(64)
    expect(getF32Tensor(file, bytes, 'vector')).toEqual(tensors[1]?.data)
  })

  it('writes identical bytes for identical input', () => {
    expect(sampleFile()).toEqual(sampleFile())
  })

  it('refuses values and shapes it cannot write faithfully', () => {
    expect(() => encodeGgufKv({ key: 'k', value: { type: 'u8', value: 256 } })).toThrow(RangeError)
    expect(() => encodeGgufKv({ key: 'k', value: gguf.u32(1.5) })).toThrow(RangeError)
    expect(() =>
      writeGguf({ metadata: [], tensors: [{ name: 't', dims: [4], data: new Float32Array(3) }] }),
    ).toThrow(/need 4 values/)
    expect(() => writeGguf({ metadata: [], tensors: [], alignment: 24 })).toThrow(/power of two/)
    const duplicate = { key: 'a', value: gguf.bool(true) }
    expect(() => writeGguf({ metadata: [duplicate, duplicate], tensors: [] })).toThrow(/unique/)
  })

  it('reads the metadata of a file larger than its first read', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'gguf-'))
    const path = join(directory, 'big-metadata.gguf')
    const manyTokens = Array.from({ length: 200_000 }, (_, i) => `token-${i}`)
    writeFileSync(
      path,
      writeGguf({ metadata: [{ key: 'tokens', value: gguf.strings(manyTokens) }], tensors }),
    )
    try {
      const file = await readGgufFileInfo(path)
      expect(file.metadata.get('tokens')).toEqual(gguf.strings(manyTokens))
      expect(file.tensors).toHaveLength(2)
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })
})

describe('GGUF reader on corrupt input', () => {
  it('rejects a wrong magic and unsupported versions', () => {
    expect(
      rejection(concatBytes(encodeGgufHeader({ magic: 'GGML', tensorCount: 0, kvCount: 0 }))),
    ).toMatch(/Not a GGUF file/)
    expect(rejection(encodeGgufHeader({ version: 1, tensorCount: 0, kvCount: 0 }))).toMatch(
      /version 1/,
    )
    expect(rejection(new Uint8Array(7))).toMatch(/too small/)
  })

  it('does not repeat the first bytes of a file that is not a model', () => {
    const secret = new TextEncoder().encode('root:$6$saltsalt$hash:19000:0:99999:7:::\n'.repeat(4))
    const message = rejection(secret)
    expect(message).toMatch(/Not a GGUF file/)
    expect(message).not.toMatch(/root/)
  })

  it('rejects every truncation of a valid file that cuts into its data', () => {
    const bytes = sampleFile()
    const endOfLastTensor = parseGguf(bytes).dataOffset + 32 + 5 * 4
    for (let length = 0; length < endOfLastTensor; length += 1) {
      expect(() => parseGguf(bytes.subarray(0, length)), `prefix of ${length} bytes`).toThrow(
        GgufFormatError,
      )
    }
  })

  it('rejects absurd counts before allocating anything', () => {
    expect(rejection(header(2n ** 40n))).toMatch(
      /Metadata count is 1099511627776; the limit is 65536/,
    )
    expect(rejection(header(0, 10_000_000))).toMatch(/Tensor count is 10000000/)
    expect(rejection(header(1000))).toMatch(/Metadata count is 1000, but only 0 bytes remain/)
    expect(rejection(header(2n ** 63n))).toMatch(/metadata count is absurd/)
  })

  it('rejects absurd string and array lengths', () => {
    const hugeKey = new ByteWriter().u64(2n ** 50n).toBytes()
    expect(rejection(concatBytes(header(1), hugeKey, new Uint8Array(64)))).toMatch(
      /key of metadata entry 0 is 1125899906842624 bytes long/,
    )
    const hugeArray = new ByteWriter()
      .string('tokens')
      .u32(9)
      .u32(8)
      .u64(2n ** 40n)
      .toBytes()
    expect(rejection(concatBytes(header(1), hugeArray))).toMatch(
      /Length of array tokens is 1099511627776/,
    )
    // Bounded in absolute terms too: a sparse or huge file has room for anything.
    const roomy = (bytes: Uint8Array, room: number): string => {
      const startedAt = performance.now()
      try {
        parseWithin(bytes, room)
      } catch (error) {
        expect(error).toBeInstanceOf(GgufFormatError)
        expect(performance.now() - startedAt).toBeLessThan(200)
        return (error as Error).message
      }
      throw new Error('accepted')
    }
    const u8Array = new ByteWriter()
      .string('bytes')
      .u32(9)
      .u32(0)
      .u64(2n ** 34n)
      .toBytes()
    expect(roomy(concatBytes(header(1), u8Array), 2 ** 40)).toMatch(
      /Length of array bytes is 17179869184; the limit is 4194304/,
    )
    const longString = new ByteWriter().string('general.name').u32(8).u64(95_000_000).toBytes()
    expect(roomy(concatBytes(header(1), longString), 2 ** 40)).toMatch(
      /general.name is 95000000 bytes long; the limit is 67108864/,
    )
    expect(roomy(header(0, 100_000_000), 2 ** 32)).toMatch(
      /Tensor count is 100000000; the limit is 65536/,
    )
    const hugeValue = new ByteWriter().string('name').u32(8).u64(1_000_000).toBytes()
    expect(rejection(concatBytes(header(1), hugeValue))).toMatch(/truncated/)
  })

  it('rejects malformed metadata', () => {
    const unknownType = new ByteWriter().string('k').u32(99).toBytes()
    expect(rejection(concatBytes(header(1), unknownType))).toMatch(/unknown value type 99/)
    const nested = new ByteWriter().string('k').u32(9).u32(9).u64(0).toBytes()
    expect(rejection(concatBytes(header(1), nested))).toMatch(/nested arrays/)
    const kv = encodeGgufKv({ key: 'k', value: gguf.bool(true) })
    expect(rejection(concatBytes(header(2), kv, kv))).toMatch(/Duplicate metadata key k/)
    const badAlignment = encodeGgufKv({ key: 'general.alignment', value: gguf.u32(24) })
    expect(rejection(concatBytes(header(1), badAlignment))).toMatch(/power of two/)
  })

  it('rejects malformed tensor infos', () => {
    const info = (
      dims: Array<number | bigint>,
      offset: number | bigint = 0,
      name = 't',
    ): Uint8Array => encodeGgufTensorInfo({ name, dims, ggmlType: 0, offset })
    const withPadding = (...parts: Uint8Array[]): Uint8Array =>
      concatBytes(...parts, new Uint8Array(64))
    expect(rejection(withPadding(header(0, 1), info([1, 1, 1, 1, 1])))).toMatch(/5 dimensions/)
    expect(rejection(withPadding(header(0, 1), info([2n ** 40n, 2n ** 40n])))).toMatch(
      /absurd element count/,
    )
    expect(rejection(withPadding(header(0, 1), info([2n ** 60n])))).toMatch(
      /dimension 0 of t is absurd/,
    )
    expect(rejection(withPadding(header(0, 1), info([4], 8)))).toMatch(/not aligned/)
    expect(rejection(withPadding(header(0, 1), info([1000])))).toMatch(/past the end of the file/)
    expect(rejection(withPadding(header(0, 2), info([4]), info([4], 32)))).toMatch(
      /Duplicate tensor name t/,
    )
    const unknownType = encodeGgufTensorInfo({ name: 't', dims: [4], ggmlType: 9999, offset: 0 })
    expect(rejection(withPadding(header(0, 1), unknownType))).toMatch(/unknown ggml type 9999/)
    expect(rejection(withPadding(header(0, 1), info([4], 0, 'x'.repeat(300))))).toMatch(
      /name of tensor 0 is 300 bytes long; the limit is 256/,
    )
    const controlKey = encodeGgufKv({ key: `k\u0000${'y'.repeat(500)}`, value: gguf.bool(true) })
    const message = rejection(concatBytes(header(2), controlKey, controlKey))
    expect(message).toMatch(/Duplicate metadata key k\?y+…$/)
    expect(message.length).toBeLessThan(120)
  })
})
