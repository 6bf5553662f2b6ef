import type { RunEvent } from '../../../../shared/contract'
import type { AppError } from '../../../../shared/errors'
import type { ChainSettings } from '../../../../shared/lab'
import type { RemoteChoice } from '../../../../shared/remote'
import { builtInPresetId } from '../../inspector/presets'
import { initialRunState, isActive, runReducer, type RunAction } from '../../stores/run-reducer'
import {
  clampSetting,
  defaultGenerationSettings,
  readSetting,
  type GenerationSettings,
  type SettingKey,
} from '../../stores/settings'
import {
  isAnyActive,
  minColumns,
  maxColumns,
  sweepValues,
  type CompareColumn,
  type CompareInput,
  type CompareState,
  type Sweep,
} from './compare-state'

export type CompareAction =
  | { type: 'promptChanged'; prompt: string }
  | { type: 'inputChanged'; input: CompareInput }
  | { type: 'systemChanged'; system: string }
  | { type: 'columnAdded' }
  | { type: 'columnRemoved'; key: string }
  | { type: 'settingChanged'; key: string; setting: SettingKey; value: number }
  /** A preset from the shared list (built-in or the user's): its four sampler settings. */
  | { type: 'presetApplied'; key: string; settings: ChainSettings }
  /** A column's engine: a saved endpoint's model, or null for the local engine. */
  | { type: 'engineChosen'; key: string; engine: RemoteChoice | null }
  /** Endpoints that were removed: their columns go back to the local engine. */
  | { type: 'endpointsGone'; endpointIds: string[] }
  | { type: 'sameSeedChanged'; sameSeed: boolean }
  | { type: 'seedsLockChanged'; locked: boolean }
  /** New seeds for the next run, by column key (one for all with the same seed). */
  | { type: 'seedsDrawn'; seeds: Record<string, number> }
  | { type: 'stopChanged'; stop: string[] }
  | { type: 'sweepApplied'; sweep: Sweep }
  /** The columns' runs were asked for (all at once, or one column's re-run). */
  | { type: 'runsRequested'; runs: { key: string; runId: string }[] }
  | { type: 'events'; events: readonly RunEvent[] }
  | { type: 'cancelRequested'; runIds: string[] }
  | { type: 'requestFailed'; runIds: string[]; error: AppError }
  | { type: 'connectionLost' }
  | { type: 'cleared' }
  | { type: 'loaded'; state: CompareState }

function column(key: number, settings: GenerationSettings): CompareColumn {
  return {
    key: `c${key}`,
    settings,
    preset: builtInPresetId(settings.sampling),
    run: initialRunState,
  }
}

/** Two columns to start with: greedy against the usual defaults shows the difference at once. */
export const initialCompareState: CompareState = {
  input: 'completion',
  prompt: '',
  system: '',
  sameSeed: true,
  columns: [
    column(1, {
      ...defaultGenerationSettings,
      sampling: { ...defaultGenerationSettings.sampling, temperature: 0 },
    }),
    column(2, defaultGenerationSettings),
  ],
  nextKey: 3,
}

function sameEngine(a: RemoteChoice | undefined, b: RemoteChoice | null): boolean {
  return (a?.endpointId ?? null) === (b?.endpointId ?? null) && a?.model === b?.model
}

function setSetting(settings: GenerationSettings, key: SettingKey, value: number) {
  const clamped = clampSetting(key, value)
  if (readSetting(settings, key) === clamped) return settings
  if (key === 'maxTokens') return { ...settings, maxTokens: clamped }
  return { ...settings, sampling: { ...settings.sampling, [key]: clamped } }
}

function mapColumns(state: CompareState, fn: (c: CompareColumn, i: number) => CompareColumn) {
  let changed = false
  const columns = state.columns.map((c, i) => {
    const next = fn(c, i)
    if (next !== c) changed = true
    return next
  })
  return changed ? { ...state, columns } : state
}

function runAction(state: CompareState, pick: (c: CompareColumn) => RunAction | null) {
  return mapColumns(state, (c) => {
    const action = pick(c)
    if (!action) return c
    const run = runReducer(c.run, action)
    return run === c.run ? c : { ...c, run }
  })
}

/** A comparison saved mid-run comes back with its runs ended: nothing here is still running them. */
function settle(state: CompareState): CompareState {
  return mapColumns(state, (c) =>
    isActive(c.run)
      ? { ...c, run: { ...c.run, phase: 'ended', stopping: false, stopReason: 'cancelled' } }
      : c,
  )
}

export function compareReducer(state: CompareState, action: CompareAction): CompareState {
  switch (action.type) {
    case 'promptChanged':
      return action.prompt === state.prompt ? state : { ...state, prompt: action.prompt }
    case 'inputChanged':
      return action.input === state.input || isAnyActive(state)
        ? state
        : { ...state, input: action.input }
    case 'systemChanged':
      return action.system === state.system ? state : { ...state, system: action.system }
    case 'columnAdded': {
      const last = state.columns[state.columns.length - 1]
      if (state.columns.length >= maxColumns || isAnyActive(state)) return state
      const settings = last?.settings ?? defaultGenerationSettings
      const added = column(state.nextKey, settings)
      return {
        ...state,
        columns: [...state.columns, last?.engine ? { ...added, engine: last.engine } : added],
        nextKey: state.nextKey + 1,
      }
    }
    case 'columnRemoved': {
      if (state.columns.length <= minColumns || isAnyActive(state)) return state
      const columns = state.columns.filter((c) => c.key !== action.key)
      if (columns.length === state.columns.length) return state
      const first = columns[0]
      // With the same seed for all, the first column's seed is the one all use.
      const seed = first?.settings.sampling.seed
      return {
        ...state,
        columns:
          state.sameSeed && seed !== undefined
            ? columns.map((c) => ({ ...c, settings: setSetting(c.settings, 'seed', seed) }))
            : columns,
      }
    }
    case 'settingChanged': {
      const all = action.setting === 'seed' && state.sameSeed
      // A seed typed by hand is one the person wants to keep.
      const base = action.setting === 'seed' ? { ...state, seedsLocked: true } : state
      return mapColumns(base, (c) => {
        if (!all && c.key !== action.key) return c
        const settings = setSetting(c.settings, action.setting, action.value)
        if (settings === c.settings) return c
        return { ...c, settings, preset: builtInPresetId(settings.sampling) }
      })
    }
    case 'presetApplied':
      return mapColumns(state, (c) => {
        if (c.key !== action.key) return c
        // The column keeps its own seed.
        const sampling = { ...action.settings, seed: c.settings.sampling.seed }
        const settings = { ...c.settings, sampling }
        return { ...c, settings, preset: builtInPresetId(sampling) }
      })
    case 'engineChosen':
      if (isAnyActive(state)) return state
      return mapColumns(state, (c) => {
        if (c.key !== action.key || sameEngine(c.engine, action.engine)) return c
        const { engine: _old, ...rest } = c
        return action.engine ? { ...rest, engine: action.engine } : rest
      })
    case 'endpointsGone':
      return mapColumns(state, (c) => {
        if (!c.engine || !action.endpointIds.includes(c.engine.endpointId)) return c
        const { engine: _old, ...rest } = c
        return rest
      })
    case 'sameSeedChanged': {
      if (action.sameSeed === state.sameSeed) return state
      const seed = state.columns[0]?.settings.sampling.seed
      const next = { ...state, sameSeed: action.sameSeed }
      if (!action.sameSeed || seed === undefined) return next
      return mapColumns(next, (c) => {
        const settings = setSetting(c.settings, 'seed', seed)
        return settings === c.settings ? c : { ...c, settings }
      })
    }
    case 'seedsLockChanged':
      return { ...state, seedsLocked: action.locked }
    case 'seedsDrawn':
      return mapColumns(state, (c) => {
        const seed = action.seeds[c.key]
        if (seed === undefined) return c
        const settings = setSetting(c.settings, 'seed', seed)
        return settings === c.settings ? c : { ...c, settings }
      })
    case 'stopChanged':
      return { ...state, stop: action.stop }
    case 'sweepApplied': {
      const values = sweepValues(action.sweep, state.columns.length)
      return mapColumns(state, (c, i) => {
        const value = values[i]
        if (value === undefined) return c
        const settings = setSetting(c.settings, action.sweep.param, value)
        return settings === c.settings
          ? c
          : { ...c, settings, preset: builtInPresetId(settings.sampling) }
      })
    }
    case 'runsRequested': {
      const requested = runAction(state, (c) => {
        const runId = action.runs.find((r) => r.key === c.key)?.runId
        if (!runId) return null
        const { sampling, maxTokens } = c.settings
        return { type: 'requested', runId, promptText: state.prompt, sampling, maxTokens }
      })
      return { ...requested, together: action.runs.map((r) => r.runId) }
    }
    case 'events':
      return runAction(state, (c) => {
        const mine = action.events.filter((e) => e.runId === c.run.runId)
        return mine.length > 0 ? { type: 'events', events: mine } : null
      })
    case 'cancelRequested':
      return runAction(state, (c) =>
        c.run.runId && action.runIds.includes(c.run.runId)
          ? { type: 'cancelRequested', runId: c.run.runId }
          : null,
      )
    case 'requestFailed':
      return runAction(state, (c) =>
        c.run.runId && action.runIds.includes(c.run.runId)
          ? { type: 'requestFailed', runId: c.run.runId, error: action.error }
          : null,
      )
    case 'connectionLost':
      return runAction(state, () => ({ type: 'connectionLost' }))
    case 'cleared':
      return runAction(state, () => ({ type: 'cleared' }))
    case 'loaded':
      return isAnyActive(state) ? state : settle(action.state)
  }
}
