/** Entries per chunk of a column (a power of two). */
const chunkBits = 12
const chunkSize = 1 << chunkBits
const chunkMask = chunkSize - 1

type NumberArray = Float64Array | Uint32Array | Uint8Array

/**
 * A column of numbers in fixed-size typed-array chunks: growing it allocates a chunk and never
 * copies what it holds (a long run's columns are megabytes).
 */
export class Column<A extends NumberArray = Float64Array> {
  readonly chunks: A[] = []
  constructor(private readonly make: (size: number) => A) {}

  /** Makes room for `length` entries. */
  reserve(length: number): void {
    while (this.chunks.length * chunkSize < length) this.chunks.push(this.make(chunkSize))
  }

  get(i: number): number {
    return this.chunks[i >>> chunkBits]![i & chunkMask]!
  }

  set(i: number, value: number): void {
    this.chunks[i >>> chunkBits]![i & chunkMask] = value
  }

  /** Copies the first `count` entries of `source` (chunk by chunk) into this empty column. */
  copyFrom(source: Column<A>, count: number): void {
    this.reserve(count)
    for (let k = 0; k * chunkSize < count; k++) {
      const n = Math.min(chunkSize, count - k * chunkSize)
      this.chunks[k]!.set(source.chunks[k]!.subarray(0, n) as never)
    }
  }

  /** Entries `from` to `to` as views of the chunks, in order. */
  *views(from: number, to: number): Generator<A> {
    for (let i = from; i < to;) {
      const end = Math.min(to, ((i >>> chunkBits) + 1) << chunkBits)
      yield this.chunks[i >>> chunkBits]!.subarray(i & chunkMask, ((end - 1) & chunkMask) + 1) as A
      i = end
    }
  }
}

export const float64Column = () => new Column((n) => new Float64Array(n))
export const nanColumn = () => new Column((n) => new Float64Array(n).fill(NaN))
export const uint32Column = () => new Column((n) => new Uint32Array(n))
export const uint8Column = () => new Column((n) => new Uint8Array(n))
