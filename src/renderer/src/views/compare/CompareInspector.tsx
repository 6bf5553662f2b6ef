import { useEffect, useRef, useState } from 'react'
import { contextIdsBefore } from '../../lib/context-ids'
import { compareEntropySaver } from '../../sessions/entropy-saves'
import type { ChainSettings } from '../../../../shared/lab'
import { defaultSampling } from '../../../../shared/schemas'
import { useStore } from '../../hooks/useStore'
import { DockedInspector } from '../../inspector/InspectorDock'
import { TokenInspector } from '../../inspector/TokenInspector'
import { usePickKeys } from '../../inspector/usePickKeys'
import { useWideWindow } from '../../layout/useWideWindow'
import { tokenAfterKey } from '../../lib/token-keys'
import { generatedTokenAt } from '../../stores/run-reducer'
import { engineStore, runStore } from '../../stores/stores'
import { branchFromColumn, whyCannotBranch } from './compare-branch'
import { compareStore } from './compare-actions'
import { comparePickStore } from './compare-pick'

/** The chip of `index` in column `key`. */
function chipOf(key: string, index: number): Element | null {
  return document.querySelector(`[data-column-key="${key}"] [data-index="${index}"]`)
}

/**
 * The picked token of any column in the view's one docked inspector, as in Completion and Chat:
 * its details and alternatives, the Sampling Lab, ←/→ and Home/End, and branching, which goes on
 * in Completion (compare-branch.ts).
 */
export function CompareInspector() {
  const pick = useStore(comparePickStore, (s) => s)
  const column = useStore(compareStore, (s) =>
    pick ? s.columns.find((c) => c.key === pick.key) : undefined,
  )
  // Read so that the reason a branch cannot start follows the engine and the other views.
  useStore(engineStore, (s) => s)
  useStore(runStore, (s) => s.phase)
  useStore(compareStore, (s) => s.input)
  const [labSettings, setLabSettings] = useState<ChainSettings | null>(null)
  const run = column?.run
  const current = pick && run?.runId === pick.runId ? pick : null
  const token = current && run ? generatedTokenAt(run, current.index) : undefined
  const count = run?.tokenCount ?? 0
  const close = () => comparePickStore.dispatch({ type: 'cleared' })
  const moveTo = (index: number) => {
    if (!current) return
    const next = Math.max(0, Math.min(count - 1, index))
    comparePickStore.dispatch({ type: 'moved', index: next })
    chipOf(current.key, next)?.scrollIntoView({ block: 'nearest' })
  }
  usePickKeys({
    picked: token !== undefined,
    step: (key) => moveTo(tokenAfterKey(key, current?.index ?? null, 0, count - 1) ?? 0),
    close,
  })

  // A click outside the tokens and the inspector puts the pick down.
  const picked = token !== undefined
  useEffect(() => {
    if (!picked) return
    const onPointerDown = (event: PointerEvent) => {
      if (event.target instanceof Element && event.target.closest(keepsThePick)) return
      comparePickStore.dispatch({ type: 'cleared' })
    }
    document.addEventListener('pointerdown', onPointerDown)
    return () => document.removeEventListener('pointerdown', onPointerDown)
  }, [picked])

  // On a narrow window the sheet shortens the view: bring the picked token back into sight, with
  // its neighbours around it when the sheet opens, and without jumps while stepping on.
  const wide = useWideWindow()
  const key = current?.key
  const index = current?.index
  const sheetWasOpen = useRef(false)
  useEffect(() => {
    if (wide || key === undefined || index === undefined) {
      sheetWasOpen.current = false
      return
    }
    const block = sheetWasOpen.current ? 'nearest' : 'center'
    sheetWasOpen.current = true
    const frame = requestAnimationFrame(() => chipOf(key, index)?.scrollIntoView({ block }))
    return () => cancelAnimationFrame(frame)
  }, [wide, key, index])

  return (
    <DockedInspector index={token && current ? current.index : null}>
      {token && current && run && (
        <TokenInspector
          token={token}
          index={current.index}
          count={count}
          sampling={run.sampling}
          onMove={(delta) => moveTo(current.index + delta)}
          onClose={close}
          onPick={(candidate) => {
            close()
            branchFromColumn(current.key, current.index, candidate)
          }}
          pickDisabledReason={whyCannotBranch(current.key)}
          pickHint="Click a candidate to branch from it: Completion opens this column’s text with its settings and continues from there."
          labSettings={labSettings ?? run.sampling ?? defaultSampling}
          onLabChange={setLabSettings}
          contextBefore={() => contextIdsBefore(run.prompt, run.tokens, current.index)}
          entropySaver={() => compareEntropySaver(current.key, current.index)}
        />
      )}
    </DockedInspector>
  )
}

/** Clicks there keep the picked token: the tokens, the inspector and its docking controls. */
const keepsThePick =
  '[data-testid="token-details"], [data-index], [data-testid="inspector-sheet"], [data-testid="inspector-column"]'
