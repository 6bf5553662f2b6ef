import type { SamplingSettings } from './schemas'

/** How far back the penalties look when a run does not say: llama.cpp's `penalty_last_n`. */
export const defaultPenaltyWindow = 64

export type PenaltySettings = Pick<
  SamplingSettings,
  'presencePenalty' | 'frequencyPenalty' | 'repeatPenalty' | 'penaltyWindow'
>

export function penaltiesActive(settings: PenaltySettings): boolean {
  return (
    (settings.penaltyWindow ?? defaultPenaltyWindow) > 0 &&
    ((settings.presencePenalty ?? 0) !== 0 ||
      (settings.frequencyPenalty ?? 0) !== 0 ||
      repeatPenaltyOn(settings))
  )
}

/**
 * Whether the run has llama.cpp's multiplicative repeat penalty. It needs the sign of the absolute
 * logit, which ln p does not carry, so the engine reads the penalised logits from llama.cpp itself
 * (repeat-penalty-pass.ts) and stores each penalised candidate's change (`penaltyShift`).
 */
export function repeatPenaltyOn(settings: PenaltySettings): boolean {
  return (settings.penaltyWindow ?? defaultPenaltyWindow) > 0 && (settings.repeatPenalty ?? 1) !== 1
}

/**
 * How often each token occurs among the last `penaltyWindow` tokens of the context (prompt and
 * generated alike, as llama.cpp's sampler sees them).
 */
export function windowCounts(context: readonly number[], settings: PenaltySettings) {
  const window = settings.penaltyWindow ?? defaultPenaltyWindow
  const counts = new Map<number, number>()
  for (let i = Math.max(0, context.length - window); i < context.length; i++) {
    const id = context[i] ?? 0
    counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}

/**
 * llama.cpp's frequency and presence penalties (the repeat penalty is not here, see
 * `repeatPenaltyOn`): count × frequency + presence, taken off the
 * logit of every token that occurs `count` > 0 times in the window. Both are subtractions, so
 * they act the same on a logit known only up to a constant (ln p).
 */
export function penalizedLogit(logit: number, count: number, settings: PenaltySettings): number {
  if (count === 0) return logit
  return logit - count * (settings.frequencyPenalty ?? 0) - (settings.presencePenalty ?? 0)
}

/** "off", or the penalties in one line: "repeat 1.3 · presence 0 · frequency 0.5 · last 64". */
export function describePenalties(settings: PenaltySettings): string {
  if (!penaltiesActive(settings)) return 'off'
  const repeat = settings.repeatPenalty ?? 1
  return [
    ...(repeat !== 1 ? [`repeat ${repeat}`] : []),
    `presence ${settings.presencePenalty ?? 0}`,
    `frequency ${settings.frequencyPenalty ?? 0}`,
    `last ${settings.penaltyWindow ?? defaultPenaltyWindow}`,
  ].join(' · ')
}
