/**
 * Tokens kept in fixed-size chunks. Appending copies only the last, partly filled chunk, so every
 * full chunk keeps its identity and its memoized view never renders again.
 */
export type Chunks<T> = readonly (readonly T[])[]

export const chunkSize = 64

export function appendToChunks<T>(
  chunks: Chunks<T>,
  items: readonly T[],
  size = chunkSize,
): Chunks<T> {
  if (items.length === 0) return chunks
  const next = chunks.slice()
  const tail = next[next.length - 1]
  let open: T[] = []
  if (tail && tail.length < size) {
    next.pop()
    open = tail.slice()
  }
  for (const item of items) {
    if (open.length === size) {
      next.push(open)
      open = []
    }
    open.push(item)
  }
  next.push(open)
  return next
}

export function chunkedItemAt<T>(
  chunks: Chunks<T>,
  index: number,
  size = chunkSize,
): T | undefined {
  if (index < 0 || !Number.isInteger(index)) return undefined
  return chunks[Math.floor(index / size)]?.[index % size]
}

export function countChunked<T>(chunks: Chunks<T>, size = chunkSize): number {
  const tail = chunks[chunks.length - 1]
  return tail ? (chunks.length - 1) * size + tail.length : 0
}

/** Splits a whole list at once (prompt tokens arrive in one piece). */
export function toChunks<T>(items: readonly T[], size = chunkSize): Chunks<T> {
  const chunks: (readonly T[])[] = []
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size))
  return chunks
}
