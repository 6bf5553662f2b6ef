import type { GeneratedToken } from '../../../../shared/contract'
import { formatPercent } from '../../lib/format'
import { mutedText } from '../../lib/ui'
import { showWhitespace } from '../../lib/whitespace'
import { lossOf } from './score-stats'

const shownRows = 200

/** The loss table of a span, as the seeds draw it: each token, its p and −ln p, then the mean. */
export function LossTable({ tokens, from }: { tokens: readonly GeneratedToken[]; from: number }) {
  const loss = lossOf(tokens)
  if (!loss) return null
  return (
    <div data-testid="loss-table" className="text-xs">
      <table className="w-full tabular-nums">
        <thead>
          <tr className={`text-left ${mutedText}`}>
            <th className="py-1 font-medium">#</th>
            <th className="py-1 font-medium">Token</th>
            <th className="py-1 text-right font-medium">p</th>
            <th className="py-1 text-right font-medium" title="The loss of this token, in nats">
              −ln p
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.slice(0, shownRows).map((token, i) => (
            <tr
              key={i}
              data-testid="loss-row"
              className="border-t border-slate-100 dark:border-slate-800"
            >
              <td className={`py-0.5 ${mutedText}`}>{from + i + 1}</td>
              <td className="max-w-[9rem] truncate py-0.5 font-mono whitespace-pre">
                {showWhitespace(token.text)}
              </td>
              <td className="py-0.5 text-right">{formatPercent(token.modelProb)}</td>
              <td className="py-0.5 text-right">
                {(-Math.log(Math.max(token.modelProb, Number.MIN_VALUE))).toFixed(3)}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="border-t-2 border-slate-200 font-semibold dark:border-slate-700">
            <td colSpan={3} className="py-1">
              Mean loss of {loss.count} {loss.count === 1 ? 'token' : 'tokens'}
              {tokens.length > shownRows && ` (first ${shownRows} listed)`}
            </td>
            <td data-testid="span-loss" data-value={loss.meanNats} className="py-1 text-right">
              {loss.meanNats.toFixed(3)}
            </td>
          </tr>
        </tfoot>
      </table>
      <p className={`mt-1 ${mutedText}`}>
        Perplexity of this span:{' '}
        <b data-testid="span-perplexity" data-value={loss.perplexity}>
          {loss.perplexity.toFixed(2)}
        </b>{' '}
        = e^(mean loss).
      </p>
    </div>
  )
}
