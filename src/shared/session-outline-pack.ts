import type { Column } from './chunked-column'
import { packedNumberColumns, type PackedRun } from './session-outline'
import { mapRuns, type DocumentWith, type StoredDocument } from './stored-document'
import type { RunColumns } from './token-columns'

type Packable = Float64Array | Uint32Array | Uint8Array
type NodeBuffer = { from(buffer: ArrayBufferLike, offset: number, length: number): Base64able }
type Base64able = { toString(encoding: 'base64'): string }

/** Base64 of the bytes, by Node's Buffer: outlines are packed by the host alone. */
function base64(bytes: Uint8Array): string {
  const buffer = (globalThis as { Buffer?: NodeBuffer }).Buffer
  if (!buffer) throw new Error('An outline is packed in the host, which has Node’s Buffer.')
  return buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

/** Columns of `length` entries each, one after another, as base64 of their bytes. */
function packColumns<A extends Packable>(
  make: (size: number) => A,
  columns: (Column<A> | null)[],
  length: number,
  missing: number,
): string {
  const packed = make(columns.length * length)
  columns.forEach((column, k) => {
    if (!column) return packed.fill(missing, k * length, (k + 1) * length)
    let at = k * length
    for (const view of column.views(0, length)) {
      packed.set(view as never, at)
      at += view.length
    }
  })
  return base64(new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength))
}

/** Run `columns` without its alternatives, packed for the page (see `PackedRun`). */
export function packRun(columns: RunColumns): PackedRun {
  const n = columns.length
  const numberColumn = (name: (typeof packedNumberColumns)[number]) =>
    name === 'entropyUpperBits' ? columns.entropyUpperBits : columns[name]
  return {
    length: n,
    numbers: packColumns(
      (size) => new Float64Array(size),
      packedNumberColumns.map(numberColumn),
      n,
      NaN,
    ),
    counts: packColumns((size) => new Uint32Array(size), [columns.slot, columns.altShown], n, 0),
    flags: packColumns((size) => new Uint8Array(size), [columns.thought, columns.reported], n, 0),
    texts: columns.slotTexts.slice(),
    oddTexts: [...(columns.tokenTexts ?? [])],
    bytes: [...columns.bytesById],
  }
}

/** The outline of a stored session (its runs shared stay shared). */
export function packOutline(doc: StoredDocument): DocumentWith<PackedRun> {
  return mapRuns(doc, packRun)
}
