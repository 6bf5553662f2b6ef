/**
 * The GGUF v3 format (llama.cpp's model files) as the writer and the reader both see it: magic,
 * version, type codes, and the shapes of metadata values.
 */

export const GGUF_MAGIC = 'GGUF'
export const GGUF_VERSION = 3
export const GGUF_DEFAULT_ALIGNMENT = 32
export const GGML_TYPE_F32 = 0
export const GGML_TYPE_F16 = 1

/** Type codes of metadata values, as stored in the file. */
export const GGUF_VALUE_TYPE = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const

export type GgufNumberType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64'
export type GgufBigIntType = 'u64' | 'i64'
export type GgufScalarType = GgufNumberType | GgufBigIntType | 'bool' | 'string'

export type GgufScalar =
  | { type: GgufNumberType; value: number }
  | { type: GgufBigIntType; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }

export type GgufArray =
  | { type: 'array'; itemType: GgufNumberType; value: number[] }
  | { type: 'array'; itemType: GgufBigIntType; value: bigint[] }
  | { type: 'array'; itemType: 'bool'; value: boolean[] }
  | { type: 'array'; itemType: 'string'; value: string[] }

export type GgufValue = GgufScalar | GgufArray

export interface GgufKv {
  key: string
  value: GgufValue
}

/**
 * Absolute bounds on a GGUF header, enforced while reading and before allocating. Each is far
 * above what real models use (checked against published headers, see docs/hostile-inputs.md):
 * the largest vocabularies are about 262k tokens (Gemma 3: 262,144; Qwen2.5/3: 151,936; Llama 3:
 * 128,256) and the largest merge lists about 450k (gpt-oss's o200k: ~446k; Llama 3: 280,147);
 * a whole tokenizer is 5–15 MB of header; the longest strings are chat templates (tens of KB) or
 * an embedded `tokenizer.huggingface.json` (Gemma 3's is 33 MB); the biggest models have about
 * 1,100 tensors (Llama 3.1 405B: 1,138) and under 100 metadata entries.
 */
export const GGUF_LIMITS = {
  /** Header, metadata and tensor infos together. */
  metadataBytes: 128 * 1024 * 1024,
  /** One metadata string value. */
  stringBytes: 64 * 1024 * 1024,
  /** A metadata key (llama.cpp's keys are under 100 bytes). */
  keyBytes: 65_536,
  /** A tensor name (llama.cpp refuses names of 64 bytes or more: GGML_MAX_NAME). */
  tensorNameBytes: 256,
  /** Items in one metadata array. */
  arrayItems: 4 * 1024 * 1024,
  metadataEntries: 65_536,
  tensors: 65_536,
  /** Bytes of tensor data one tensor may claim (1 TiB). */
  tensorBytes: 2 ** 40,
} as const

/** A file-controlled string as it may appear in a message: short, control characters escaped. */
export function shown(text: string, maxChars = 80): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.slice(0, maxChars + 1).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
  return clean.length > maxChars ? `${clean.slice(0, maxChars)}…` : clean
}

/** The file is not a GGUF file this app can read; the message says where and why. */
export class GgufFormatError extends Error {
  override name = 'GgufFormatError'
}
