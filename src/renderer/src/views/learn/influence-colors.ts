/** Below this change in ln p (nats) a token is left untinted: float rounding, not an effect. */
export const noEffect = 1e-4

/**
 * Heatmap colours for occlusion: a token whose removal lowers the selected token's probability
 * (it supported the prediction) is orange, one whose removal raises it is blue; the stronger the
 * change relative to the strongest one measured, the deeper the colour. Translucent, so the same
 * colours read on the light and the dark theme.
 */
export function influenceBackground(change: number, strongest: number): string {
  if (strongest <= 0 || Math.abs(change) < noEffect) return 'transparent'
  const strength = Math.min(1, Math.abs(change) / strongest)
  const alpha = (0.12 + 0.68 * strength).toFixed(3)
  return change < 0 ? `rgba(234, 88, 12, ${alpha})` : `rgba(37, 99, 235, ${alpha})`
}

/** The largest |change| measured; 0 when none. */
export function strongestChange(changes: Readonly<Record<number, number>>): number {
  return Object.values(changes).reduce((max, c) => Math.max(max, Math.abs(c)), 0)
}

/** A change in ln p as people read it: signed nats, and the factor it multiplies p by. */
export function describeChange(change: number): string {
  const factor = Math.exp(change)
  const times = factor >= 1 ? `p × ${formatFactor(factor)}` : `p ÷ ${formatFactor(1 / factor)}`
  return `${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(3)} nats (${times})`
}

function formatFactor(x: number): string {
  if (!Number.isFinite(x)) return '∞'
  return x >= 100 ? x.toExponential(1) : x.toFixed(2)
}
