import type { RunStats } from '../../../shared/contract'
import type { RunOwner } from './engine-reducer'
import { isActive, type RunStatus } from './run-status'

/** What the status bar shows: the speed of one view's run. */
export interface LiveStats {
  owner: RunOwner
  active: boolean
  timeToFirstTokenMs: number | null
  tokensPerSecond: number | null
  generatedTokens: number
}

function fromRuns(owner: RunOwner, runs: readonly RunStatus[]): LiveStats | null {
  const stats = runs.map((r) => r.stats).filter((s): s is RunStats => s !== null)
  if (stats.length === 0) return null
  const firsts = stats.map((s) => s.timeToFirstTokenMs).filter((t): t is number => t !== null)
  const rates = stats.map((s) => s.tokensPerSecond).filter((r): r is number => r !== null)
  return {
    owner,
    active: runs.some(isActive),
    // A Compare batch's columns decode together: its speed is what they make between them.
    timeToFirstTokenMs: firsts.length > 0 ? Math.min(...firsts) : null,
    tokensPerSecond: rates.length > 0 ? rates.reduce((a, b) => a + b, 0) : null,
    generatedTokens: stats.reduce((n, s) => n + s.generatedTokens, 0),
  }
}

/**
 * The run whose numbers the status bar shows: the one generating now, whichever view it is in;
 * when none is, the last run of the view on screen (Completion's on the Models tab and the
 * views without runs).
 */
export function liveStats(input: {
  view: string
  completion: RunStatus
  chat: RunStatus
  compare: readonly RunStatus[]
  /** Score text's reading and the Pipeline's step: token runs of their own. */
  score?: RunStatus
  pipeline?: RunStatus
}): LiveStats | null {
  const all: [RunOwner, readonly RunStatus[]][] = [
    ['completion', [input.completion]],
    ['chat', [input.chat]],
    ['compare', input.compare],
    ['score', input.score ? [input.score] : []],
    ['pipeline', input.pipeline ? [input.pipeline] : []],
  ]
  const running = all.find(([, runs]) => runs.some(isActive))
  if (running) return fromRuns(...running) ?? { ...idle(running[0]), active: true }
  const shown = all.find(([owner]) => owner === input.view) ?? all[0]
  return shown ? fromRuns(...shown) : null
}

function idle(owner: RunOwner): LiveStats {
  return {
    owner,
    active: false,
    timeToFirstTokenMs: null,
    tokensPerSecond: null,
    generatedTokens: 0,
  }
}
