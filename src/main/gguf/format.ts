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

/** The file is not a GGUF file this app can read; the message says where and why. */
export class GgufFormatError extends Error {
  override name = 'GgufFormatError'
}
