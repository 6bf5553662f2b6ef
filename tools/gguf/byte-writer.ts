import type { GgufNumberType, GgufScalarType } from '../../src/main/gguf/format'

const INTEGER_RANGES: Partial<Record<GgufNumberType, readonly [number, number]>> = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
}

/** Little-endian byte sink that grows as needed. */
export class ByteWriter {
  private buffer = new Uint8Array(1024)
  private length = 0

  get size(): number {
    return this.length
  }

  /** Claims `size` bytes and returns a view of exactly them (valid until the next write). */
  private claim(size: number): DataView {
    const start = this.length
    if (start + size > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, start + size))
      grown.set(this.buffer.subarray(0, start))
      this.buffer = grown
    }
    this.length += size
    return new DataView(this.buffer.buffer, start, size)
  }

  bytes(data: Uint8Array): this {
    const target = this.claim(data.length)
    this.buffer.set(data, target.byteOffset)
    return this
  }
  u32(value: number): this {
    return this.scalar('u32', value)
  }
  u64(value: bigint | number): this {
    return this.scalar('u64', BigInt(value))
  }
  /** A GGUF string: u64 byte length, then UTF-8 bytes without a terminator. */
  string(value: string): this {
    const utf8 = new TextEncoder().encode(value)
    return this.u64(utf8.length).bytes(utf8)
  }
  scalar(type: GgufScalarType, value: number | bigint | boolean | string): this {
    switch (type) {
      case 'string':
        return this.string(String(value))
      case 'bool':
        this.claim(1).setUint8(0, value === true ? 1 : 0)
        return this
      case 'u64':
        this.claim(8).setBigUint64(0, BigInt.asUintN(64, BigInt(value)), true)
        return this
      case 'i64':
        this.claim(8).setBigInt64(0, BigInt.asIntN(64, BigInt(value)), true)
        return this
      case 'f32':
        this.claim(4).setFloat32(0, Number(value), true)
        return this
      case 'f64':
        this.claim(8).setFloat64(0, Number(value), true)
        return this
    }
    const number = Number(value)
    const range = INTEGER_RANGES[type]
    if (!Number.isInteger(number) || !range || number < range[0] || number > range[1]) {
      throw new RangeError(`${number} does not fit in a GGUF ${type}`)
    }
    if (type === 'u8') this.claim(1).setUint8(0, number)
    else if (type === 'i8') this.claim(1).setInt8(0, number)
    else if (type === 'u16') this.claim(2).setUint16(0, number, true)
    else if (type === 'i16') this.claim(2).setInt16(0, number, true)
    else if (type === 'u32') this.claim(4).setUint32(0, number, true)
    else this.claim(4).setInt32(0, number, true)
    return this
  }
  /** Zero bytes up to the next multiple of `alignment` (counted from the start of the output). */
  pad(alignment: number): this {
    this.claim((alignment - (this.length % alignment)) % alignment)
    return this
  }
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length)
  }
}
