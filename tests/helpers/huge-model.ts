import { closeSync, ftruncateSync, openSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  concatBytes,
  encodeGgufHeader,
  encodeGgufKv,
  encodeGgufTensorInfo,
  gguf,
} from '../../tools/gguf/writer'

/** A valid header announcing ~100 GB of weights, in a sparse file that takes no disk space. */
export function writeHugeModel(folder: string): string {
  const path = join(folder, 'huge-model.gguf')
  const d = 8192
  const rows = 3_000_000
  const header = concatBytes(
    encodeGgufHeader({ tensorCount: 2, kvCount: 8 }),
    encodeGgufKv({ key: 'general.architecture', value: gguf.string('llama') }),
    encodeGgufKv({ key: 'general.alignment', value: gguf.u32(32) }),
    encodeGgufKv({ key: 'llama.block_count', value: gguf.u32(1) }),
    encodeGgufKv({ key: 'llama.embedding_length', value: gguf.u32(d) }),
    encodeGgufKv({ key: 'llama.context_length', value: gguf.u32(4096) }),
    encodeGgufKv({ key: 'llama.attention.head_count', value: gguf.u32(64) }),
    encodeGgufKv({ key: 'llama.feed_forward_length', value: gguf.u32(rows) }),
    encodeGgufKv({ key: 'tokenizer.ggml.tokens', value: gguf.strings(['a', 'b']) }),
    encodeGgufTensorInfo({ name: 'token_embd.weight', dims: [d, 2], ggmlType: 0, offset: 0 }),
    encodeGgufTensorInfo({
      name: 'blk.0.ffn_up.weight',
      dims: [d, rows],
      ggmlType: 0,
      offset: d * 2 * 4,
    }),
  )
  const dataStart = Math.ceil(header.length / 32) * 32
  writeFileSync(path, header)
  const fd = openSync(path, 'r+')
  ftruncateSync(fd, dataStart + d * 2 * 4 + d * rows * 4)
  closeSync(fd)
  return path
}
