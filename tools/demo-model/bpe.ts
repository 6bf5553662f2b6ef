/**
 * Byte-level BPE in the GPT-2 style, written to behave exactly like llama.cpp's BPE tokenizer
 * (`tokenizer.ggml.model = "gpt2"`, pre-tokenizer "gpt-2"), so that the demo model's vocabulary can
 * be trained here and then encoded identically by the engine.
 *
 * Token texts live in the GPT-2 "byte to unicode" alphabet: every byte is shown as one printable
 * character (a space becomes "Ġ", a newline "Ċ"), which is how GGUF files store BPE vocabularies.
 */

/** GPT-2 pre-tokenizer: contractions, words, numbers, punctuation runs, whitespace runs. */
export const GPT2_PRETOKENIZER_PATTERN =
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"

const PRETOKENIZER = new RegExp(GPT2_PRETOKENIZER_PATTERN, 'gu')

/** `BYTE_TO_CHAR[b]` is the printable stand-in for byte `b` (the GPT-2 `bytes_to_unicode` table). */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar()
const CHAR_TO_BYTE = new Map(BYTE_TO_CHAR.map((char, byte) => [char, byte]))

function buildByteToChar(): string[] {
  const isPrintable = (b: number): boolean =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff)
  const table: string[] = []
  let nextStandIn = 256
  for (let byte = 0; byte < 256; byte++) {
    table.push(String.fromCodePoint(isPrintable(byte) ? byte : nextStandIn++))
  }
  return table
}

const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8')

/** UTF-8 bytes of `text`, each written as its GPT-2 stand-in character. */
export function toByteAlphabet(text: string): string {
  let mapped = ''
  for (const byte of utf8Encoder.encode(text)) mapped += BYTE_TO_CHAR[byte]
  return mapped
}

/** Inverse of {@link toByteAlphabet} for one token text; throws on characters outside the alphabet. */
export function fromByteAlphabet(mapped: string): Uint8Array {
  const bytes: number[] = []
  for (const char of mapped) {
    const byte = CHAR_TO_BYTE.get(char)
    if (byte === undefined)
      throw new Error(`Token text ${JSON.stringify(mapped)} is not in the byte alphabet`)
    bytes.push(byte)
  }
  return Uint8Array.from(bytes)
}

/** Splits text into the words that BPE merges may not cross. */
export function pretokenize(text: string): string[] {
  return text.match(PRETOKENIZER) ?? []
}

export interface TextFragment {
  text: string
  isSpecial: boolean
}

/**
 * Cuts `text` at special tokens, longest special first (llama.cpp's `tokenizer_st_partition`), so a
 * special token is never found inside a longer one.
 */
export function splitOnSpecialTokens(
  text: string,
  specialTokens: readonly string[],
): TextFragment[] {
  const bySizeDescending = [...specialTokens].sort((a, b) => b.length - a.length)
  let fragments: TextFragment[] = [{ text, isSpecial: false }]
  for (const special of bySizeDescending) {
    fragments = fragments.flatMap((fragment) => {
      if (fragment.isSpecial || !fragment.text.includes(special)) return [fragment]
      const pieces: TextFragment[] = []
      fragment.text.split(special).forEach((piece, index) => {
        if (index > 0) pieces.push({ text: special, isSpecial: true })
        if (piece.length > 0) pieces.push({ text: piece, isSpecial: false })
      })
      return pieces
    })
  }
  return fragments
}

export interface BpeVocabulary {
  /** Token texts indexed by ID: byte-alphabet strings, special tokens verbatim. */
  tokens: string[]
  /** Merges in rank order, each `"left right"` in the byte alphabet (the GGUF format). */
  merges: string[]
  /** IDs of the special (control) tokens. */
  specialTokenIds: number[]
}

export interface BpeTrainingOptions {
  /** Total vocabulary size, including the 256 byte tokens and the special tokens. */
  vocabSize: number
  specialTokens: readonly string[]
  /** Pairs seen fewer times than this are never merged (so the vocabulary may stay smaller). */
  minPairCount?: number
}

interface WordState {
  ids: number[]
  count: number
}

const PAIR_KEY_BASE = 1 << 20
const pairKey = (left: number, right: number): number => left * PAIR_KEY_BASE + right

/**
 * Learns merges greedily: always the most frequent adjacent pair; ties go to the pair with the
 * smallest (left ID, right ID), so training is deterministic. IDs: 0–255 bytes (ID = byte value),
 * then merged tokens in the order learned, then the special tokens.
 */
export function trainBpe(text: string, options: BpeTrainingOptions): BpeVocabulary {
  const { vocabSize, specialTokens, minPairCount = 2 } = options
  const mergedTokenBudget = vocabSize - 256 - specialTokens.length
  if (mergedTokenBudget < 0)
    throw new Error(`vocabSize ${vocabSize} is too small for bytes and specials`)

  const tokens = [...BYTE_TO_CHAR]
  const idByText = new Map(tokens.map((token, id) => [token, id]))
  const merges: string[] = []
  const words = countWords(text, specialTokens)
  const pairCounts = new Map<number, number>()
  const wordsWithPair = new Map<number, Set<number>>()

  const addPairs = (wordIndex: number, sign: 1 | -1): void => {
    const { ids, count } = words[wordIndex]!
    for (let i = 0; i + 1 < ids.length; i++) {
      const key = pairKey(ids[i]!, ids[i + 1]!)
      const updated = (pairCounts.get(key) ?? 0) + sign * count
      if (updated === 0) pairCounts.delete(key)
      else pairCounts.set(key, updated)
      if (sign === 1) {
        let holders = wordsWithPair.get(key)
        if (!holders) wordsWithPair.set(key, (holders = new Set()))
        holders.add(wordIndex)
      }
    }
  }
  words.forEach((_, index) => addPairs(index, 1))

  while (tokens.length - 256 < mergedTokenBudget) {
    let bestKey = -1
    let bestCount = 0
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && key < bestKey)) {
        bestKey = key
        bestCount = count
      }
    }
    if (bestCount < minPairCount) break

    const left = Math.floor(bestKey / PAIR_KEY_BASE)
    const right = bestKey % PAIR_KEY_BASE
    const mergedText = tokens[left]! + tokens[right]!
    // Two different merge paths can spell the same string; llama.cpp needs each text only once.
    let mergedId = idByText.get(mergedText)
    if (mergedId === undefined) {
      mergedId = tokens.length
      tokens.push(mergedText)
      idByText.set(mergedText, mergedId)
    }
    merges.push(`${tokens[left]} ${tokens[right]}`)

    for (const wordIndex of wordsWithPair.get(bestKey) ?? []) {
      addPairs(wordIndex, -1)
      words[wordIndex]!.ids = mergePair(words[wordIndex]!.ids, left, right, mergedId)
      addPairs(wordIndex, 1)
    }
    wordsWithPair.delete(bestKey)
  }

  const specialTokenIds = specialTokens.map((special) => {
    tokens.push(special)
    return tokens.length - 1
  })
  return { tokens, merges, specialTokenIds }
}

function countWords(text: string, specialTokens: readonly string[]): WordState[] {
  const counts = new Map<string, number>()
  for (const fragment of splitOnSpecialTokens(text, specialTokens)) {
    if (fragment.isSpecial) continue
    for (const word of pretokenize(fragment.text)) counts.set(word, (counts.get(word) ?? 0) + 1)
  }
  return [...counts].map(([word, count]) => ({ ids: [...utf8Encoder.encode(word)], count }))
}

function mergePair(ids: number[], left: number, right: number, mergedId: number): number[] {
  const result: number[] = []
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === left && ids[i + 1] === right) {
      result.push(mergedId)
      i++
    } else {
      result.push(ids[i]!)
    }
  }
  return result
}

export interface EncodeOptions {
  /** Recognise special-token texts as single control tokens (llama.cpp's `parse_special`). */
  parseSpecial?: boolean
}

export interface DecodeOptions {
  /** Write special tokens as their text; otherwise they decode to nothing (as in llama.cpp). */
  renderSpecial?: boolean
}

/** Encoder/decoder for a {@link BpeVocabulary}; applies merges by rank like llama.cpp. */
export class BpeTokenizer {
  private readonly idByText = new Map<string, number>()
  private readonly rankByPair = new Map<string, number>()
  private readonly specialIds: ReadonlySet<number>
  private readonly specialTexts: string[]
  private readonly wordCache = new Map<string, number[]>()

  constructor(private readonly vocabulary: BpeVocabulary) {
    vocabulary.tokens.forEach((text, id) => {
      if (!this.idByText.has(text)) this.idByText.set(text, id)
    })
    vocabulary.merges.forEach((merge, rank) => {
      if (!this.rankByPair.has(merge)) this.rankByPair.set(merge, rank)
    })
    this.specialIds = new Set(vocabulary.specialTokenIds)
    this.specialTexts = vocabulary.specialTokenIds.map((id) => vocabulary.tokens[id] ?? '')
  }

  get vocabSize(): number {
    return this.vocabulary.tokens.length
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    const fragments = options.parseSpecial
      ? splitOnSpecialTokens(text, this.specialTexts)
      : [{ text, isSpecial: false }]
    const ids: number[] = []
    for (const fragment of fragments) {
      if (fragment.isSpecial) ids.push(this.idByText.get(fragment.text)!)
      else for (const word of pretokenize(fragment.text)) ids.push(...this.encodeWord(word))
    }
    return ids
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const chunks: Uint8Array[] = []
    for (const id of ids) {
      const text = this.vocabulary.tokens[id]
      if (text === undefined) throw new Error(`Token ID ${id} is outside the vocabulary`)
      if (!this.specialIds.has(id)) chunks.push(fromByteAlphabet(text))
      else if (options.renderSpecial) chunks.push(utf8Encoder.encode(text))
    }
    return utf8Decoder.decode(Buffer.concat(chunks))
  }

  /**
   * Repeatedly merges the adjacent pair with the lowest rank, leftmost first on ties — the order
   * llama.cpp's priority queue produces. Quadratic in the word length, which is fine for words.
   */
  private encodeWord(word: string): number[] {
    const cached = this.wordCache.get(word)
    if (cached) return cached
    const symbols = [...toByteAlphabet(word)]
    for (;;) {
      let bestRank = Infinity
      let bestIndex = -1
      for (let i = 0; i + 1 < symbols.length; i++) {
        const rank = this.rankByPair.get(`${symbols[i]} ${symbols[i + 1]}`)
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank
          bestIndex = i
        }
      }
      if (bestIndex < 0) break
      symbols.splice(bestIndex, 2, symbols[bestIndex]! + symbols[bestIndex + 1]!)
    }
    const ids = symbols.map((symbol) => {
      const id = this.idByText.get(symbol)
      if (id === undefined)
        throw new Error(`Merge result ${JSON.stringify(symbol)} is not in the vocabulary`)
      return id
    })
    this.wordCache.set(word, ids)
    return ids
  }
}
