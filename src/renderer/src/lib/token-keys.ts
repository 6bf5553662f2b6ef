/**
 * The token a key moves the selection to, within the tokens `first`..`last` on screen: ←/→ step
 * (from outside the range they start at its end or its start), Home/End jump. Null for other keys.
 */
export function tokenAfterKey(
  key: string,
  selected: number | null,
  first: number,
  last: number,
): number | null {
  if (last < first) return null
  const at = selected !== null && selected >= first && selected <= last ? selected : null
  if (key === 'ArrowRight') return at === null ? first : Math.min(last, at + 1)
  if (key === 'ArrowLeft') return at === null ? last : Math.max(first, at - 1)
  if (key === 'Home') return first
  if (key === 'End') return last
  return null
}
