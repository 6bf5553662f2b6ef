/**
 * Reading a GGUF file's bytes with every length checked against what can still follow, so a
 * hostile or truncated file fails with a readable message before anything large is allocated.
 */
import { GGUF_LIMITS, GgufFormatError, type GgufScalarType, type GgufValue } from './format'

type FixedSizeType = Exclude<GgufScalarType, 'string'>
type Decoder = (view: DataView, at: number) => number | bigint | boolean
/** Byte size and little-endian decoder of every fixed-size scalar type. */
export const FIXED_SIZE: Record<FixedSizeType, readonly [bytes: number, decode: Decoder]> = {
  u8: [1, (view, at) => view.getUint8(at)],
  i8: [1, (view, at) => view.getInt8(at)],
  bool: [1, (view, at) => view.getUint8(at) !== 0],
  u16: [2, (view, at) => view.getUint16(at, true)],
  i16: [2, (view, at) => view.getInt16(at, true)],
  u32: [4, (view, at) => view.getUint32(at, true)],
  i32: [4, (view, at) => view.getInt32(at, true)],
  f32: [4, (view, at) => view.getFloat32(at, true)],
  u64: [8, (view, at) => view.getBigUint64(at, true)],
  i64: [8, (view, at) => view.getBigInt64(at, true)],
  f64: [8, (view, at) => view.getFloat64(at, true)],
}

const utf8 = new TextDecoder('utf-8', { fatal: false })

/** Thrown internally when the parse needs bytes that exist in the file but were not read yet. */
export class NeedMoreBytes extends Error {}

export class Cursor {
  private readonly view: DataView
  position = 0

  /** `fileSize` may exceed `bytes.length` when only the head of a file was read. */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly fileSize: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  get remainingInFile(): number {
    return this.fileSize - this.position
  }

  private take(size: number, what: string): number {
    // The header's total size is bounded in absolute terms: a sparse or huge file satisfies any
    // check against its own size.
    if (this.position + size > GGUF_LIMITS.metadataBytes) {
      throw new GgufFormatError(
        `The header is larger than ${GGUF_LIMITS.metadataBytes} bytes (${what} would end at ${this.position + size})`,
      )
    }
    if (size > this.remainingInFile) {
      throw new GgufFormatError(
        `File is truncated: ${what} needs ${size} bytes at offset ${this.position}, but the file ends at ${this.fileSize}`,
      )
    }
    if (this.position + size > this.bytes.length) throw new NeedMoreBytes()
    const start = this.position
    this.position += size
    return start
  }

  u32(what: string): number {
    return this.view.getUint32(this.take(4, what), true)
  }
  /** A u64 that must be a count or size: rejected above 2^53. */
  count(what: string): number {
    const value = this.view.getBigUint64(this.take(8, what), true)
    if (value > BigInt(Number.MAX_SAFE_INTEGER))
      throw new GgufFormatError(`${what} is absurd (${value})`)
    return Number(value)
  }
  string(what: string, maxBytes: number = GGUF_LIMITS.stringBytes): string {
    const length = this.count(`length of ${what}`)
    if (length > maxBytes)
      throw new GgufFormatError(`${what} is ${length} bytes long; the limit is ${maxBytes}`)
    const start = this.take(length, what)
    return utf8.decode(this.bytes.subarray(start, start + length))
  }
  scalar(type: GgufScalarType, what: string): GgufValue['value'] {
    if (type === 'string') return this.string(what)
    const [bytes, decode] = FIXED_SIZE[type]
    return decode(this.view, this.take(bytes, what))
  }
  /** Rejects a count above `max`, or of items that cannot fit in the rest of the file or header. */
  checkCount(count: number, minItemBytes: number, what: string, max: number): void {
    if (count > max) throw new GgufFormatError(`${what} is ${count}; the limit is ${max}`)
    if (this.position + count * minItemBytes > GGUF_LIMITS.metadataBytes) {
      throw new GgufFormatError(
        `${what} is ${count}, more than a header of at most ${GGUF_LIMITS.metadataBytes} bytes can hold`,
      )
    }
    if (count * minItemBytes > this.remainingInFile) {
      throw new GgufFormatError(
        `${what} is ${count}, but only ${this.remainingInFile} bytes remain in the file`,
      )
    }
  }
}
