import type { GeneratedToken } from '../../../../shared/contract'
import { formatCount } from '../../lib/format'
import { mutedText } from '../../lib/ui'
import { lossOf } from './score-stats'

/** The whole text's numbers: how many tokens were scored, mean loss, perplexity, bits per token. */
export function ScoreSummary({ tokens }: { tokens: readonly GeneratedToken[] }) {
  const loss = lossOf(tokens)
  if (!loss) return null
  const item = 'flex items-baseline gap-1'
  return (
    <dl className="flex flex-wrap gap-x-4 gap-y-1 text-xs tabular-nums" data-testid="score-summary">
      <div className={item}>
        <dt className={mutedText}>Scored</dt>
        <dd data-testid="score-count">{formatCount(loss.count)} tokens</dd>
      </div>
      <div className={item} title="Mean −ln p over the scored tokens (the training loss)">
        <dt className={mutedText}>Loss</dt>
        <dd data-testid="score-loss" data-value={loss.meanNats}>
          {loss.meanNats.toFixed(3)} nats
        </dd>
      </div>
      <div
        className={item}
        title="e^(mean loss), as llama-perplexity computes it: how many equally likely tokens the model was choosing between, on average"
      >
        <dt className={mutedText}>Perplexity</dt>
        <dd data-testid="score-perplexity" data-value={loss.perplexity} className="font-semibold">
          {loss.perplexity.toFixed(2)}
        </dd>
      </div>
      <div className={item} title="Mean surprise, −log2 p">
        <dt className={mutedText}>Surprise</dt>
        <dd>{loss.meanBits.toFixed(2)} bits/token</dd>
      </div>
    </dl>
  )
}
