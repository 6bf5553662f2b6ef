import { limits, type ChatInput } from '../../../../shared/schemas'
import type { RemoteChoice } from '../../../../shared/remote'
import type { PresetId } from '../../inspector/presets'
import { isActive, type RunState } from '../../stores/run-reducer'
import { clampSetting, type GenerationSettings } from '../../stores/settings'

/**
 * The Compare view's state: one prompt, 2–4 columns of settings, each with its own run. A plain
 * serialisable object (no functions, maps or class instances), so it can be saved with a session.
 */
export interface CompareColumn {
  /** Stable across add/remove, for React keys and test ids of what the column shows. */
  key: string
  settings: GenerationSettings
  /** The built-in preset the sampler settings equal, if any (what a saved column records). */
  preset: PresetId | null
  run: RunState
  /** The remote model this column runs on; absent: the local engine (with the batch). */
  engine?: RemoteChoice
}

/** What the columns continue: raw text, or one user message rendered with the chat template. */
export type CompareInput = 'completion' | 'chat'

export interface CompareState {
  input: CompareInput
  /** The text to continue, or the user's message in chat mode. */
  prompt: string
  /** The system prompt in chat mode; empty for none. */
  system: string
  /** Every column uses the first column's seed. */
  sameSeed: boolean
  /**
   * The columns keep their seeds from run to run; otherwise each Generate draws new ones (one
   * for all with the same seed). Absent in states saved before it: unlocked.
   */
  seedsLocked?: boolean
  /** Texts that end every column's run where they appear; absent: none. */
  stop?: string[]
  columns: CompareColumn[]
  nextKey: number
  /**
   * The runs the last Generate started together (a column run again alone: that run). Absent in
   * a comparison opened from a session, which does not say which of its columns ran together.
   */
  together?: string[]
}

export const minColumns = 2
export const maxColumns = limits.parallelRuns

/** Parameters a sweep can spread across the columns. */
export type SweepParam = 'temperature' | 'topK' | 'topP' | 'minP'

export interface Sweep {
  param: SweepParam
  from: number
  to: number
}

/**
 * The column runs whose speeds add up: the ones started together, which ran at the same time.
 * None for a comparison opened from a session.
 */
export function runsTogether(state: Pick<CompareState, 'columns' | 'together'>): RunState[] {
  const together = new Set(state.together ?? [])
  return state.columns
    .map((c) => c.run)
    .filter((run) => run.runId !== null && together.has(run.runId))
}

export function isAnyActive(state: CompareState): boolean {
  return state.columns.some((c) => isActive(c.run))
}

/** The settings of one column, as the main view's settings store holds them. */
export function settingsOf(state: CompareState, key: string): GenerationSettings | null {
  return state.columns.find((c) => c.key === key)?.settings ?? null
}

/** The request's input: the text to continue, or the conversation of one user message. */
export function requestInput(state: CompareState): { prompt: string } | { chat: ChatInput } {
  const text = state.prompt.slice(0, limits.promptChars)
  if (state.input === 'completion') return { prompt: text }
  return {
    chat: {
      system: state.system.slice(0, limits.promptChars),
      messages: [{ role: 'user', content: text }],
    },
  }
}

/** Rounds a sweep value so that the inputs show 0.35, not 0.35000000000000003. */
function tidy(param: SweepParam, value: number): number {
  return clampSetting(param, Math.round(value * 1000) / 1000)
}

/** `count` evenly spaced values from `from` to `to`, both included. */
export function sweepValues(sweep: Sweep, count: number): number[] {
  if (count <= 0) return []
  if (count === 1) return [tidy(sweep.param, sweep.from)]
  return Array.from({ length: count }, (_, i) =>
    tidy(sweep.param, sweep.from + ((sweep.to - sweep.from) * i) / (count - 1)),
  )
}
