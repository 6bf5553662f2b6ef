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
}
