import { memo } from 'react'
import type { TokenText } from '../../../../shared/contract'
import { contextPosition } from '../../lib/numbering'
import { mutedText } from '../../lib/ui'
import { showWhitespace } from '../../lib/whitespace'
import { describeChange, influenceBackground } from './influence-colors'

/** Earlier text shown before the measured window, for context. */
const leadIn = 12

export interface InfluenceHeatmapProps {
  /** The text's tokens up to the selected one (the last). */
  context: readonly TokenText[]
  /** Position of the first token the measurement removes. */
  firstMeasured: number
  changes: Readonly<Record<number, number>>
  strongest: number
}

/** The text before the selected token, each removed token tinted by what removing it did. */
export const InfluenceHeatmap = memo(function InfluenceHeatmap(props: InfluenceHeatmapProps) {
  const { context, firstMeasured, changes, strongest } = props
  const target = context.length - 1
  const from = Math.max(0, firstMeasured - leadIn)
  return (
    <div
      role="list"
      aria-label="The text before the selected token, tinted by influence"
      data-testid="influence-heatmap"
      className="font-mono text-sm leading-7"
    >
      {from > 0 && <span className={mutedText}>… </span>}
      {context.slice(from).map((token, k) => {
        const at = from + k
        const change = changes[at]
        const text = showWhitespace(token.text)
        if (at === target) {
          return (
            <span
              key={at}
              role="listitem"
              data-testid="influence-target"
              title="The selected token: its probability is what is measured"
              className="mr-px inline-block rounded px-0.5 whitespace-pre underline decoration-violet-500 decoration-2 underline-offset-4 ring-2 ring-violet-500 dark:ring-violet-300"
            >
              {text}
            </span>
          )
        }
        const label =
          change === undefined
            ? at < firstMeasured
              ? 'outside the window: not removed'
              : 'not measured yet'
            : `removing it: ${describeChange(change)}`
        return (
          <span
            key={at}
            role="listitem"
            data-testid="influence-chip"
            data-position={at}
            data-change={change}
            title={`“${token.text}” (context position ${contextPosition({ position: at })}): ${label}`}
            aria-label={`${token.text}: ${label}`}
            style={{
              backgroundColor:
                change === undefined ? undefined : influenceBackground(change, strongest),
            }}
            className={`mr-px inline-block rounded px-0.5 whitespace-pre ${
              change === undefined ? `${mutedText} opacity-70` : ''
            }`}
          >
            {text}
          </span>
        )
      })}
    </div>
  )
})
