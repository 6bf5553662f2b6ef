import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  concatBytes,
  encodeGgufHeader,
  encodeGgufKv,
  encodeGgufTensorInfo,
  gguf,
} from '../../tools/gguf/writer'
import { demoModelPath } from './engine-harness'

/** Files a user might point Tokenscope at by mistake or malice, written to a temp folder. */
export function writeBadModels(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenscope-bad-'))
  const demo = readFileSync(demoModelPath)
  const u64 = (value: bigint) => {
    const bytes = Buffer.alloc(8)
    bytes.writeBigUInt64LE(value)
    return bytes
  }
  const files: Record<string, Uint8Array> = {
    'not-a-model.gguf': new TextEncoder().encode('This is a text file, not a model.\n'.repeat(20)),
    'truncated-metadata.gguf': demo.subarray(0, 4096),
    'truncated-tensors.gguf': demo.subarray(0, Math.floor(demo.length * 0.6)),
    'absurd-counts.gguf': concatBytes(
      encodeGgufHeader({ tensorCount: 2n ** 62n, kvCount: 2n ** 62n }),
      new Uint8Array(64),
    ),
    'absurd-string-length.gguf': concatBytes(
      encodeGgufHeader({ tensorCount: 0, kvCount: 1 }),
      u64(2n ** 60n),
      new TextEncoder().encode('general.architecture'),
      new Uint8Array(64),
    ),
    'absurd-array-length.gguf': concatBytes(
      encodeGgufHeader({ tensorCount: 0, kvCount: 2 }),
      encodeGgufKv({ key: 'general.architecture', value: gguf.string('llama') }),
      new Uint8Array([
        ...Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]),
        ...Buffer.from('tok'),
        9,
        0,
        0,
        0,
        8,
        0,
        0,
        0,
      ]),
      u64(2n ** 40n),
      new Uint8Array(64),
    ),
    'absurd-tensor-size.gguf': concatBytes(
      encodeGgufHeader({ tensorCount: 1, kvCount: 1 }),
      encodeGgufKv({ key: 'general.architecture', value: gguf.string('llama') }),
      encodeGgufTensorInfo({
        name: 'token_embd.weight',
        dims: [2n ** 31n, 2n ** 31n],
        ggmlType: 0,
        offset: 0,
      }),
      new Uint8Array(256),
    ),
    'wrong-version.gguf': concatBytes(
      encodeGgufHeader({ version: 99, tensorCount: 0, kvCount: 0 }),
      new Uint8Array(64),
    ),
  }
  const paths: Record<string, string> = { 'missing.gguf': join(dir, 'missing.gguf'), folder: dir }
  for (const [name, bytes] of Object.entries(files)) {
    paths[name] = join(dir, name)
    writeFileSync(paths[name], bytes)
  }
  return paths
}
