import type { GeneratedToken } from './contract'
import { replyText, type RunRecord } from './conversation'
import { RunColumns } from './token-columns'

/** How a document's runs hold their tokens (`T`): what the rules need of them. */
export interface TokenStore<T> {
  empty(): T
  length(tokens: T): number
  /** Appends in place; returns what undoes it. */
  append(tokens: T, added: readonly GeneratedToken[]): () => void
  /** A new holder with the first `count` tokens and then `first`. */
  prefix(tokens: T, count: number, first: GeneratedToken | null): T
  replyText(tokens: T, reason: RunRecord['stopReason']): string
  joinedText(tokens: T): string
  /** Token `index`'s entropy: its value, and its upper bound where the run only bounded it. */
  entropy(tokens: T, index: number): { bits: number; upperBits?: number }
  /**
   * Token `index` with the exact entropy `bits`, unbounded: in a copy of the objects (they may be
   * shown), in place in the columns (the host's own), with what undoes it.
   */
  withExactEntropy(tokens: T, index: number, bits: number): { tokens: T; undo?: () => void }
}

/** Tokens as objects, in arrays (the UI's documents, exported files). */
export const arrayTokens: TokenStore<GeneratedToken[]> = {
  empty: () => [],
  length: (tokens) => tokens.length,
  append(tokens, added) {
    const length = tokens.length
    for (const token of added) tokens.push(token)
    return () => {
      tokens.length = length
    }
  },
  prefix(tokens, count, first) {
    const copy = tokens.slice(0, count)
    if (first) copy.push(first)
    return copy
  },
  replyText: (tokens, reason) => replyText(tokens, reason),
  joinedText: (tokens) => tokens.map((t) => t.text).join(''),
  entropy(tokens, index) {
    const { entropyBits, entropyUpperBits } = tokens[index]!
    return {
      bits: entropyBits,
      ...(entropyUpperBits !== undefined && { upperBits: entropyUpperBits }),
    }
  },
  withExactEntropy(tokens, index, bits) {
    const { entropyUpperBits: _bound, ...rest } = tokens[index]!
    const copy = tokens.slice()
    copy[index] = { ...rest, entropyBits: bits }
    return { tokens: copy }
  },
}

function columnEntropy(columns: RunColumns, index: number) {
  const upperBits = columns.entropyUpperBits?.get(index) ?? NaN
  return {
    bits: columns.entropyBits.get(index),
    ...(!Number.isNaN(upperBits) && { upperBits }),
  }
}

/** Tokens as columns (the host's documents). */
export const columnTokens: TokenStore<RunColumns> = {
  empty: () => new RunColumns(),
  length: (columns) => columns.length,
  append(columns, added) {
    const length = columns.length
    columns.push(added)
    return () => columns.truncate(length)
  },
  prefix(columns, count, first) {
    const copy = columns.prefix(count)
    if (first) copy.push([first])
    return copy
  },
  replyText: (columns, reason) => columns.replyText(reason),
  joinedText: (columns) => columns.joinedText(),
  entropy: columnEntropy,
  withExactEntropy(columns, index, bits) {
    const old = columnEntropy(columns, index)
    columns.entropyBits.set(index, bits)
    columns.entropyUpperBits?.set(index, NaN)
    const undo = () => {
      columns.entropyBits.set(index, old.bits)
      columns.entropyUpperBits?.set(index, old.upperBits ?? NaN)
    }
    return { tokens: columns, undo }
  },
}
