import type { GeneratedToken, TokenCandidate } from '../../../shared/contract'
import { formatPercent } from '../lib/format'
import { candidateKey, isChosen, isRemoteToken, remoteBranchReason } from '../lib/reported'
import { showWhitespace } from '../lib/whitespace'
import { focusRing, mutedText } from '../lib/ui'

export interface AlternativesListProps {
  token: GeneratedToken
  /** When given, every candidate but the chosen one is a button: branch from it. */
  onPick?: (candidate: TokenCandidate) => void
  /** Why picking is not possible right now (e.g. a run is going); shown on the buttons. */
  pickDisabledReason?: string | null
  /** Candidates that already have a branch at this position. */
  branchedIds?: ReadonlySet<number>
  /** What a click on a candidate does, in a sentence; where the view branches elsewhere. */
  pickHint?: string
}

const row = 'grid grid-cols-[1rem_minmax(0,6.5rem)_1fr_3rem_3rem] items-center gap-x-2'

/** Bars share one scale, the largest probability shown, so small distributions stay readable. */
function width(p: number, scale: number): string {
  return `${p > 0 && scale > 0 ? Math.max((p / scale) * 100, 2) : 0}%`
}

interface CandidateRowProps {
  candidate: TokenCandidate
  rank: number
  chosen: boolean
  scale: number
  testId?: string
  onPick?: (candidate: TokenCandidate) => void
  pickDisabledReason?: string | null
  branched?: boolean
  /** False for a remote token: its server reported no sampling probabilities. */
  samplingReported: boolean
  /** False for a remote token whose server reported post-sampling probabilities only. */
  modelReported: boolean
}

function CandidateRow(props: CandidateRowProps) {
  const { candidate, rank, chosen, scale, testId, onPick, pickDisabledReason, branched } = props
  const cells = (
    <RowCells
      candidate={candidate}
      rank={rank}
      chosen={chosen}
      scale={scale}
      branched={branched}
      samplingReported={props.samplingReported}
      modelReported={props.modelReported}
    />
  )
  const text = showWhitespace(candidate.text)
  return (
    <li
      data-testid={testId ?? 'alternative-row'}
      data-token-id={candidate.id}
      data-model-prob={props.modelReported ? candidate.modelProb : undefined}
      data-sampling-prob={props.samplingReported ? candidate.samplingProb : undefined}
      data-chosen={chosen || undefined}
      data-branched={branched || undefined}
      className={`rounded-md text-xs ${
        chosen
          ? 'bg-violet-50 ring-1 ring-violet-300 dark:bg-violet-950/60 dark:ring-violet-700'
          : ''
      }`}
    >
      {onPick && !chosen ? (
        <button
          type="button"
          data-testid="branch-from-alternative"
          disabled={!!pickDisabledReason}
          onClick={() => onPick(candidate)}
          title={
            pickDisabledReason ??
            (branched
              ? `Show the branch that continues from ${text}`
              : `Force ${text} here and continue generating from it`)
          }
          aria-label={`${branched ? 'Show branch' : 'Branch'} from ${text}`}
          className={`${row} w-full cursor-pointer rounded-md px-1.5 py-[3px] text-left hover:bg-violet-50 disabled:cursor-not-allowed disabled:hover:bg-transparent dark:hover:bg-violet-950/50 ${focusRing}`}
        >
          {cells}
        </button>
      ) : (
        <div className={`${row} px-1.5 py-[3px]`}>{cells}</div>
      )}
    </li>
  )
}

function RowCells({
  candidate,
  rank,
  chosen,
  scale,
  branched,
  samplingReported,
  modelReported,
}: Pick<
  CandidateRowProps,
  'candidate' | 'rank' | 'chosen' | 'scale' | 'branched' | 'samplingReported' | 'modelReported'
>) {
  return (
    <>
      <span className={`text-[11px] tabular-nums ${mutedText}`}>{rank}</span>
      <span className="truncate font-mono" title={`Token ${candidate.id}`}>
        {showWhitespace(candidate.text)}
        {chosen && <span className="sr-only"> (chosen)</span>}
        {branched && !chosen && (
          <span
            title="A branch continues from this token"
            className="ml-1 rounded bg-violet-100 px-1 font-sans text-[10px] text-violet-800 dark:bg-violet-900 dark:text-violet-100"
          >
            branch
          </span>
        )}
      </span>
      <span
        aria-hidden="true"
        className="flex h-2.5 flex-col justify-between overflow-hidden rounded-sm bg-slate-100 dark:bg-slate-800"
      >
        <span
          className="block h-[4px] bg-sky-500"
          style={{ width: width(candidate.modelProb, scale) }}
        />
        <span
          className="block h-[4px] bg-violet-500"
          style={{ width: width(candidate.samplingProb, scale) }}
        />
      </span>
      {modelReported ? (
        <span className="text-right tabular-nums">{formatPercent(candidate.modelProb)}</span>
      ) : (
        <span className={`text-right ${mutedText}`} title="Not reported by the remote server">
          —
        </span>
      )}
      {samplingReported ? (
        <span
          className={`text-right tabular-nums ${candidate.samplingProb > 0 ? '' : mutedText}`}
          title={candidate.samplingProb > 0 ? undefined : 'Removed by the sampler chain'}
        >
          {candidate.samplingProb > 0 ? formatPercent(candidate.samplingProb) : 'cut'}
        </span>
      ) : (
        <span className={`text-right ${mutedText}`} title="Not reported by the remote server">
          —
        </span>
      )}
    </>
  )
}

/** The model's top candidates at this step, with both probabilities; the chosen one marked. */
export function AlternativesList({
  token,
  onPick,
  pickDisabledReason,
  branchedIds,
  pickHint = 'Click a candidate to branch from it.',
}: AlternativesListProps) {
  const chosenListed = token.alternatives.some((alt) => isChosen(token, alt))
  // A remote token has no branches (its ids may all be 0), only the reason why not.
  const remote = isRemoteToken(token)
  const samplingReported = token.reported?.samplingProb ?? true
  const modelReported = token.reported?.modelProb ?? true
  const scale = Math.max(
    token.modelProb,
    token.samplingProb,
    ...token.alternatives.flatMap((alt) => [alt.modelProb, alt.samplingProb]),
  )
  return (
    <div>
      <div className={`${row} px-1.5 pb-1 text-[11px] ${mutedText}`}>
        <span />
        <h3 className="font-semibold text-slate-700 dark:text-slate-200">
          Top {token.alternatives.length} candidates
        </h3>
        <span />
        <span className="flex items-center justify-end gap-1">
          <span aria-hidden="true" className="size-2 rounded-sm bg-sky-500" />
          model
        </span>
        <span className="flex items-center justify-end gap-1">
          <span aria-hidden="true" className="size-2 rounded-sm bg-violet-500" />
          sampl.
        </span>
      </div>
      <ol>
        {token.alternatives.map((alt, i) => (
          <CandidateRow
            key={candidateKey(token, alt, i)}
            candidate={alt}
            rank={i + 1}
            chosen={isChosen(token, alt)}
            samplingReported={samplingReported}
            modelReported={modelReported}
            scale={scale}
            onPick={onPick}
            pickDisabledReason={pickDisabledReason}
            branched={!remote && branchedIds?.has(alt.id)}
          />
        ))}
      </ol>
      {!chosenListed && (
        <ol
          aria-label="The chosen token"
          className="mt-1 border-t border-dashed border-slate-200 pt-1 dark:border-slate-700"
        >
          <CandidateRow
            candidate={token}
            rank={token.rank}
            samplingReported={samplingReported}
            modelReported={modelReported}
            chosen
            scale={scale}
            testId="chosen-below-row"
          />
        </ol>
      )}
      <p className={`mt-1.5 px-1.5 text-[11px] ${mutedText}`}>
        All other tokens together: {formatPercent(token.tailMass)}{' '}
        {modelReported ? 'model' : 'sampling'} probability.
        {samplingReported &&
          token.alternatives.some((alt) => alt.samplingProb === 0) &&
          ' “cut”: removed by the sampler.'}
        {!samplingReported && ' “—”: the server did not report sampling probabilities.'}
        {!modelReported && ' “—”: the server did not report model probabilities.'}
        {onPick && ` ${remote ? remoteBranchReason : pickHint}`}
      </p>
    </div>
  )
}
