import { formatCount, formatPercent, formatProbability } from '../../lib/format'
import { mutedText } from '../../lib/ui'
import { formatEntropy, isEntropyBounded } from '../../lib/entropy-bound'
import { formatValue, type PipelineData } from './pipeline-steps'
import { visibleText } from './tokenizer-format'

export function LayersStep({ data }: { data: PipelineData }) {
  const { card, error } = data.facts
  if (!card) {
    return (
      <p className={mutedText}>
        {error ? `The model card could not be read: ${error.message}` : 'Reading the model card…'}
      </p>
    )
  }
  const d = card.embeddingSize
  const heads = card.attentionHeads
  const headSize = d && heads ? d / heads : null
  const layers = card.layers ?? 0
  const shown = layers <= 4 ? [...Array(layers).keys()] : [0, 1, -1, layers - 1]
  const facts: [string, string][] = [
    ['Layers', card.layers === null ? 'not stated' : formatCount(card.layers)],
    ['Width (d_model)', d === null ? 'not stated' : formatCount(d)],
    [
      'Attention heads',
      heads === null
        ? 'not stated'
        : `${heads}${card.kvHeads !== null && card.kvHeads !== heads ? ` (${card.kvHeads} key/value heads, shared)` : ''}`,
    ],
    ['Size of each head', headSize === null ? 'not stated' : formatCount(headSize)],
    [
      'Feed-forward width',
      card.feedForwardSize === null ? 'not stated' : formatCount(card.feedForwardSize),
    ],
    ['Parameters', formatCount(card.parameterCount)],
  ]
  return (
    <>
      <p>
        The {data.prompt.length} vectors go up through {formatCount(layers)}{' '}
        {layers === 1 ? 'layer' : 'layers'}. In each, first <b>attention</b> lets every position
        gather information from the positions before it (each of the {heads ?? '?'} heads looks with
        its own {headSize ?? '?'}-number view), then a <b>feed-forward</b> network reworks each
        position on its own. Each layer adds its result to the vector it received, so the width
        stays {d === null ? 'd_model' : formatCount(d)} all the way up.
      </p>
      <div className="mt-3 flex flex-col gap-4 md:flex-row md:items-start">
        <dl
          className="grid shrink-0 grid-cols-[auto_auto] gap-x-4 gap-y-1 text-sm"
          data-testid="pipeline-layers"
        >
          {facts.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className={mutedText}>{label}</dt>
              <dd className="text-right font-medium tabular-nums">{value}</dd>
            </div>
          ))}
        </dl>
        <ol
          aria-label="The layer stack, bottom to top"
          className="flex flex-1 flex-col-reverse gap-1"
        >
          {shown.map((index) =>
            index < 0 ? (
              <li key="gap" className={`text-center text-xs ${mutedText}`}>
                ⋮ {formatCount(layers - 3)} more layers
              </li>
            ) : (
              <li
                key={index}
                className="flex items-center gap-2 rounded-lg border border-slate-200 px-2 py-1 text-xs dark:border-slate-700"
              >
                <span className={`w-14 ${mutedText}`}>Layer {index + 1}</span>
                <span className="rounded bg-sky-100 px-1.5 dark:bg-sky-900/50">
                  attention × {heads ?? '?'}
                </span>
                <span aria-hidden="true">→</span>
                <span className="rounded bg-emerald-100 px-1.5 dark:bg-emerald-900/50">
                  feed-forward {card.feedForwardSize ? formatCount(card.feedForwardSize) : ''}
                </span>
              </li>
            ),
          )}
        </ol>
      </div>
    </>
  )
}

export function LogitsStep({ data }: { data: PipelineData }) {
  const { token } = data
  const top = token.alternatives[0]?.logit ?? 0
  return (
    <>
      <p>
        Only the last position matters for what comes next. Its final vector is multiplied by the
        output matrix, one row per vocabulary entry: {formatCount(data.vocabSize)} scores, the{' '}
        <b>logits</b>. Higher means more likely. The engine reports each logit less one constant
        shared by all of them (the log of the softmax&apos;s sum), which makes each number here the
        natural log of the token&apos;s probability; the gaps between them are the model&apos;s own.
      </p>
      <table className="mt-3 text-sm tabular-nums" data-testid="pipeline-logits">
        <thead className={`text-xs ${mutedText}`}>
          <tr>
            <th className="pr-4 text-left font-normal">Token</th>
            <th className="pr-4 text-right font-normal">ID</th>
            <th className="pr-4 text-right font-normal">Logit</th>
            <th className="text-right font-normal">Below the top</th>
          </tr>
        </thead>
        <tbody>
          {token.alternatives.map((c) => (
            <tr key={c.id}>
              <td className="pr-4 font-mono whitespace-pre">{visibleText(c.text)}</td>
              <td className="pr-4 text-right">{c.id}</td>
              <td className="pr-4 text-right font-mono">{formatValue(c.logit)}</td>
              <td className="text-right font-mono">{formatValue(c.logit - top)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className={`mt-2 text-xs ${mutedText}`}>
        The {formatCount(Math.max(0, data.vocabSize - token.alternatives.length))} other tokens
        score lower.
      </p>
    </>
  )
}

export function ProbabilitiesStep({ data }: { data: PipelineData }) {
  const { token } = data
  return (
    <>
      <p>
        Softmax turns the logits into probabilities: p = e<sup>logit</sup> / Σ e<sup>logit</sup>{' '}
        over all {formatCount(data.vocabSize)} tokens. They are positive and add up to 1; a logit
        one higher means a probability e ≈ 2.7 times larger. This is the <b>model probability</b>,
        before any sampling setting.
      </p>
      <ul className="mt-3 flex flex-col gap-1 text-sm" data-testid="pipeline-probabilities">
        {token.alternatives.map((c) => (
          <li key={c.id} className="grid grid-cols-[8rem_1fr_4.5rem] items-center gap-2">
            <span className="truncate font-mono whitespace-pre">{visibleText(c.text)}</span>
            <span className="h-3 rounded bg-slate-100 dark:bg-slate-800">
              <span
                className="block h-3 rounded bg-violet-500"
                style={{ width: `${Math.max(0.5, c.modelProb * 100)}%` }}
              />
            </span>
            <span className="text-right font-mono tabular-nums">
              {formatProbability(c.modelProb)}
            </span>
          </li>
        ))}
      </ul>
      <p className={`mt-2 text-xs ${mutedText}`}>
        All other tokens together: {formatPercent(token.tailMass)}. Uncertainty (entropy) at this
        step: {formatEntropy(token)}
        {isEntropyBounded(token) &&
          ` (a lower bound; at most ${token.entropyUpperBits!.toFixed(2)})`}
        .
      </p>
    </>
  )
}
