import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getF32Tensor, parseGguf } from '../../src/main/gguf/reader'
import type { GgufKv } from '../../src/main/gguf/format'
import { writeGguf } from '../../tools/gguf/writer'
import { demoModelPath } from './engine-harness'

/**
 * Splits the demo model into `name-00001-of-00002.gguf` and `…-00002-of-00002.gguf` the way
 * llama.cpp's gguf-split does: every part names its number, the part count and the total number
 * of tensors; the first part carries the model's metadata.
 */
export function writeSplitDemoModel(): { folder: string; first: string; second: string } {
  const bytes = readFileSync(demoModelPath)
  const file = parseGguf(bytes)
  const tensors = file.tensors.map((t) => ({
    name: t.name,
    dims: t.dims,
    data: getF32Tensor(file, bytes, t.name),
  }))
  const half = Math.ceil(tensors.length / 2)
  const split = (no: number): GgufKv[] => [
    { key: 'split.no', value: { type: 'u16', value: no } },
    { key: 'split.count', value: { type: 'u16', value: 2 } },
    { key: 'split.tensors.count', value: { type: 'i32', value: tensors.length } },
  ]
  const metadata = [...file.metadata]
    .filter(([key]) => key !== 'general.alignment')
    .map(([key, value]): GgufKv => ({ key, value }))
  const folder = mkdtempSync(join(tmpdir(), 'tokenscope-split-'))
  const first = join(folder, 'demo-00001-of-00002.gguf')
  const second = join(folder, 'demo-00002-of-00002.gguf')
  writeFileSync(
    first,
    writeGguf({ metadata: [...metadata, ...split(0)], tensors: tensors.slice(0, half) }),
  )
  writeFileSync(second, writeGguf({ metadata: split(1), tensors: tensors.slice(half) }))
  return { folder, first, second }
}
