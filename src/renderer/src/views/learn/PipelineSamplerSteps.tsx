import { labCandidates, labStep } from '../../../../shared/lab'
import { penaltiesActive } from '../../../../shared/penalties'
import { formatCount, formatPercent, formatProbability } from '../../lib/format'
import { mutedText } from '../../lib/ui'
import { pipelineTopN } from './pipeline-actions'
import type { PipelineData } from './pipeline-steps'
import { visibleText } from './tokenizer-format'

export function SamplerStep({ data }: { data: PipelineData }) {
  const { sampling, token } = data
  const { candidates, tailMass } = labCandidates(token)
  const lab = labStep(candidates, sampling, tailMass)
  const greedy = sampling.temperature <= 0
  const penalised = penaltiesActive(sampling)
  // llama.cpp's order: the cuts act on the model's own probabilities, temperature on what is left.
  const stages: [string, string][] = [
    [
      `Top-k ${sampling.topK || 'off'}`,
      sampling.topK > 0
        ? `Keeps only the ${sampling.topK} most likely tokens.`
        : 'Off: no cut by count.',
    ],
    [
      `Top-p ${sampling.topP}`,
      sampling.topP < 1
        ? `Keeps the most likely of those until together they reach ${formatPercent(sampling.topP)}${lab.topPKept !== null ? `: ${lab.topPKept} here` : ''}.`
        : 'Off: no cut by total probability.',
    ],
    [
      `Min-p ${sampling.minP}`,
      sampling.minP > 0
        ? `Drops tokens less than ${formatPercent(sampling.minP)} as likely as the top one${lab.minPThreshold !== null ? ` (below ${formatProbability(lab.minPThreshold)} here)` : ''}.`
        : 'Off: no cut relative to the top token.',
    ],
    [
      `Temperature ${sampling.temperature}`,
      greedy
        ? 'Greedy: the most likely token is taken, nothing is drawn.'
        : `Divides the survivors' logits by ${sampling.temperature} before softmax: below 1 sharpens the distribution, above 1 flattens it.`,
    ],
  ]
  return (
    <>
      <p>
        The sampler chain decides how the next token is drawn from those probabilities. These are
        the settings of the sampling panel, applied in this order; softmax over the survivors then
        gives the <b>sampling probability</b>.
      </p>
      <dl
        className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm"
        data-testid="pipeline-sampler"
      >
        {stages.map(([label, text]) => (
          <div key={label} className="contents">
            <dt className="font-medium whitespace-nowrap">{label}</dt>
            <dd className={mutedText}>{text}</dd>
          </div>
        ))}
      </dl>
      <table className="mt-3 text-sm tabular-nums">
        <thead className={`text-xs ${mutedText}`}>
          <tr>
            <th className="pr-4 text-left font-normal">Token</th>
            <th className="pr-4 text-right font-normal">Model p</th>
            <th className="pr-4 text-right font-normal">After the chain</th>
            <th className="text-left font-normal">Removed by</th>
          </tr>
        </thead>
        <tbody>
          {lab.bars.slice(0, pipelineTopN).map((bar) => (
            <tr key={bar.id} className={bar.afterProb === 0 ? mutedText : ''}>
              <td className="pr-4 font-mono whitespace-pre">{visibleText(bar.text)}</td>
              <td className="pr-4 text-right font-mono">{formatProbability(bar.modelProb)}</td>
              <td className="pr-4 text-right font-mono">
                {bar.afterProb === null ? '—' : formatProbability(bar.afterProb)}
              </td>
              <td className="text-xs">{bar.cutBy ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {penalised && (
        <p className={`mt-2 text-xs ${mutedText}`} data-testid="pipeline-penalties">
          Presence or frequency penalties are set: before the chain they lower the logits of tokens
          already in the text. The table works the chain out without them; the next step shows the
          sampling probability the engine really used.
        </p>
      )}
      {lab.keptCount !== null && lab.keptMass !== null && (
        <p className={`mt-2 text-xs ${mutedText}`}>
          {formatCount(lab.keptCount)} {lab.keptCount === 1 ? 'token survives' : 'tokens survive'},
          holding {formatPercent(lab.keptMass)} of the model probability.
        </p>
      )}
    </>
  )
}

export function NextTokenStep({ data }: { data: PipelineData }) {
  const { token, sampling } = data
  return (
    <>
      <p>
        One token is drawn from the sampling probabilities (seed {sampling.seed}; the same seed and
        settings draw the same token). It is appended to the text, and the whole walk starts again
        for the token after it: that loop is generation.
      </p>
      <div
        className="mt-4 flex flex-wrap items-center gap-4"
        data-testid="pipeline-next"
        data-token-id={token.id}
      >
        <span className="rounded-lg bg-violet-600 px-3 py-1.5 font-mono text-lg whitespace-pre text-white">
          {visibleText(token.text)}
        </span>
        <dl className="grid grid-cols-[auto_auto] gap-x-4 text-sm tabular-nums">
          <dt className={mutedText}>ID</dt>
          <dd>{token.id}</dd>
          <dt className={mutedText}>Rank</dt>
          <dd>{token.rank}</dd>
          <dt className={mutedText}>Model probability</dt>
          <dd>{formatProbability(token.modelProb)}</dd>
          <dt className={mutedText}>Sampling probability</dt>
          <dd>{formatProbability(token.samplingProb)}</dd>
        </dl>
      </div>
      <p className="mt-4 font-mono text-sm whitespace-pre-wrap">
        {data.text}
        <mark className="rounded bg-violet-200 px-0.5 dark:bg-violet-800 dark:text-white">
          {token.text}
        </mark>
      </p>
    </>
  )
}
