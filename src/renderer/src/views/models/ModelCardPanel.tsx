import type { ModelCard } from '../../../../shared/models'
import { Spinner } from '../../components/Icons'
import { useStore } from '../../hooks/useStore'
import { formatCount } from '../../lib/format'
import { mutedText } from '../../lib/ui'
import { inspectSelected, modelsStore } from './models-actions'
import { formatParameterCount, formatSize } from './models-format'
import { Badge, EmptyNote, ErrorNote, Panel } from './models-ui'
import { ParameterBar } from './ParameterBar'

/** The anatomy of the selected model, read from its GGUF header. */
export function ModelCardPanel() {
  const selected = useStore(modelsStore, (s) => s.selected)
  const status = useStore(modelsStore, (s) => s.inspectionStatus)
  const card = useStore(modelsStore, (s) => s.inspection?.card ?? null)
  const error = useStore(modelsStore, (s) => s.inspectionError)
  const busy = status === 'busy' || status === 'idle'
  return (
    <Panel
      title="Model card"
      testId="model-card"
      actions={
        busy && selected ? (
          <span className={`flex items-center gap-1.5 text-xs ${mutedText}`} role="status">
            <Spinner /> Reading header…
          </span>
        ) : null
      }
    >
      {!selected ? (
        <EmptyNote>Open a model to see its anatomy.</EmptyNote>
      ) : error ? (
        <ErrorNote error={error} testId="inspect-error">
          <button
            type="button"
            className="mt-1 text-sm font-medium underline underline-offset-2"
            onClick={inspectSelected}
          >
            Try again
          </button>
        </ErrorNote>
      ) : card ? (
        <CardBody card={card} demo={selected.kind === 'demo'} />
      ) : (
        <div className="h-64 animate-pulse rounded-lg bg-slate-100 dark:bg-slate-800/60" />
      )}
    </Panel>
  )
}

function CardBody({ card, demo }: { card: ModelCard; demo: boolean }) {
  const count = (n: number | null) => (n === null ? '—' : formatCount(n))
  const grouped =
    card.attentionHeads !== null &&
    card.kvHeads !== null &&
    card.kvHeads > 0 &&
    card.kvHeads < card.attentionHeads
      ? `grouped-query, ${Math.round(card.attentionHeads / card.kvHeads)} query heads per KV head`
      : null
  const rope = [
    card.rope.dimensions !== null ? `${card.rope.dimensions} dims` : null,
    card.rope.freqBase !== null ? `base ${formatCount(card.rope.freqBase)}` : null,
    card.rope.scaling && card.rope.scaling !== 'none' ? `${card.rope.scaling} scaling` : null,
  ].filter((part): part is string => part !== null)
  return (
    <div className="flex flex-col gap-5">
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-2">
          <h3 className="min-w-0 truncate text-lg font-semibold" data-testid="card-name">
            {card.name ?? card.fileName}
          </h3>
          {demo && <Badge tone="violet">demo</Badge>}
          {card.fileType && <Badge tone="slate">{card.fileType}</Badge>}
          {card.parts > 1 && <Badge tone="sky">{card.parts} parts</Badge>}
        </div>
        <p className={`mt-0.5 truncate font-mono text-xs ${mutedText}`} title={card.path}>
          {card.path || card.fileName}
        </p>
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 @md:grid-cols-3 @3xl:grid-cols-4">
        <Fact label="Architecture" testId="card-architecture" value={card.architecture} />
        <Fact
          label="Parameters"
          testId="card-parameters"
          value={formatParameterCount(card.parameterCount)}
          title={`${formatCount(card.parameterCount)} parameters`}
        />
        <Fact label="Quantization" testId="card-file-type" value={card.fileType ?? '—'} />
        <Fact label="File size" testId="card-size" value={formatSize(card.sizeBytes)} />
        <Fact label="Layers" testId="card-layers" value={count(card.layers)} />
        <Fact
          label="Attention heads"
          testId="card-heads"
          value={`${count(card.attentionHeads)} · ${count(card.kvHeads)} KV`}
          note={grouped}
        />
        <Fact
          label="Embedding size (d_model)"
          testId="card-dmodel"
          value={count(card.embeddingSize)}
        />
        <Fact label="Feed-forward size" testId="card-ffn" value={count(card.feedForwardSize)} />
        <Fact label="Vocabulary" testId="card-vocab" value={formatCount(card.vocabSize)} />
        <Fact label="Tokenizer" testId="card-tokenizer" value={card.tokenizer ?? '—'} />
        <Fact
          label="Trained context"
          testId="card-context"
          value={
            card.trainedContextSize === null
              ? '—'
              : `${formatCount(card.trainedContextSize)} tokens`
          }
        />
        <Fact label="RoPE" testId="card-rope" value={rope.length > 0 ? rope.join(', ') : '—'} />
        <Fact
          label="Chat template"
          testId="card-chat-template"
          value={card.hasChatTemplate ? 'Included' : 'None'}
          note={card.hasChatTemplate ? null : 'Chat falls back to a generic template'}
        />
      </dl>
      <div>
        <h4 className="mb-2 text-sm font-medium">
          Where the weights live
          <span className={`ml-2 font-normal ${mutedText}`}>
            {formatCount(card.parameterCount)} parameters
          </span>
        </h4>
        <ParameterBar breakdown={card.breakdown} />
      </div>
    </div>
  )
}

interface FactProps {
  label: string
  value: string
  testId: string
  note?: string | null
  title?: string
}

function Fact({ label, value, testId, note, title }: FactProps) {
  return (
    <div className="min-w-0">
      <dt className={`text-xs ${mutedText}`}>{label}</dt>
      <dd
        className="truncate text-sm font-medium tabular-nums"
        data-testid={testId}
        title={title ?? value}
      >
        {value}
      </dd>
      {note && <dd className={`text-[11px] leading-snug ${mutedText}`}>{note}</dd>}
    </div>
  )
}
