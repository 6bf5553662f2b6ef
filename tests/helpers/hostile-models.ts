import { execFileSync } from 'node:child_process'
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { GgufKv, GgufValue } from '../../src/main/gguf/format'
import { parseGguf } from '../../src/main/gguf/reader'
import { ByteWriter } from '../../tools/gguf/byte-writer'
import {
  concatBytes,
  encodeGgufHeader,
  encodeGgufKv,
  encodeGgufPreamble,
  encodeGgufTensorInfo,
  gguf,
} from '../../tools/gguf/writer'
import { demoModelPath } from './engine-harness'
import { seededRandom as seededSignedRandom } from '../../tools/demo-model/weights'

/**
 * What a hostile case is expected to do:
 * - `refused`: inspect and load both fail with a clear message; a folder scan lists it as an error.
 * - `loads`: a valid model with a hostile detail (a huge name, a template bomb); it inspects and
 *   loads, and the hostile part is bounded where it is used.
 * - `refused-by-llama`: passes the preflight, and llama.cpp itself refuses the load.
 */
export type HostileExpectation = 'refused' | 'loads' | 'refused-by-llama'

export interface HostileCase {
  name: string
  path: string
  expect: HostileExpectation
  /** Whether a folder scan should see it (FIFOs, loops and folders are listed too). */
  scanned: boolean
}

const u64 = (value: bigint) => new ByteWriter().u64(value).toBytes()
const u32 = (value: number) => new ByteWriter().u32(value).toBytes()

/** The demo model with its metadata changed: `null` removes a key. Tensors are kept as they are. */
export function demoWith(
  changes: Record<string, GgufValue | null>,
  tensorChange?: (layouts: Array<{ name: string; dims: number[] }>) => void,
): Uint8Array {
  const demo = readFileSync(demoModelPath)
  const file = parseGguf(demo)
  const metadata: GgufKv[] = []
  for (const [key, value] of file.metadata) {
    if (key in changes) continue
    metadata.push({ key, value })
  }
  for (const [key, value] of Object.entries(changes)) if (value) metadata.push({ key, value })
  const layouts = file.tensors.map((t) => ({ name: t.name, dims: [...t.dims] }))
  tensorChange?.(layouts)
  const { bytes } = encodeGgufPreamble(metadata, layouts)
  return concatBytes(bytes, demo.subarray(file.dataOffset))
}

const controlCharacters = (length: number) => {
  const bytes = Buffer.alloc(length)
  for (let i = 0; i < length; i++) bytes[i] = (i % 31) + 1
  return bytes.toString('latin1')
}

/** Bytes of a file with a header and one metadata entry written by hand. */
const oneEntry = (entry: Uint8Array, tensors = 0n) =>
  concatBytes(encodeGgufHeader({ tensorCount: tensors, kvCount: 1 }), entry, new Uint8Array(256))

/**
 * Writes the hostile corpus (issue 13) to a fresh temp folder: files that are empty, lie about
 * their sizes, claim absurd counts, crash llama.cpp's asserts, hide template bombs, or are not
 * files at all. Returns every case and the folder.
 */
export function writeHostileModels(): { folder: string; cases: HostileCase[] } {
  const folder = mkdtempSync(join(tmpdir(), 'tokenscope-hostile-'))
  const demo = readFileSync(demoModelPath)
  const cases: HostileCase[] = []
  const add = (name: string, bytes: Uint8Array, expect: HostileExpectation = 'refused') => {
    const path = join(folder, name)
    writeFileSync(path, bytes)
    cases.push({ name, path, expect, scanned: true })
    return path
  }
  /** A small head followed by a sparse hole: the file claims gigabytes it never stored. */
  const sparse = (name: string, head: Uint8Array, size: number) => {
    const path = add(name, head)
    execFileSync('truncate', ['-s', String(size), path])
    return path
  }
  const valid = { 'general.architecture': gguf.string('llama') }
  const kv = (key: string, value: GgufValue) => encodeGgufKv({ key, value })

  add('empty.gguf', new Uint8Array(0))
  add('wrong-magic.gguf', concatBytes(new TextEncoder().encode('GGUX'), demo.subarray(4, 4096)))
  add(
    'version-0.gguf',
    concatBytes(encodeGgufHeader({ version: 0, tensorCount: 0, kvCount: 0 }), new Uint8Array(64)),
  )
  add(
    'version-99.gguf',
    concatBytes(encodeGgufHeader({ version: 99, tensorCount: 0, kvCount: 0 }), new Uint8Array(64)),
  )
  add(
    'kv-count-2e63.gguf',
    concatBytes(encodeGgufHeader({ tensorCount: 0, kvCount: 2n ** 63n }), new Uint8Array(64)),
  )
  add(
    'tensor-count-2e63.gguf',
    concatBytes(encodeGgufHeader({ tensorCount: 2n ** 63n, kvCount: 0 }), new Uint8Array(64)),
  )
  add(
    'string-length-2e63.gguf',
    oneEntry(concatBytes(u64(2n ** 63n), new TextEncoder().encode('general.name'))),
  )
  add(
    'unknown-value-type.gguf',
    oneEntry(concatBytes(new ByteWriter().string('general.name').toBytes(), u32(99))),
  )
  add(
    'nested-array.gguf',
    oneEntry(concatBytes(new ByteWriter().string('k').toBytes(), u32(9), u32(9), u64(1n))),
  )
  add(
    'duplicate-keys.gguf',
    concatBytes(
      encodeGgufHeader({ tensorCount: 0, kvCount: 2 }),
      kv('general.architecture', gguf.string('llama')),
      kv('general.architecture', gguf.string('llama')),
      new Uint8Array(64),
    ),
  )
  // general.alignment is the demo's first entry: its u32 value follows the 24-byte header, the
  // key (8 + 17 bytes) and the type (4 bytes).
  const badAlignment = Buffer.from(demo)
  badAlignment.writeUInt32LE(48, 24 + 8 + 17 + 4)
  add('bad-alignment.gguf', badAlignment)
  add('truncated-header.gguf', demo.subarray(0, 20))
  add('truncated-metadata.gguf', demo.subarray(0, 4096))
  add('truncated-tensors.gguf', demo.subarray(0, Math.floor(demo.length * 0.6)))
  const tensorFile = (info: Parameters<typeof encodeGgufTensorInfo>[0]) =>
    concatBytes(
      encodeGgufHeader({ tensorCount: 1, kvCount: 1 }),
      kv('general.architecture', valid['general.architecture']),
      encodeGgufTensorInfo(info),
      new Uint8Array(256),
    )
  add(
    'offset-past-end.gguf',
    tensorFile({ name: 'token_embd.weight', dims: [4], ggmlType: 0, offset: 2n ** 40n }),
  )
  add(
    'overflowing-dims.gguf',
    tensorFile({
      name: 'token_embd.weight',
      dims: [2n ** 31n, 2n ** 31n, 2n ** 31n],
      ggmlType: 0,
      offset: 0,
    }),
  )
  add(
    'negative-dim.gguf',
    tensorFile({ name: 'token_embd.weight', dims: [2n ** 64n - 4n], ggmlType: 0, offset: 0 }),
  )
  add(
    'unknown-ggml-type.gguf',
    tensorFile({ name: 'token_embd.weight', dims: [4], ggmlType: 9999, offset: 0 }),
  )
  add(
    'too-many-dims.gguf',
    tensorFile({ name: 'token_embd.weight', dims: [1, 1, 1, 1, 1], ggmlType: 0, offset: 0 }),
  )
  // Bounded in absolute terms: the file is large enough (sparse) for every one of these claims.
  sparse(
    'u8-array-2e34.gguf',
    oneEntry(
      concatBytes(
        new ByteWriter().string('tokenizer.ggml.precompiled_charsmap').toBytes(),
        u32(9),
        u32(0),
        u64(2n ** 34n),
      ),
    ),
    2 ** 35,
  )
  sparse(
    'tensors-100m-sparse-4g.gguf',
    concatBytes(
      encodeGgufHeader({ tensorCount: 100_000_000, kvCount: 1 }),
      kv('general.architecture', gguf.string('llama')),
    ),
    4 * 2 ** 30,
  )
  sparse(
    'long-string-sparse.gguf',
    oneEntry(
      concatBytes(new ByteWriter().string('general.name').toBytes(), u32(8), u64(60_000_000n)),
    ),
    2 ** 33,
  )
  sparse('zeros-sparse-6g.gguf', new Uint8Array(0), 6 * 2 ** 30)
  // A 95 MB name of control characters: over the string limit.
  add('name-95mb.gguf', demoWith({ 'general.name': gguf.string(controlCharacters(95_000_000)) }))
  // What llama.cpp asserts on (or divides by zero with).
  add('head-count-0.gguf', demoWith({ 'llama.attention.head_count': gguf.u32(0) }))
  add('no-head-count.gguf', demoWith({ 'llama.attention.head_count': null }))
  add('block-count-100000.gguf', demoWith({ 'llama.block_count': gguf.u32(100_000) }))
  add(
    'embd-not-divisible.gguf',
    demoWith({
      'llama.attention.head_count': gguf.u32(3),
      'llama.attention.head_count_kv': gguf.u32(3),
    }),
  )
  add('kv-heads-not-divisor.gguf', demoWith({ 'llama.attention.head_count_kv': gguf.u32(3) }))
  // llama.cpp itself refuses these: its reason must reach the user.
  add(
    'unknown-architecture.gguf',
    demoWith({ 'general.architecture': gguf.string('nonexistent') }),
    'refused-by-llama',
  )
  add(
    'wrong-tensor-shape.gguf',
    demoWith({}, (layouts) => {
      const embd = layouts.find((t) => t.name === 'token_embd.weight')
      if (embd) embd.dims = [embd.dims[1] ?? 0, embd.dims[0] ?? 0]
    }),
    'refused-by-llama',
  )
  // Valid models with a hostile detail.
  add(
    'name-8mb.gguf',
    demoWith({ 'general.name': gguf.string(controlCharacters(8_000_000)) }),
    'loads',
  )
  add(
    'template-nested-loops.gguf',
    demoWith({
      'tokenizer.chat_template': gguf.string(
        '{% for i in range(30000) %}{% for j in range(30000) %}x{% endfor %}{% endfor %}',
      ),
    }),
    'loads',
  )
  add(
    'template-range-1e9.gguf',
    demoWith({
      'tokenizer.chat_template': gguf.string('{% for i in range(1000000000) %}{{ i }}{% endfor %}'),
    }),
    'loads',
  )

  // Not files at all.
  const fifo = join(folder, 'fifo.gguf')
  execFileSync('mkfifo', [fifo])
  cases.push({ name: 'fifo.gguf', path: fifo, expect: 'refused', scanned: true })
  const loop = join(folder, 'loop.gguf')
  symlinkSync(join(folder, 'loop-back.gguf'), loop)
  symlinkSync(loop, join(folder, 'loop-back.gguf'))
  cases.push({ name: 'loop.gguf', path: loop, expect: 'refused', scanned: true })
  const dir = join(folder, 'a-folder.gguf')
  mkdirSync(dir)
  cases.push({ name: 'a-folder.gguf', path: dir, expect: 'refused', scanned: true })
  return { folder, cases }
}

/** A folder of `count` valid models with names of `nameBytes` control characters each. */
export function writeLongNameFolder(count: number, nameBytes: number): string {
  const folder = mkdtempSync(join(tmpdir(), 'tokenscope-long-names-'))
  const bytes = demoWith({ 'general.name': gguf.string(controlCharacters(nameBytes)) })
  for (let i = 0; i < count; i++) {
    const fd = openSync(join(folder, `long-name-${i}.gguf`), 'w')
    writeSync(fd, bytes)
    closeSync(fd)
  }
  return folder
}

/** A seeded generator in [0, 1): the same seed gives the same mutations. */
export function seededRandom(seed: number): () => number {
  const signed = seededSignedRandom(seed)
  return () => (signed() + 1) / 2
}

/**
 * The demo model with 1–4 random changes in its header (bytes flipped, set to 0/0xff, or a u32/u64
 * overwritten with a boundary value), written to `folder/fuzz-N.gguf`.
 */
export function writeMutation(
  folder: string,
  index: number,
  random: () => number,
): { path: string; description: string } {
  const demo = Buffer.from(readFileSync(demoModelPath))
  const headerEnd = parseGguf(demo).dataOffset
  const changes: string[] = []
  const count = 1 + Math.floor(random() * 4)
  for (let c = 0; c < count; c++) {
    const at = Math.floor(random() * headerEnd)
    const kind = Math.floor(random() * 5)
    if (kind === 0) {
      demo[at] = (demo[at] ?? 0) ^ (1 << Math.floor(random() * 8))
      changes.push(`flip@${at}`)
    } else if (kind === 1) {
      demo[at] = random() < 0.5 ? 0 : 0xff
      changes.push(`byte@${at}=${demo[at]}`)
    } else if (kind === 2 && at + 4 <= headerEnd) {
      const values = [0, 1, 0x7fffffff, 0xffffffff, 3, 100_000]
      const value = values[Math.floor(random() * values.length)] ?? 0
      demo.writeUInt32LE(value, at)
      changes.push(`u32@${at}=${value}`)
    } else if (kind === 3 && at + 8 <= headerEnd) {
      const values = [0n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 32n, 2n ** 40n]
      const value = values[Math.floor(random() * values.length)] ?? 0n
      demo.writeBigUInt64LE(value, at)
      changes.push(`u64@${at}=${value}`)
    } else {
      // A header count or size field: the first 24 bytes hold magic, version and both counts.
      const field = [4, 8, 16][Math.floor(random() * 3)] ?? 8
      demo.writeUInt32LE(Math.floor(random() * 0xffffffff), field)
      changes.push(`field@${field}`)
    }
  }
  const path = join(folder, `fuzz-${index}.gguf`)
  writeFileSync(path, demo)
  return { path, description: changes.join(' ') }
}
