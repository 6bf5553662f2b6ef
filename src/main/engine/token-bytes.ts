import type { GgufFile } from '../gguf/reader'

/** A token's own bytes, as llama.cpp's vocabulary holds them; null when the vocabulary is unknown. */
export type TokenBytes = (id: number) => Uint8Array | null

const utf8 = new TextEncoder()

/**
 * GPT-2's byte-level alphabet: every byte is written as one printable character (the printable
 * Latin-1 ones as themselves, the rest as U+0100 and up), which byte-level BPE vocabularies use.
 */
function byteLevelDecoder(): Map<number, number> {
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff)
  const decoder = new Map<number, number>()
  let next = 0
  for (let b = 0; b < 256; b++) decoder.set(printable(b) ? b : 256 + next++, b)
  return decoder
}

function byteLevelBytes(piece: string, decoder: Map<number, number>): Uint8Array | null {
  const bytes: number[] = []
  for (const char of piece) {
    const byte = decoder.get(char.codePointAt(0) ?? -1)
    // Not written in the alphabet (an added or special token): its text is its bytes.
    if (byte === undefined) return utf8.encode(piece)
    bytes.push(byte)
  }
  return Uint8Array.from(bytes)
}

/** SentencePiece: `<0x9F>` is a raw byte, `▁` a space, anything else UTF-8 text. */
function sentencePieceBytes(piece: string): Uint8Array {
  const raw = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece)
  if (raw?.[1]) return Uint8Array.of(parseInt(raw[1], 16))
  return utf8.encode(piece.replaceAll('\u2581', ' '))
}

/** The bytes of every token of the model in `file`, decoded from its vocabulary on demand. */
export function tokenBytesOf(file: GgufFile): TokenBytes {
  const tokens = file.metadata.get('tokenizer.ggml.tokens')
  const kind = file.metadata.get('tokenizer.ggml.model')
  if (tokens?.type !== 'array' || tokens.itemType !== 'string' || kind?.type !== 'string') {
    return () => null
  }
  const pieces = tokens.value
  if (kind.value === 'gpt2') {
    const decoder = byteLevelDecoder()
    return (id) => (pieces[id] === undefined ? null : byteLevelBytes(pieces[id], decoder))
  }
  if (kind.value === 'llama') {
    return (id) => (pieces[id] === undefined ? null : sentencePieceBytes(pieces[id]))
  }
  return () => null
}

/**
 * The bytes to report with a token whose text cannot show them: a token that is part of a
 * multi-byte character detokenizes to U+FFFD, which is not what it holds.
 */
export function hiddenBytes(text: string, id: number, bytesOf: TokenBytes): number[] | undefined {
  if (!text.includes('\uFFFD')) return undefined
  const bytes = bytesOf(id)
  return bytes ? Array.from(bytes) : undefined
}

const registry = new WeakMap<object, TokenBytes>()

/** Remembers the vocabulary's bytes for a loaded model, for whoever describes its tokens. */
export function registerTokenBytes(model: object, bytesOf: TokenBytes): void {
  registry.set(model, bytesOf)
}

export function tokenBytesFor(model: object): TokenBytes {
  return registry.get(model) ?? (() => null)
}
