import { limits } from '../../../shared/schemas'
import { isColorMode, type ColorMode } from '../lib/probability-scale'
import { addUserPreset, parseUserPresets, removeUserPreset, type SamplingPreset } from './presets'
import type { ChainSettings } from '../../../shared/lab'

/** How the inspector looks and what it asks for, remembered across sessions. */
export interface InspectorPrefs {
  colorMode: ColorMode
  /** Alternatives the next run reports for every token. */
  topN: number
  userPresets: SamplingPreset[]
  /** How chat replies read: rendered Markdown (tokens as tinted spans) or token chips. */
  replyView: ReplyView
  /**
   * How Completion's output reads. Its own choice, not Chat's: a raw continuation is as often
   * code, a list of tokens or half a sentence as it is Markdown, so chips stay its default.
   */
  outputView: ReplyView
}

export type ReplyView = 'markdown' | 'tokens'

export function isReplyView(value: unknown): value is ReplyView {
  return value === 'markdown' || value === 'tokens'
}

export const minTopN = 5
export const defaultTopN = 10

export const defaultInspectorPrefs: InspectorPrefs = {
  colorMode: 'probability',
  topN: defaultTopN,
  userPresets: [],
  replyView: 'markdown',
  outputView: 'tokens',
}

export type InspectorPrefsAction =
  | { type: 'colorMode'; mode: ColorMode }
  | { type: 'topN'; value: number }
  | { type: 'presetSaved'; name: string; settings: ChainSettings }
  | { type: 'presetRemoved'; name: string }
  | { type: 'replyView'; view: ReplyView }
  | { type: 'outputView'; view: ReplyView }
  | { type: 'loaded'; prefs: InspectorPrefs }

export function clampTopN(value: number): number {
  if (!Number.isFinite(value)) return defaultTopN
  return Math.min(limits.topN, Math.max(minTopN, Math.round(value)))
}

export function inspectorPrefsReducer(
  state: InspectorPrefs,
  action: InspectorPrefsAction,
): InspectorPrefs {
  switch (action.type) {
    case 'colorMode':
      return state.colorMode === action.mode ? state : { ...state, colorMode: action.mode }
    case 'topN': {
      const topN = clampTopN(action.value)
      return topN === state.topN ? state : { ...state, topN }
    }
    case 'presetSaved':
      return {
        ...state,
        userPresets: addUserPreset(state.userPresets, action.name, action.settings),
      }
    case 'presetRemoved':
      return { ...state, userPresets: removeUserPreset(state.userPresets, action.name) }
    case 'replyView':
      return state.replyView === action.view ? state : { ...state, replyView: action.view }
    case 'outputView':
      return state.outputView === action.view ? state : { ...state, outputView: action.view }
    case 'loaded':
      return action.prefs
  }
}

/** Reads what an earlier session saved; each part falls back to its default on its own. */
export function parseInspectorPrefs(text: string | null): InspectorPrefs {
  if (!text) return defaultInspectorPrefs
  try {
    const raw = JSON.parse(text) as Record<string, unknown>
    return {
      colorMode: isColorMode(raw.colorMode) ? raw.colorMode : defaultInspectorPrefs.colorMode,
      topN: typeof raw.topN === 'number' ? clampTopN(raw.topN) : defaultTopN,
      userPresets: parseUserPresets(JSON.stringify(raw.userPresets ?? [])),
      replyView: isReplyView(raw.replyView) ? raw.replyView : defaultInspectorPrefs.replyView,
      outputView: isReplyView(raw.outputView) ? raw.outputView : defaultInspectorPrefs.outputView,
    }
  } catch {
    return defaultInspectorPrefs
  }
}

export function serializeInspectorPrefs(prefs: InspectorPrefs): string {
  return JSON.stringify({
    colorMode: prefs.colorMode,
    topN: prefs.topN,
    userPresets: prefs.userPresets.map(({ name, settings }) => ({ name, settings })),
    replyView: prefs.replyView,
    outputView: prefs.outputView,
  })
}
