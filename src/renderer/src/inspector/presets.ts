import type { ChainSettings } from '../../../shared/lab'
import { limits } from '../../../shared/schemas'

/** The built-in presets' ids, as a saved comparison column records which one it holds. */
export type PresetId = 'greedy' | 'precise' | 'balanced' | 'creative' | 'wild'

/** A named set of the four sampler-chain settings. */
export interface SamplingPreset {
  name: string
  settings: ChainSettings
  /** One line on when to use it. */
  description: string
  /** Built-in presets only. */
  id?: PresetId
}

/**
 * The one built-in list: the sampling panel, the Sampling Lab and Compare all offer these, then
 * the user's own presets.
 */
export const builtInPresets: readonly SamplingPreset[] = [
  {
    id: 'greedy',
    name: 'Greedy',
    settings: { temperature: 0, topK: 40, topP: 0.95, minP: 0.05 },
    description: 'Always the top token: the same prompt always gives the same text.',
  },
  {
    id: 'precise',
    name: 'Precise',
    settings: { temperature: 0.2, topK: 20, topP: 0.9, minP: 0.1 },
    description: 'Sticks to the likeliest tokens: for code, facts and answers you can check.',
  },
  {
    id: 'balanced',
    name: 'Balanced',
    settings: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05 },
    description: 'Some variety, little nonsense: a good default for conversation.',
  },
  {
    id: 'creative',
    name: 'Creative',
    settings: { temperature: 1.2, topK: 0, topP: 0.98, minP: 0.02 },
    description: 'Flatter odds and a long tail: for stories and brainstorming.',
  },
  {
    id: 'wild',
    name: 'Wild',
    settings: { temperature: 2, topK: 0, topP: 1, minP: 0 },
    description: 'Every token in play at twice the temperature: to see the tail, not to read.',
  },
]

/**
 * What each control does to the distribution, in one line; shown as tooltips in the sampling
 * panel and the Sampling Lab.
 */
export const controlTooltips: Record<keyof ChainSettings | 'greedy', string> = {
  temperature:
    'Divides every logit by T before the softmax: below 1 piles probability onto the leaders, above 1 spreads it toward the tail.',
  topK: 'Throws away every token outside the k highest-scoring ones, then shares their probability among the rest (0 = no limit).',
  topP: 'Keeps the smallest group of leading tokens whose probabilities add up to at least p and drops the rest (1 = keep all).',
  minP: 'Drops every token whose probability is below p times the top token’s, so the cut follows how confident the model is (0 = off).',
  greedy:
    'Temperature 0: the top token gets all the probability, so the same prompt always gives the same text.',
}

export function sameSettings(a: ChainSettings, b: ChainSettings): boolean {
  return (
    Math.abs(a.temperature - b.temperature) < 1e-9 &&
    a.topK === b.topK &&
    Math.abs(a.topP - b.topP) < 1e-9 &&
    Math.abs(a.minP - b.minP) < 1e-9
  )
}

/** The preset (built-in first, then the user's) whose settings equal these; undefined if none. */
export function matchingPreset(
  settings: ChainSettings,
  presets: readonly SamplingPreset[],
): SamplingPreset | undefined {
  return presets.find((preset) => sameSettings(preset.settings, settings))
}

/** What a set of settings is called: the name of the preset it equals, else "Custom". */
export function presetLabel(
  settings: ChainSettings,
  userPresets: readonly SamplingPreset[],
): string {
  return matchingPreset(settings, [...builtInPresets, ...userPresets])?.name ?? 'Custom'
}

/** The id of the built-in preset these settings equal, null if none. */
export function builtInPresetId(settings: ChainSettings): PresetId | null {
  return matchingPreset(settings, builtInPresets)?.id ?? null
}

const maxNameLength = 40
export const maxUserPresets = 20

function validSettings(value: unknown): ChainSettings | null {
  if (typeof value !== 'object' || value === null) return null
  const { temperature, topK, topP, minP } = value as Record<string, unknown>
  const inRange = (v: unknown, max: number): v is number =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max
  if (!inRange(temperature, limits.temperature) || !inRange(topK, limits.topK)) return null
  if (!Number.isInteger(topK) || !inRange(topP, 1) || !inRange(minP, 1)) return null
  return { temperature, topK, topP, minP }
}

/** Reads saved user presets; anything damaged is skipped rather than failing the whole list. */
export function parseUserPresets(text: string | null): SamplingPreset[] {
  if (!text) return []
  try {
    const raw: unknown = JSON.parse(text)
    if (!Array.isArray(raw)) return []
    const presets: SamplingPreset[] = []
    for (const item of raw as unknown[]) {
      if (typeof item !== 'object' || item === null) continue
      const { name, settings } = item as { name?: unknown; settings?: unknown }
      const valid = validSettings(settings)
      if (typeof name !== 'string' || name.trim() === '' || !valid) continue
      presets.push({ name: name.trim().slice(0, maxNameLength), settings: valid, description: '' })
    }
    return presets.slice(0, maxUserPresets)
  } catch {
    return []
  }
}

export function serializeUserPresets(presets: readonly SamplingPreset[]): string {
  return JSON.stringify(presets.map(({ name, settings }) => ({ name, settings })))
}

/**
 * Adds a user preset, replacing one of the same name (case-insensitive); names of the built-in
 * presets are refused. Returns the list unchanged for an empty or taken name.
 */
export function addUserPreset(
  presets: readonly SamplingPreset[],
  name: string,
  settings: ChainSettings,
): SamplingPreset[] {
  const clean = name.trim().slice(0, maxNameLength)
  const key = clean.toLowerCase()
  if (clean === '' || builtInPresets.some((p) => p.name.toLowerCase() === key)) return [...presets]
  const others = presets.filter((p) => p.name.toLowerCase() !== key)
  return [...others, { name: clean, settings: { ...settings }, description: '' }].slice(
    -maxUserPresets,
  )
}

export function removeUserPreset(
  presets: readonly SamplingPreset[],
  name: string,
): SamplingPreset[] {
  return presets.filter((p) => p.name !== name)
}
