import { useLayoutEffect, useRef, type RefObject } from 'react'
import type { GeneratedToken, TokenText } from '../../../shared/contract'
import { chipTexts, registerCopySource } from '../lib/copy-selection'
import { chunkedItemAt, type Chunks } from '../stores/token-chunks'

/** Copying chips copies their tokens' texts, without the whitespace markers and switches. */
export function useChipCopy(
  rootRef: RefObject<HTMLElement | null>,
  prompt: Chunks<TokenText>,
  tokens: Chunks<GeneratedToken>,
): void {
  const textsRef = useRef({ prompt, tokens })
  useLayoutEffect(() => {
    textsRef.current = { prompt, tokens }
    const root = rootRef.current
    if (!root) return
    registerCopySource(
      root,
      chipTexts((chip) => {
        const { prompt: p, tokens: g } = textsRef.current
        if (chip.dataset.index !== undefined)
          return chunkedItemAt(g, Number(chip.dataset.index))?.text
        return chunkedItemAt(p, Number(chip.dataset.promptIndex))?.text
      }),
    )
  }, [rootRef, prompt, tokens])
}
