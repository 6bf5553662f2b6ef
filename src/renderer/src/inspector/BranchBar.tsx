import { formatCount } from '../lib/format'
import { ghostButton, mutedText } from '../lib/ui'
import { contextPositionLabel, tokenOfLabel } from '../lib/numbering'
import { type BranchNode, type BranchTree } from '../stores/branch-tree'
import { isContinuation } from '../stores/branch-paths'
import { numberAmong, pathLength, treeCounts } from '../stores/tree-counts'
import { Spinner } from '../components/Icons'

export interface BranchBarProps {
  tree: BranchTree
  branch: BranchNode
  onShowOriginal: () => void
}

/** Which branch is shown, where it leaves its parent, and what the engine had to evaluate for it. */
export function BranchBar({ tree, branch, onShowOriginal }: BranchBarProps) {
  const number = numberAmong(tree, branch)
  const first = branch.tokens[0]?.[0]
  const stats = branch.stats
  const runs = treeCounts(tree).runs
  return (
    <div
      data-testid="branch-bar"
      data-origin={branch.origin}
      className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-violet-100 bg-violet-50/70 px-4 py-1.5 text-xs text-violet-950 dark:border-violet-900/60 dark:bg-violet-950/40 dark:text-violet-100"
    >
      {isContinuation(tree, branch) ? (
        <span data-testid="branch-continued">
          <span className="font-semibold">Continued</span> from{' '}
          {tokenOfLabel(branch.forkAt - 1, pathLength(tree, branch.id)).toLowerCase()}
          {branch.sampling ? `, seed ${branch.sampling.seed}` : ''}
        </span>
      ) : branch.origin === 'run' ? (
        <span>
          <span className="font-semibold">
            Run {number} of {runs}
          </span>{' '}
          of this prompt{branch.sampling ? `, seed ${branch.sampling.seed}` : ''}
        </span>
      ) : (
        <>
          <span className="font-semibold">Branch {number}</span>
          <span>
            forced{' '}
            <span className="rounded bg-white/70 px-1 font-mono dark:bg-black/30">
              {JSON.stringify(first?.text ?? '')}
            </span>{' '}
            as {tokenOfLabel(branch.forkAt, pathLength(tree, branch.id)).toLowerCase()}
            {first && `, ${contextPositionLabel(first)}`}
          </span>
        </>
      )}
      {branch.status === 'running' && !stats ? (
        <span className={`flex items-center gap-1 ${mutedText}`}>
          <Spinner /> generating…
        </span>
      ) : stats ? (
        <span
          data-testid="branch-stats"
          data-reused={stats.reusedPromptTokens}
          data-evaluated={stats.evaluatedTokens}
          title="The engine kept the shared prefix in its cache and evaluated only what follows the branch point"
          className="tabular-nums"
        >
          reused {formatCount(stats.reusedPromptTokens)} tokens from the cache, evaluated{' '}
          {formatCount(stats.evaluatedTokens)}
        </span>
      ) : null}
      {branch.status === 'failed' && (
        <span className="text-rose-700 dark:text-rose-300">
          failed: {branch.error?.message ?? 'unknown error'}
        </span>
      )}
      <button
        type="button"
        data-testid="show-original"
        className={`${ghostButton} ml-auto h-6 text-xs`}
        onClick={onShowOriginal}
      >
        Show the first run
      </button>
    </div>
  )
}
