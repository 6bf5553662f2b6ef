import { formatCount } from '../../lib/format'
import { mutedText } from '../../lib/ui'
import { pipelineValues } from './pipeline-actions'
import { formatValue, type PipelineData } from './pipeline-steps'
import { visibleText } from './tokenizer-format'

const chip =
  'inline-flex flex-col items-center rounded bg-violet-100 px-1.5 py-0.5 font-mono text-sm leading-5 dark:bg-violet-900/50'

export function TextStep({ data }: { data: PipelineData }) {
  return (
    <>
      <p>
        It starts as plain text: {formatCount([...data.text].length)} characters. The model cannot
        read letters. Before anything else, the text is cut into pieces it knows.
      </p>
      <pre className="mt-3 rounded-lg bg-slate-100 p-3 font-mono text-sm whitespace-pre-wrap dark:bg-slate-800">
        {data.text}
      </pre>
    </>
  )
}

export function TokensStep({ data }: { data: PipelineData }) {
  const special = data.prompt.filter((t) => t.special).length
  return (
    <>
      <p>
        The tokenizer splits the text into {data.prompt.length} tokens from a vocabulary of{' '}
        {formatCount(data.vocabSize)}. Frequent words are one token, rare ones several; the space
        before a word usually belongs to its token (shown as ·).
        {special > 0 &&
          ' The marked token is a special one the model adds in front: it says where the text begins.'}
      </p>
      <div className="mt-3 flex flex-wrap gap-1" data-testid="pipeline-tokens">
        {data.prompt.map((token, i) => (
          <span key={i} className={`${chip} ${token.special ? 'ring-2 ring-amber-500' : ''}`}>
            <span className="whitespace-pre">{visibleText(token.text)}</span>
          </span>
        ))}
      </div>
    </>
  )
}

export function IdsStep({ data }: { data: PipelineData }) {
  return (
    <>
      <p>
        Each token is replaced by its number in the vocabulary, 0 to{' '}
        {formatCount(data.vocabSize - 1)}. From here on the model sees only these numbers:
      </p>
      <div className="mt-3 flex flex-wrap gap-1" data-testid="pipeline-ids">
        {data.prompt.map((token, i) => (
          <span key={i} className={chip}>
            <span className="whitespace-pre">{visibleText(token.text)}</span>
            <span className="text-xs font-semibold tabular-nums">{token.id}</span>
          </span>
        ))}
      </div>
      <p className={`mt-3 font-mono text-sm break-all ${mutedText}`}>
        [{data.prompt.map((t) => t.id).join(', ')}]
      </p>
    </>
  )
}

export function EmbeddingStep({ data }: { data: PipelineData }) {
  const { card, rows, error } = data.facts
  const dModel = rows?.dimensions || card?.embeddingSize || null
  return (
    <>
      <p>
        Each ID picks one row of the embedding table: {formatCount(data.vocabSize)} rows of{' '}
        {dModel ? <b data-testid="pipeline-dmodel">{formatCount(dModel)}</b> : 'd_model'} numbers
        each (d_model, the width of every vector inside this model). A token&apos;s row is the same
        wherever it appears; only the layers make it depend on its neighbours.
      </p>
      {rows?.rows ? (
        <div className="mt-3 overflow-x-auto">
          <table className="text-xs tabular-nums" data-testid="pipeline-embedding-rows">
            <thead>
              <tr className={mutedText}>
                <th className="pr-3 text-left font-normal">Token</th>
                <th className="pr-3 text-right font-normal">ID</th>
                <th className="text-left font-normal" colSpan={pipelineValues + 1}>
                  First {pipelineValues} of {formatCount(rows.dimensions)} values ({rows.storage})
                </th>
              </tr>
            </thead>
            <tbody className="font-mono">
              {rows.rows.map((values, i) => {
                const token = data.prompt[i]
                return (
                  <tr key={i}>
                    <td className="pr-3 whitespace-pre">{visibleText(token?.text ?? '')}</td>
                    <td className="pr-3 text-right">{token?.id}</td>
                    {values.map((value, k) => (
                      <td key={k} className="px-1.5 text-right">
                        {formatValue(value)}
                      </td>
                    ))}
                    <td className={`pl-1.5 ${mutedText}`}>…</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <p className={`mt-3 text-sm ${mutedText}`} data-testid="pipeline-embedding-unreadable">
          {rows?.unreadable ??
            (error ? `The model file could not be read: ${error.message}` : 'Reading the table…')}
        </p>
      )}
    </>
  )
}
