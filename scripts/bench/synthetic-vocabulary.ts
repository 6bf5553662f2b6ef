/**
 * A byte-level BPE vocabulary of any size, made up rather than trained: the 256 byte tokens, then
 * lowercase letter strings grown one letter at a time ("t h" → "th", "th e" → "the"), each merge
 * joining two tokens that already exist. Tokens are distinct, every merge yields a token, so
 * llama.cpp's "gpt2" tokenizer accepts it and English text splits into realistic 1–4 letter pieces.
 */
import { BYTE_TO_CHAR } from '../../tools/demo-model/bpe'

export interface SyntheticVocabulary {
  tokens: string[]
  merges: string[]
  /** IDs of the special tokens, which come last, in the order given. */
  specialIds: number[]
}

const letters = [...'abcdefghijklmnopqrstuvwxyz']
/** The GPT-2 byte alphabet writes a leading space as "Ġ". */
const space = BYTE_TO_CHAR[0x20] ?? 'Ġ'

export function syntheticVocabulary(
  size: number,
  specialTokens: readonly string[],
  seed: number,
): SyntheticVocabulary {
  const tokens = [...BYTE_TO_CHAR]
  const merges: string[] = []
  const room = size - specialTokens.length
  const add = (left: string, right: string) => {
    merges.push(`${left} ${right}`)
    tokens.push(left + right)
  }

  let previous = letters.map((c) => space + c)
  for (const c of letters) add(space, c)
  for (const c of letters) {
    for (const d of letters) {
      add(c, d)
      previous.push(c + d)
    }
  }
  for (let length = 3; tokens.length < room; length++) {
    const next: string[] = []
    for (const stem of previous) for (const c of letters) next.push(stem + c)
    // Longer pieces cannot all fit: keep a seeded random selection, in a stable order.
    const chosen =
      next.length <= room - tokens.length ? next : sample(next, room - tokens.length, seed)
    for (const token of chosen) add(token.slice(0, -1), token.slice(-1))
    previous = chosen
    if (length > 8) throw new Error(`cannot reach ${size} tokens`)
  }

  const specialIds = specialTokens.map((text) => tokens.push(text) - 1)
  if (new Set(tokens).size !== tokens.length) throw new Error('synthetic tokens are not distinct')
  return { tokens, merges, specialIds }
}

/** `count` items of `items` chosen by a seeded shuffle, returned in their original order. */
function sample<T>(items: readonly T[], count: number, seed: number): T[] {
  const order = items.map((_, i) => i)
  let state = seed >>> 0 || 1
  for (let i = order.length - 1; i > 0; i--) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    const j = (state >>> 0) % (i + 1)
    ;[order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0]
  }
  return order
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((i) => items[i] as T)
}
