import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readTokenEmbeddings } from '../../src/main/engine/embeddings'
import { toAppError } from '../../src/shared/errors'
import { float16BitsToNumber, float32ToFloat16Bits } from '../../tools/gguf/float16'
import { ByteWriter } from '../../tools/gguf/byte-writer'
import {
  concatBytes,
  encodeGgufHeader,
  encodeGgufKv,
  encodeGgufTensorInfo,
  gguf,
  writeGguf,
} from '../../tools/gguf/writer'

const d = 64
const vocab = 4
const folder = mkdtempSync(join(tmpdir(), 'tokenscope-embd-'))
const value = (row: number, k: number) => Math.sin(row * 7 + k) * (row + 1)

function save(name: string, bytes: Uint8Array): string {
  const path = join(folder, name)
  writeFileSync(path, bytes)
  return path
}

/** A file whose only tensor, token_embd.weight, is stored as Q8_0: per 32 values a scale and 32 int8. */
function q8File(): { path: string; expected: number[][] } {
  const data = new ByteWriter()
  const expected: number[][] = []
  for (let row = 0; row < vocab; row++) {
    const values: number[] = []
    for (let block = 0; block < d / 32; block++) {
      const part = Array.from({ length: 32 }, (_, k) => value(row, block * 32 + k))
      const bits = float32ToFloat16Bits(Math.max(...part.map(Math.abs)) / 127)
      const scale = float16BitsToNumber(bits)
      data.scalar('u16', bits)
      for (const v of part) {
        const q = Math.round(v / scale)
        data.scalar('i8', q)
        values.push(q * scale)
      }
    }
    expected.push(values)
  }
  const header = new ByteWriter()
    .bytes(encodeGgufHeader({ tensorCount: 1, kvCount: 1 }))
    .bytes(encodeGgufKv({ key: 'general.alignment', value: gguf.u32(32) }))
    .bytes(
      encodeGgufTensorInfo({ name: 'token_embd.weight', dims: [d, vocab], ggmlType: 8, offset: 0 }),
    )
    .pad(32)
    .toBytes()
  return { path: save('q8.gguf', concatBytes(header, data.toBytes())), expected }
}

describe('reading tokens’ input embedding rows from a GGUF file', () => {
  it('decodes F16 rows', async () => {
    const data = Float32Array.from({ length: d * vocab }, (_, i) => value(Math.floor(i / d), i % d))
    const path = save(
      'f16.gguf',
      writeGguf({
        metadata: [],
        tensors: [{ name: 'token_embd.weight', dims: [d, vocab], type: 'f16', data }],
      }),
    )
    const result = await readTokenEmbeddings(path, { tokenIds: [3, 0], values: 5 })
    expect(result).toMatchObject({ dimensions: d, storage: 'F16', unreadable: null })
    const half = (v: number) => float16BitsToNumber(float32ToFloat16Bits(v))
    expect(result.rows).toEqual(
      [3, 0].map((row) => [0, 1, 2, 3, 4].map((k) => half(value(row, k)))),
    )
  })

  it('decodes Q8_0 rows across a block boundary', async () => {
    const { path, expected } = q8File()
    const result = await readTokenEmbeddings(path, { tokenIds: [1, 2], values: 32 + 4 })
    expect(result).toMatchObject({ dimensions: d, storage: 'Q8_0', unreadable: null })
    for (const [i, row] of [1, 2].entries())
      result.rows![i]!.forEach((v, k) => expect(v).toBeCloseTo(expected[row]![k]!, 6))
    expect(result.rows![0]).toHaveLength(36)
  })

  it('says why it cannot read a K-quantised table, and refuses an ID outside the vocabulary', async () => {
    const header = new ByteWriter()
      .bytes(encodeGgufHeader({ tensorCount: 1, kvCount: 0 }))
      .bytes(
        encodeGgufTensorInfo({
          name: 'token_embd.weight',
          dims: [256, 2],
          ggmlType: 12,
          offset: 0,
        }),
      )
      .pad(32)
      .toBytes()
    const k = save('q4k.gguf', concatBytes(header, new Uint8Array(144 * 2)))
    expect(await readTokenEmbeddings(k, { tokenIds: [0], values: 4 })).toEqual({
      dimensions: 256,
      storage: 'Q4_K',
      rows: null,
      unreadable: expect.stringMatching(/stored as Q4_K/),
    })
    const error = await readTokenEmbeddings(q8File().path, { tokenIds: [vocab], values: 4 }).catch(
      (e: unknown) => e,
    )
    expect(toAppError(error).message).toMatch(/outside the vocabulary/)
  })
})
