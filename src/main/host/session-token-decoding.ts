import type { GeneratedToken, TokenText } from '../../shared/contract'
import type { RunRecord } from '../../shared/conversation'
import { decodeReported } from '../../shared/remote'
import type { EncodedRun, EncodedTokens } from './session-token-encoding'

export function decodeTokens(encoded: EncodedTokens): {
  prompt: TokenText[]
  tokens: GeneratedToken[]
} {
  if ('plain' in encoded) return { prompt: encoded.plain.prompt, tokens: encoded.plain.tokens }
  const texts = new Map<number, string>()
  encoded.vocabulary.ids.forEach((id, i) => texts.set(id, encoded.vocabulary.texts[i] ?? ''))
  const byteTable = encoded.vocabulary.bytes ?? {}
  const word = (id: number): TokenText => {
    const bytes = byteTable[id]
    return bytes ? { id, text: texts.get(id) ?? '', bytes } : { id, text: texts.get(id) ?? '' }
  }
  const c = encoded.tokens
  const thought = new Set(c.thought)
  const reported = new Map<number, number>()
  for (let k = 0; k + 1 < (c.reported?.length ?? 0); k += 2)
    reported.set(c.reported![k]!, c.reported![k + 1]!)
  const upper = new Map<number, number>()
  for (let k = 0; k + 1 < (c.entropyUpperBits?.length ?? 0); k += 2)
    upper.set(c.entropyUpperBits![k]!, c.entropyUpperBits![k + 1]!)
  const tokens: GeneratedToken[] = new Array<GeneratedToken>(c.id.length)
  const shifts = new Map<number, number>()
  for (let k = 0; k + 1 < (c.altPenaltyShift?.length ?? 0); k += 2)
    shifts.set(c.altPenaltyShift![k]!, c.altPenaltyShift![k + 1]!)
  let a = 0
  const candidates = (count: number) => {
    const list = new Array<GeneratedToken['alternatives'][number]>(count)
    for (let k = 0; k < count; k++, a++) {
      list[k] = {
        ...word(c.altId[a]!),
        logit: c.altLogit[a]!,
        modelProb: c.altModelProb[a]!,
        samplingProb: c.altSamplingProb[a]!,
      }
      const shift = shifts.get(a)
      if (shift !== undefined) list[k]!.penaltyShift = shift
    }
    return list
  }
  for (let i = 0; i < c.id.length; i++) {
    const count = c.altCount[i] ?? 0
    const shown = Math.min(count, c.altShown?.[i] ?? count)
    const alternatives = candidates(shown)
    const more = shown < count ? candidates(count - shown) : null
    const token: GeneratedToken = {
      ...word(c.id[i]!),
      logit: c.logit[i]!,
      modelProb: c.modelProb[i]!,
      samplingProb: c.samplingProb[i]!,
      position: c.position[i]!,
      rank: c.rank[i]!,
      entropyBits: c.entropyBits[i]!,
      alternatives,
      tailMass: c.tailMass[i]!,
    }
    if (more) token.moreCandidates = more
    const upperBits = upper.get(i)
    if (upperBits !== undefined) token.entropyUpperBits = upperBits
    if (thought.has(i)) token.segment = 'thought'
    const bits = reported.get(i)
    if (bits !== undefined) token.reported = decodeReported(bits, alternatives.length)
    tokens[i] = token
  }
  return { prompt: encoded.prompt.map(word), tokens }
}

export function decodeRun(encoded: EncodedRun): RunRecord {
  const { prompt, tokens } = decodeTokens(encoded)
  return {
    prompt,
    tokens,
    stopReason: encoded.stopReason,
    sampling: encoded.sampling,
    tokensPerSecond: encoded.tokensPerSecond,
    timeToFirstTokenMs: encoded.timeToFirstTokenMs,
  }
}
