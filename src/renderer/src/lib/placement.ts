export interface Box {
  left: number
  top: number
  width: number
  height: number
}

export interface Placement {
  left: number
  top: number
  side: 'below' | 'above' | 'right' | 'left'
}

/**
 * Where a popover of `size` goes next to `anchor`: below it when it fits, else above; when it
 * fits neither, beside it so that it never covers the anchor; always inside the viewport.
 */
export function placePopover(
  anchor: Box,
  size: { width: number; height: number },
  viewport: { width: number; height: number },
  gap = 6,
  margin = 8,
): Placement {
  const below = viewport.height - (anchor.top + anchor.height) - gap - margin
  const above = anchor.top - gap - margin
  const clampTop = (top: number) => clamp(top, margin, viewport.height - size.height - margin)
  const clampLeft = (left: number) => clamp(left, margin, viewport.width - size.width - margin)

  if (size.height <= below) {
    return { side: 'below', top: anchor.top + anchor.height + gap, left: clampLeft(anchor.left) }
  }
  if (size.height <= above) {
    return { side: 'above', top: anchor.top - gap - size.height, left: clampLeft(anchor.left) }
  }
  const top = clampTop(anchor.top + anchor.height / 2 - size.height / 2)
  const right = anchor.left + anchor.width + gap
  if (right + size.width <= viewport.width - margin) return { side: 'right', top, left: right }
  const left = anchor.left - gap - size.width
  if (left >= margin) return { side: 'left', top, left }
  // Too big for any side: the roomier vertical side, clamped.
  return below >= above
    ? {
        side: 'below',
        top: clampTop(anchor.top + anchor.height + gap),
        left: clampLeft(anchor.left),
      }
    : { side: 'above', top: clampTop(anchor.top - gap - size.height), left: clampLeft(anchor.left) }
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, Math.max(min, max)))
}
