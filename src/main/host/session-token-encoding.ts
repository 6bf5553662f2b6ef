import type { GeneratedToken, TokenText } from '../../shared/contract'
import type { RunRecord } from '../../shared/conversation'
import { encodeReported } from '../../shared/remote'

/** Token texts by id: `ids[i]` reads as `texts[i]`; `bytes` by id where the text cannot show them. */
export interface Vocabulary {
  ids: number[]
  texts: string[]
  bytes?: Record<string, number[]>
}

export interface TokenColumns {
  id: number[]
  logit: number[]
  modelProb: number[]
  samplingProb: number[]
  position: number[]
  rank: number[]
  entropyBits: number[]
  tailMass: number[]
  /** Indices of the tokens marked as thought. */
  thought: number[]
  /**
   * For a remote engine's tokens: index, then which numbers it measured (`encodeReported`),
   * pair after pair. Absent in files written before it, and where every token is local.
   */
  reported?: number[]
  /**
   * For the tokens whose entropy was bounded (`GeneratedToken.entropyUpperBits`): index, then
   * the upper bound, pair after pair. Absent in files written before it, and where none was.
   */
  entropyUpperBits?: number[]
  /** How many alternatives each token has; theirs follow in the `alt…` arrays. */
  altCount: number[]
  /**
   * How many of each token's `altCount` are alternatives; the rest are its `moreCandidates`.
   * Absent in files written before it: all are alternatives.
   */
  altShown?: number[]
  altId: number[]
  altLogit: number[]
  altModelProb: number[]
  altSamplingProb: number[]
  /**
   * With a repeat penalty: alternative index (in the `alt…` arrays), then its `penaltyShift`,
   * pair after pair. Absent in files written before it, and where no candidate has one.
   */
  altPenaltyShift?: number[]
}

/** Tokens (and a prompt) as columns; `plain` when the same id came with two texts. */
export type EncodedTokens =
  | { vocabulary: Vocabulary; prompt: number[]; tokens: TokenColumns }
  | { plain: { prompt: TokenText[]; tokens: GeneratedToken[] } }

export type EncodedRun = EncodedTokens & {
  stopReason: RunRecord['stopReason']
  sampling: RunRecord['sampling']
  tokensPerSecond: number | null
  timeToFirstTokenMs: number | null
}

const emptyColumns = (): TokenColumns => ({
  id: [],
  logit: [],
  modelProb: [],
  samplingProb: [],
  position: [],
  rank: [],
  entropyBits: [],
  tailMass: [],
  thought: [],
  altCount: [],
  altShown: [],
  altId: [],
  altLogit: [],
  altModelProb: [],
  altSamplingProb: [],
})

/** Builds columns a slice at a time (so a long run can be encoded between other work). */
export class TokenEncoder {
  private readonly texts = new Map<number, string>()
  private readonly bytes: Record<string, number[]> = {}
  private readonly columns = emptyColumns()
  private readonly prompt: number[] = []
  private conflict = false
  private count = 0

  constructor(
    private readonly promptTokens: readonly TokenText[],
    private readonly tokens: readonly GeneratedToken[],
  ) {
    for (const t of promptTokens) {
      this.word(t)
      this.prompt.push(t.id)
    }
  }

  private word({ id, text, bytes }: TokenText) {
    if (bytes) this.bytes[id] = bytes
    const known = this.texts.get(id)
    if (known === undefined) this.texts.set(id, text)
    else if (known !== text) this.conflict = true
  }

  /** Encodes up to `n` more tokens; false once all are in. */
  step(n: number): boolean {
    const c = this.columns
    const end = Math.min(this.tokens.length, this.count + n)
    for (let i = this.count; i < end; i++) {
      const t = this.tokens[i]!
      this.word(t)
      c.id.push(t.id)
      c.logit.push(t.logit)
      c.modelProb.push(t.modelProb)
      c.samplingProb.push(t.samplingProb)
      c.position.push(t.position)
      c.rank.push(t.rank)
      c.entropyBits.push(t.entropyBits)
      c.tailMass.push(t.tailMass)
      if (t.segment === 'thought') c.thought.push(i)
      if (t.reported) (c.reported ??= []).push(i, encodeReported(t.reported))
      if (t.entropyUpperBits !== undefined) (c.entropyUpperBits ??= []).push(i, t.entropyUpperBits)
      const more = t.moreCandidates ?? []
      c.altCount.push(t.alternatives.length + more.length)
      c.altShown?.push(t.alternatives.length)
      for (const a of [...t.alternatives, ...more]) {
        this.word(a)
        if (a.penaltyShift !== undefined)
          (c.altPenaltyShift ??= []).push(c.altId.length, a.penaltyShift)
        c.altId.push(a.id)
        c.altLogit.push(a.logit)
        c.altModelProb.push(a.modelProb)
        c.altSamplingProb.push(a.samplingProb)
      }
    }
    this.count = end
    return end < this.tokens.length
  }

  result(): EncodedTokens {
    while (this.step(4096));
    if (this.conflict)
      return { plain: { prompt: [...this.promptTokens], tokens: [...this.tokens] } }
    const bytes = Object.keys(this.bytes).length > 0 ? { bytes: this.bytes } : {}
    return {
      vocabulary: { ids: [...this.texts.keys()], texts: [...this.texts.values()], ...bytes },
      prompt: this.prompt,
      tokens: this.columns,
    }
  }
}

export function encodeTokens(
  prompt: readonly TokenText[],
  tokens: readonly GeneratedToken[],
): EncodedTokens {
  return new TokenEncoder(prompt, tokens).result()
}
