/**
 * A defensive GGUF reader. Every count and length read from the file is checked against the bytes
 * that can possibly follow it before anything is allocated, so a hostile or truncated file fails
 * fast with a readable message instead of exhausting memory.
 */
import { open } from 'node:fs/promises'
import { Cursor, FIXED_SIZE, NeedMoreBytes } from './cursor'
import {
  GGML_TYPE_F32,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_LIMITS,
  GGUF_MAGIC,
  GGUF_VALUE_TYPE,
  GgufFormatError,
  shown,
  type GgufScalarType,
  type GgufValue,
} from './format'

export interface GgufTensorInfo {
  name: string
  /** ne0 first, as in the file. */
  dims: number[]
  ggmlType: number
  /** Relative to {@link GgufFile.dataOffset}. */
  offset: number
  /** Size of the data in bytes; undefined for ggml types this reader does not know. */
  byteSize: number | undefined
}

export interface GgufFile {
  version: number
  metadata: Map<string, GgufValue>
  tensors: GgufTensorInfo[]
  alignment: number
  /** Absolute file offset where tensor data starts. */
  dataOffset: number
}

const MAX_DIMS = 4
const MAX_GGML_TYPE = 256
const MIN_KV_BYTES = 8 + 4 + 1
const MIN_TENSOR_INFO_BYTES = 8 + 4 + 4 + 8
/** The least a value can occupy; a string is at least its u64 length prefix. */
const minimumBytes = (type: GgufScalarType): number => (type === 'string' ? 8 : FIXED_SIZE[type][0])
const TYPE_BY_CODE = new Map<number, GgufScalarType | 'array'>(
  Object.entries(GGUF_VALUE_TYPE).map(([name, code]) => [code, name as GgufScalarType | 'array']),
)
/** ggml type code → [bytes per block, elements per block], for common types (bounds checks). */
const GGML_BLOCKS = new Map<number, readonly [number, number]>([
  [0, [4, 1]], // F32
  [1, [2, 1]], // F16
  [30, [2, 1]], // BF16
  [28, [8, 1]], // F64
  [24, [1, 1]], // I8
  [25, [2, 1]], // I16
  [26, [4, 1]], // I32
  [27, [8, 1]], // I64
  [2, [18, 32]], // Q4_0
  [3, [20, 32]], // Q4_1
  [6, [22, 32]], // Q5_0
  [7, [24, 32]], // Q5_1
  [8, [34, 32]], // Q8_0
  [10, [84, 256]], // Q2_K
  [11, [110, 256]], // Q3_K
  [12, [144, 256]], // Q4_K
  [13, [176, 256]], // Q5_K
  [14, [210, 256]], // Q6_K
])

function valueType(code: number, what: string): GgufScalarType | 'array' {
  const name = TYPE_BY_CODE.get(code)
  if (name === undefined) throw new GgufFormatError(`${shown(what)} has unknown value type ${code}`)
  return name
}

function readValue(cursor: Cursor, key: string): GgufValue {
  const type = valueType(cursor.u32(`type of ${key}`), key)
  if (type !== 'array') return { type, value: cursor.scalar(type, key) } as GgufValue
  const itemType = valueType(cursor.u32(`item type of ${key}`), key)
  if (itemType === 'array')
    throw new GgufFormatError(`${shown(key)}: nested arrays are not supported`)
  const length = cursor.count(`length of array ${shown(key)}`)
  cursor.checkCount(
    length,
    minimumBytes(itemType),
    `Length of array ${shown(key)}`,
    GGUF_LIMITS.arrayItems,
  )
  const items: Array<GgufValue['value']> = []
  for (let i = 0; i < length; i++) items.push(cursor.scalar(itemType, key))
  return { type: 'array', itemType, value: items } as GgufValue
}

function readTensorInfo(
  cursor: Cursor,
  index: number,
): Omit<GgufTensorInfo, 'byteSize'> & { elements: bigint } {
  const rawName = cursor.string(`name of tensor ${index}`, GGUF_LIMITS.tensorNameBytes)
  const name = shown(rawName)
  const dimCount = cursor.u32(`dimension count of ${name}`)
  if (dimCount > MAX_DIMS)
    throw new GgufFormatError(
      `Tensor ${name} has ${dimCount} dimensions; at most ${MAX_DIMS} are allowed`,
    )
  const dims: number[] = []
  let elements = 1n
  for (let d = 0; d < dimCount; d++) {
    const dim = cursor.count(`dimension ${d} of ${name}`)
    dims.push(dim)
    elements *= BigInt(dim)
  }
  if (elements > BigInt(Number.MAX_SAFE_INTEGER))
    throw new GgufFormatError(`Tensor ${name} has an absurd element count (${elements})`)
  const ggmlType = cursor.u32(`type of ${name}`)
  // ggml has about 40 types; a code far beyond them is corruption, not a newer file.
  if (ggmlType >= MAX_GGML_TYPE)
    throw new GgufFormatError(`Tensor ${name} has unknown ggml type ${ggmlType}`)
  const offset = cursor.count(`data offset of ${name}`)
  return { name: rawName, dims, ggmlType, offset, elements }
}

function tensorByteSize(ggmlType: number, elements: bigint, name: string): number | undefined {
  const block = GGML_BLOCKS.get(ggmlType)
  if (!block) return undefined
  const [blockBytes, blockElements] = block
  if (elements % BigInt(blockElements) !== 0n) {
    throw new GgufFormatError(
      `Tensor ${name}: ${elements} elements is not a whole number of ${blockElements}-element blocks`,
    )
  }
  return Number((elements / BigInt(blockElements)) * BigInt(blockBytes))
}

/** Parses the head of a file of `fileSize` bytes (exported for tests of sparse/huge files). */
export function parseWithin(bytes: Uint8Array, fileSize: number): GgufFile {
  const cursor = new Cursor(bytes, fileSize)
  if (fileSize < 4 + 4 + 8 + 8)
    throw new GgufFormatError(`File is too small to be GGUF (${fileSize} bytes)`)
  const magic = new TextDecoder('latin1').decode(bytes.subarray(0, 4))
  // The file's own bytes are not repeated: any path can be asked about, and an error must not
  // become a way to read the start of a file that is not a model.
  if (magic !== GGUF_MAGIC)
    throw new GgufFormatError('Not a GGUF file: it does not start with the GGUF signature')
  cursor.position = 4
  const version = cursor.u32('version')
  if (version !== 2 && version !== 3)
    throw new GgufFormatError(`Unsupported GGUF version ${version} (expected 2 or 3)`)
  const tensorCount = cursor.count('tensor count')
  const kvCount = cursor.count('metadata count')
  cursor.checkCount(kvCount, MIN_KV_BYTES, 'Metadata count', GGUF_LIMITS.metadataEntries)
  cursor.checkCount(tensorCount, MIN_TENSOR_INFO_BYTES, 'Tensor count', GGUF_LIMITS.tensors)

  const metadata = new Map<string, GgufValue>()
  for (let i = 0; i < kvCount; i++) {
    const key = cursor.string(`key of metadata entry ${i}`, GGUF_LIMITS.keyBytes)
    if (metadata.has(key)) throw new GgufFormatError(`Duplicate metadata key ${shown(key)}`)
    metadata.set(key, readValue(cursor, key))
  }
  const alignment = readAlignment(metadata)

  const infos = Array.from({ length: tensorCount }, (_, index) => readTensorInfo(cursor, index))
  const dataOffset = Math.ceil(cursor.position / alignment) * alignment
  const dataBytes = fileSize - dataOffset
  const names = new Set<string>()
  const tensors = infos.map(({ elements, ...info }): GgufTensorInfo => {
    const name = shown(info.name)
    if (names.has(info.name)) throw new GgufFormatError(`Duplicate tensor name ${name}`)
    names.add(info.name)
    if (info.offset % alignment !== 0)
      throw new GgufFormatError(
        `Tensor ${name} offset ${info.offset} is not aligned to ${alignment}`,
      )
    const byteSize = tensorByteSize(info.ggmlType, elements, name)
    if ((byteSize ?? 0) > GGUF_LIMITS.tensorBytes)
      throw new GgufFormatError(
        `Tensor ${name} claims ${byteSize} bytes; the limit is ${GGUF_LIMITS.tensorBytes}`,
      )
    if (info.offset + (byteSize ?? 0) > dataBytes) {
      throw new GgufFormatError(
        `Tensor ${name} data (${byteSize ?? '?'} bytes at ${info.offset}) lies past the end of the file`,
      )
    }
    return { ...info, byteSize }
  })
  return { version, metadata, tensors, alignment, dataOffset }
}

function readAlignment(metadata: Map<string, GgufValue>): number {
  const entry = metadata.get('general.alignment')
  if (entry === undefined) return GGUF_DEFAULT_ALIGNMENT
  if (entry.type !== 'u32' || entry.value === 0 || (entry.value & (entry.value - 1)) !== 0) {
    throw new GgufFormatError('general.alignment must be a u32 power of two')
  }
  return entry.value
}

/** Parses header, metadata and tensor infos of a whole GGUF file held in memory. */
export function parseGguf(bytes: Uint8Array): GgufFile {
  return parseWithin(bytes, bytes.length)
}

/**
 * Reads only as much of a (possibly multi-gigabyte) file as its metadata needs, doubling the
 * read size until the parse succeeds or `maxHeaderBytes` is reached.
 */
export async function readGgufFileInfo(
  path: string,
  maxHeaderBytes: number = GGUF_LIMITS.metadataBytes,
): Promise<GgufFile> {
  const handle = await open(path, 'r')
  try {
    const { size } = await handle.stat()
    for (
      let length = Math.min(size, 1 << 20);
      ;
      length = Math.min(size, maxHeaderBytes, length * 2)
    ) {
      const head = new Uint8Array(length)
      await handle.read(head, 0, length, 0)
      try {
        return parseWithin(head, size)
      } catch (error) {
        if (!(error instanceof NeedMoreBytes)) throw error
        if (length >= maxHeaderBytes)
          throw new GgufFormatError(`Metadata is larger than ${maxHeaderBytes} bytes`)
      }
    }
  } finally {
    await handle.close()
  }
}

/** Copies an F32 tensor out of a file held in memory (row-major, ne0 fastest). */
export function getF32Tensor(file: GgufFile, bytes: Uint8Array, name: string): Float32Array {
  const info = file.tensors.find((tensor) => tensor.name === name)
  if (!info) throw new GgufFormatError(`Tensor ${name} is missing`)
  if (info.ggmlType !== GGML_TYPE_F32)
    throw new GgufFormatError(`Tensor ${name} has ggml type ${info.ggmlType}, not F32`)
  const start = file.dataOffset + info.offset
  const byteSize = info.byteSize ?? 0
  if (start + byteSize > bytes.length)
    throw new GgufFormatError(`Tensor ${name} lies past the end of the bytes given`)
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, byteSize)
  const values = new Float32Array(byteSize / 4)
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true)
  return values
}
