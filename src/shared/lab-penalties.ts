import type { LabCandidate } from './lab'
import { penaltiesActive, penalizedLogit, windowCounts, type PenaltySettings } from './penalties'

/** What the run's penalties did to one stored candidate at the inspected step. */
export interface PenaltyChange {
  id: number
  text: string
  /** How often it occurs in the penalty window before this step. */
  count: number
  /** Its logit (ln p) before and after the penalties. */
  before: number
  after: number
  /** It fell below every token that was not stored, so its new rank cannot be known here. */
  outOfReach: boolean
}

export interface PenalisedCandidates {
  /** The candidates as the chain saw them: penalised logits, highest first, model probabilities kept. */
  candidates: LabCandidate[]
  /** Σ exp(logit − top) over the penalised vocabulary; null when a penalised token was not stored. */
  fullWeight: number | null
  changes: PenaltyChange[]
}

/**
 * The stored candidates after the run's penalties, as the engine's chain saw them at this step.
 * Frequency and presence penalties are subtractions, redone here from ln p; a repeat penalty
 * needs the logit's sign, so the engine stored what all of them did to each candidate
 * (`penaltyShift`) and that is used as it is.
 *
 * Every token not stored is below the lowest stored logit after the penalties too: an
 * unpenalised one by the model's order, a penalised one because the engine stores those the
 * penalties raised that far. So every candidate at or above min(max(before, after)) of the
 * stored ones is above every token that was not stored: those form an exact prefix of the
 * penalised order. Candidates that fall below it are left out (their rank is unknown).
 */
export function penaliseForLab(
  candidates: readonly LabCandidate[],
  contextBefore: readonly number[],
  settings: PenaltySettings,
): PenalisedCandidates | null {
  if (!penaltiesActive(settings) || candidates.length === 0) return null
  const counts = windowCounts(contextBefore, settings)
  const sorted = [...candidates].sort((a, b) => b.logit - a.logit)
  const top = sorted[0]!
  const afterOf = (c: LabCandidate) =>
    c.penaltyShift !== undefined
      ? c.logit + c.penaltyShift
      : penalizedLogit(c.logit, counts.get(c.id) ?? 0, settings)
  const floor = Math.min(...sorted.map((c) => Math.max(c.logit, afterOf(c))))
  // The raw vocabulary's Σ exp(logit − top), from the top candidate's model probability.
  let weight = top.modelProb > 0 ? 1 / top.modelProb : 1
  const stored = new Set(sorted.map((c) => c.id))
  const changes: PenaltyChange[] = []
  const kept: LabCandidate[] = []
  for (const c of sorted) {
    const count = counts.get(c.id) ?? 0
    const after = afterOf(c)
    if (after !== c.logit) {
      weight -= Math.exp(c.logit - top.logit) - Math.exp(after - top.logit)
      changes.push({
        id: c.id,
        text: c.text,
        count,
        before: c.logit,
        after,
        outOfReach: after < floor,
      })
    }
    if (after >= floor) kept.push(after === c.logit ? c : { ...c, logit: after })
  }
  kept.sort((a, b) => b.logit - a.logit)
  const unknown = [...counts.keys()].some((id) => !stored.has(id))
  const newTop = kept[0]?.logit ?? top.logit
  return {
    candidates: kept,
    // Rescaled to the new top logit, as the chain measures weights from it.
    fullWeight: unknown ? null : weight * Math.exp(top.logit - newTop),
    changes,
  }
}
