/**
 * A small GGUF v3 writer (the file format of llama.cpp models; see `src/main/gguf/format.ts`).
 *
 * `writeGguf` produces a valid file. The `encodeGguf*` functions below it write one section each
 * without checking that the sections agree, so tests can build hostile files by hand, e.g.
 * `concatBytes(encodeGgufHeader({ version: 3, tensorCount: 0, kvCount: 2n ** 60n }))`.
 */

import { ByteWriter } from './byte-writer'
import { float32ToFloat16Bits } from './float16'
import {
  GGML_TYPE_F16,
  GGML_TYPE_F32,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VALUE_TYPE,
  GGUF_VERSION,
  type GgufKv,
  type GgufValue,
} from '../../src/main/gguf/format'

/** Shorthands for metadata values: `gguf.u32(2048)`, `gguf.strings(['a', 'b'])`. */
export const gguf = {
  u8: (value: number): GgufValue => ({ type: 'u8', value }),
  i32: (value: number): GgufValue => ({ type: 'i32', value }),
  u32: (value: number): GgufValue => ({ type: 'u32', value }),
  u64: (value: bigint): GgufValue => ({ type: 'u64', value }),
  f32: (value: number): GgufValue => ({ type: 'f32', value }),
  f64: (value: number): GgufValue => ({ type: 'f64', value }),
  bool: (value: boolean): GgufValue => ({ type: 'bool', value }),
  string: (value: string): GgufValue => ({ type: 'string', value }),
  strings: (value: string[]): GgufValue => ({ type: 'array', itemType: 'string', value }),
  i32s: (value: number[]): GgufValue => ({ type: 'array', itemType: 'i32', value }),
  f32s: (value: number[]): GgufValue => ({ type: 'array', itemType: 'f32', value }),
}

export interface GgufHeaderFields {
  /** Four bytes; anything but "GGUF" makes an invalid file. */
  magic?: string
  version?: number
  tensorCount: number | bigint
  kvCount: number | bigint
}

export function encodeGgufHeader(fields: GgufHeaderFields): Uint8Array {
  const magic = new TextEncoder().encode(fields.magic ?? GGUF_MAGIC)
  return new ByteWriter()
    .bytes(magic)
    .u32(fields.version ?? GGUF_VERSION)
    .u64(fields.tensorCount)
    .u64(fields.kvCount)
    .toBytes()
}

export function encodeGgufKv({ key, value }: GgufKv): Uint8Array {
  const out = new ByteWriter().string(key).u32(GGUF_VALUE_TYPE[value.type])
  if (value.type !== 'array') return out.scalar(value.type, value.value).toBytes()
  out.u32(GGUF_VALUE_TYPE[value.itemType]).u64(value.value.length)
  for (const item of value.value) out.scalar(value.itemType, item)
  return out.toBytes()
}

export interface GgufTensorInfoFields {
  name: string
  /** ne0 first: a matrix with `rows` rows of `cols` numbers has dims `[cols, rows]`. */
  dims: ReadonlyArray<number | bigint>
  ggmlType: number
  /** Byte offset of the data, relative to the start of the (aligned) data section. */
  offset: number | bigint
}

export function encodeGgufTensorInfo(info: GgufTensorInfoFields): Uint8Array {
  const out = new ByteWriter().string(info.name).u32(info.dims.length)
  for (const dim of info.dims) out.u64(dim)
  return out.u32(info.ggmlType).u64(info.offset).toBytes()
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new ByteWriter()
  for (const part of parts) out.bytes(part)
  return out.toBytes()
}

/** How a tensor's values are stored. F16 rounds each value to the nearest half-precision float. */
export type GgufTensorType = 'f32' | 'f16'

const TENSOR_TYPES: Record<GgufTensorType, { ggmlType: number; bytesPerValue: number }> = {
  f32: { ggmlType: GGML_TYPE_F32, bytesPerValue: 4 },
  f16: { ggmlType: GGML_TYPE_F16, bytesPerValue: 2 },
}

/** A tensor's name, shape and storage type: everything the header says about it. */
export interface GgufTensorLayout {
  name: string
  dims: readonly number[]
  /** Defaults to 'f32'. */
  type?: GgufTensorType
}

export interface GgufTensorInput extends GgufTensorLayout {
  data: Float32Array
}

export interface GgufDocument {
  metadata: readonly GgufKv[]
  tensors: readonly GgufTensorInput[]
  /** Power of two, written as `general.alignment`; a `general.alignment` entry in `metadata` wins. */
  alignment?: number
}

/** The bytes a tensor's data occupies, before padding. */
export function ggufTensorDataBytes(tensor: GgufTensorLayout): number {
  const elements = tensor.dims.reduce((product, dim) => product * dim, 1)
  return elements * TENSOR_TYPES[tensor.type ?? 'f32'].bytesPerValue
}

export interface GgufPreamble {
  /** Header, metadata and tensor infos, padded so that the first tensor's data follows. */
  bytes: Uint8Array
  alignment: number
}

/**
 * Everything before the tensor data. The data follows in tensor order, each tensor padded with
 * zeros to `alignment`; files too large to hold in memory are written that way, piece by piece.
 */
export function encodeGgufPreamble(
  metadata: readonly GgufKv[],
  tensors: readonly GgufTensorLayout[],
  requestedAlignment?: number,
): GgufPreamble {
  const declared = metadata.find((kv) => kv.key === 'general.alignment')?.value
  if (declared && declared.type !== 'u32') throw new TypeError('general.alignment must be a u32')
  const alignment = declared?.value ?? requestedAlignment ?? GGUF_DEFAULT_ALIGNMENT
  if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
    throw new RangeError(`Alignment ${alignment} is not a power of two`)
  }
  const allMetadata = declared
    ? metadata
    : [{ key: 'general.alignment', value: gguf.u32(alignment) }, ...metadata]
  const keys = new Set(allMetadata.map((kv) => kv.key))
  if (keys.size !== allMetadata.length) throw new Error('Metadata keys must be unique')

  const out = new ByteWriter().bytes(
    encodeGgufHeader({ tensorCount: tensors.length, kvCount: allMetadata.length }),
  )
  for (const kv of allMetadata) out.bytes(encodeGgufKv(kv))
  let offset = 0
  for (const tensor of tensors) {
    const type = tensor.type ?? 'f32'
    out.bytes(
      encodeGgufTensorInfo({
        name: tensor.name,
        dims: tensor.dims,
        ggmlType: TENSOR_TYPES[type].ggmlType,
        offset,
      }),
    )
    offset += Math.ceil(ggufTensorDataBytes(tensor) / alignment) * alignment
  }
  return { bytes: out.pad(alignment).toBytes(), alignment }
}

/** A tensor's data as stored in the file: little-endian values of its type, unpadded. */
export function encodeGgufTensorData(tensor: GgufTensorInput): Uint8Array {
  const type = tensor.type ?? 'f32'
  const bytes = new Uint8Array(tensor.data.length * TENSOR_TYPES[type].bytesPerValue)
  const view = new DataView(bytes.buffer)
  if (type === 'f16') {
    tensor.data.forEach((value, index) =>
      view.setUint16(index * 2, float32ToFloat16Bits(value), true),
    )
  } else {
    tensor.data.forEach((value, index) => view.setFloat32(index * 4, value, true))
  }
  return bytes
}

/** Serialises a complete, valid GGUF v3 file with F32 or F16 tensors. Same input, same bytes. */
export function writeGguf(document: GgufDocument): Uint8Array {
  for (const tensor of document.tensors) {
    const elements = tensor.dims.reduce((product, dim) => product * dim, 1)
    if (elements !== tensor.data.length) {
      throw new Error(
        `Tensor ${tensor.name}: dims [${tensor.dims.join(', ')}] need ${elements} values, got ${tensor.data.length}`,
      )
    }
  }
  const preamble = encodeGgufPreamble(document.metadata, document.tensors, document.alignment)
  const out = new ByteWriter().bytes(preamble.bytes)
  for (const tensor of document.tensors) {
    out.bytes(encodeGgufTensorData(tensor)).pad(preamble.alignment)
  }
  return out.toBytes()
}
