import {
  defaultSampling,
  limits,
  samplingSettingsSchema,
  type SamplingSettings,
} from '../../../shared/schemas'
import { defaultPenaltyWindow } from '../../../shared/penalties'

/** What the next run uses: the sampler chain plus how long it may go on. */
export interface GenerationSettings {
  sampling: SamplingSettings
  maxTokens: number
  /** Texts that end a run where they appear (Completion and Chat). */
  stop?: string[]
}

export type SettingKey = keyof SamplingSettings | 'maxTokens'

/** The penalties' settings: optional in a run's sampling, shown in their own fold. */
export const penaltyKeys = [
  'repeatPenalty',
  'presencePenalty',
  'frequencyPenalty',
  'penaltyWindow',
] as const

export const defaultGenerationSettings: GenerationSettings = {
  sampling: defaultSampling,
  maxTokens: 256,
}

export interface SettingField {
  key: SettingKey
  label: string
  /** Accepted by the engine: the number input allows the whole range. */
  min: number
  max: number
  /** The slider covers the useful part of the range. */
  sliderMax: number
  step: number
  integer: boolean
  help: string
  /** How the value reads when it switches the sampler off, e.g. "off" or "greedy". */
  describe?: (value: number) => string | null
}

export const settingFields: readonly SettingField[] = [
  {
    key: 'temperature',
    label: 'Temperature',
    min: 0,
    max: limits.temperature,
    sliderMax: 2,
    step: 0.05,
    integer: false,
    help: 'Below 1 sharpens the odds, above 1 flattens them. 0 is greedy: always the top token.',
    describe: (v) => (v === 0 ? 'greedy' : null),
  },
  {
    key: 'topK',
    label: 'Top-k',
    min: 0,
    max: limits.topK,
    sliderMax: 200,
    step: 1,
    integer: true,
    help: 'Keeps the k likeliest tokens. 0 turns it off.',
    describe: (v) => (v === 0 ? 'off' : null),
  },
  {
    key: 'topP',
    label: 'Top-p',
    min: 0,
    max: 1,
    sliderMax: 1,
    step: 0.01,
    integer: false,
    help: 'Keeps the likeliest tokens until they add up to p. 1 is off.',
    describe: (v) => (v >= 1 ? 'off' : null),
  },
  {
    key: 'minP',
    label: 'Min-p',
    min: 0,
    max: 1,
    sliderMax: 1,
    step: 0.01,
    integer: false,
    help: 'Drops tokens less likely than p × the top one. 0 is off.',
    describe: (v) => (v === 0 ? 'off' : null),
  },
  {
    key: 'maxTokens',
    label: 'Max tokens',
    min: 1,
    max: limits.maxTokens,
    sliderMax: 2048,
    step: 1,
    integer: true,
    help: 'The run stops after this many new tokens.',
  },
  {
    key: 'repeatPenalty',
    label: 'Repeat penalty',
    min: limits.repeatPenalty.min,
    max: limits.repeatPenalty.max,
    sliderMax: 2,
    step: 0.01,
    integer: false,
    help: 'Divides the positive logit of a token already in the window by this, and multiplies a negative one by it (llama.cpp’s): above 1 repeats less, below 1 more. 1 is off.',
    describe: (v) => (v === 1 ? 'off' : null),
  },
  {
    key: 'presencePenalty',
    label: 'Presence penalty',
    min: -limits.penalty,
    max: limits.penalty,
    sliderMax: limits.penalty,
    step: 0.05,
    integer: false,
    help: 'Lowers the logit of every token already in the window by this much. 0 is off.',
    describe: (v) => (v === 0 ? 'off' : null),
  },
  {
    key: 'frequencyPenalty',
    label: 'Frequency penalty',
    min: -limits.penalty,
    max: limits.penalty,
    sliderMax: limits.penalty,
    step: 0.05,
    integer: false,
    help: 'Lowers a token’s logit by this much for each time it occurs in the window. 0 is off.',
    describe: (v) => (v === 0 ? 'off' : null),
  },
  {
    key: 'penaltyWindow',
    label: 'Penalty window',
    min: 0,
    max: limits.penaltyWindow,
    sliderMax: 512,
    step: 1,
    integer: true,
    help: 'How many of the last tokens (prompt included) the penalties look at.',
    describe: (v) => (v === 0 ? 'penalties off' : null),
  },
  {
    key: 'seed',
    label: 'Seed',
    min: 0,
    max: limits.seed,
    sliderMax: limits.seed,
    step: 1,
    integer: true,
    help: 'Same seed, prompt and settings: same text.',
  },
]

export function fieldFor(key: SettingKey): SettingField {
  const field = settingFields.find((f) => f.key === key)
  if (!field) throw new Error(`unknown setting ${key}`)
  return field
}

/** Brings any number into the field's accepted range; integers are rounded. */
export function clampSetting(key: SettingKey, value: number): number {
  const field = fieldFor(key)
  if (!Number.isFinite(value)) return readSetting(defaultGenerationSettings, key)
  const rounded = field.integer ? Math.round(value) : value
  return Math.min(field.max, Math.max(field.min, rounded))
}

/**
 * Reads what a person typed: null while it is not a number yet (empty, "0.", "-"), so the input
 * keeps their text instead of snapping back mid-edit.
 */
export function parseSettingInput(key: SettingKey, text: string): number | null {
  const trimmed = text.trim()
  if (trimmed === '' || !/^-?\d*\.?\d*(e[+-]?\d+)?$/i.test(trimmed)) return null
  const value = Number(trimmed)
  return Number.isFinite(value) ? clampSetting(key, value) : null
}

export function readSetting(settings: GenerationSettings, key: SettingKey): number {
  if (key === 'maxTokens') return settings.maxTokens
  return settings.sampling[key] ?? unsetValue(key)
}

/** What a sampling setting a run leaves out means. */
function unsetValue(key: keyof SamplingSettings): number {
  if (key === 'penaltyWindow') return defaultPenaltyWindow
  return key === 'repeatPenalty' ? 1 : 0
}

export type SettingsAction =
  | { type: 'set'; key: SettingKey; value: number }
  | { type: 'stopSet'; stop: string[] }
  | { type: 'reset' }
  | { type: 'loaded'; settings: GenerationSettings }

export function settingsReducer(
  state: GenerationSettings,
  action: SettingsAction,
): GenerationSettings {
  switch (action.type) {
    case 'set': {
      const value = clampSetting(action.key, action.value)
      if (readSetting(state, action.key) === value) return state
      if (action.key === 'maxTokens') return { ...state, maxTokens: value }
      return { ...state, sampling: { ...state.sampling, [action.key]: value } }
    }
    case 'stopSet':
      return { ...state, stop: stopStringsFrom(action.stop) }
    case 'reset':
      return defaultGenerationSettings
    case 'loaded':
      return action.settings
  }
}

/** Reads settings saved by an earlier session; anything damaged falls back to the defaults. */
export function parseStoredSettings(text: string | null): GenerationSettings {
  if (!text) return defaultGenerationSettings
  try {
    const raw = JSON.parse(text) as { sampling?: unknown; maxTokens?: unknown }
    const sampling = samplingSettingsSchema.safeParse(raw.sampling)
    const maxTokens =
      typeof raw.maxTokens === 'number' ? clampSetting('maxTokens', raw.maxTokens) : undefined
    const stop = Array.isArray((raw as { stop?: unknown }).stop)
      ? stopStringsFrom((raw as { stop: unknown[] }).stop)
      : []
    return {
      sampling: sampling.success ? sampling.data : defaultGenerationSettings.sampling,
      maxTokens: maxTokens ?? defaultGenerationSettings.maxTokens,
      ...(stop.length > 0 && { stop }),
    }
  } catch {
    return defaultGenerationSettings
  }
}

/** A one-line summary of the sampler chain, for the details panel's explanation. */
export function describeSampling(sampling: SamplingSettings): string {
  if (sampling.temperature === 0) return 'temperature 0 (greedy)'
  const parts = [`temperature ${sampling.temperature}`]
  if (sampling.topK > 0) parts.push(`top-k ${sampling.topK}`)
  if (sampling.topP < 1) parts.push(`top-p ${sampling.topP}`)
  if (sampling.minP > 0) parts.push(`min-p ${sampling.minP}`)
  return parts.join(', ')
}

/** Stop strings the engine accepts: non-empty texts, at most its count and length. */
export function stopStringsFrom(values: readonly unknown[]): string[] {
  return values
    .filter((v): v is string => typeof v === 'string' && v !== '')
    .map((v) => v.slice(0, limits.stopStringChars))
    .slice(0, limits.stopStrings)
}

/** One stop string per line, `\n` and `\t` written as escapes (a newline cannot be a line). */
export function parseStopLines(text: string): string[] {
  return stopStringsFrom(
    text
      .split('\n')
      .map((line) =>
        line.replace(/\\(n|t|\\)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\')),
      ),
  )
}

export function stopLinesOf(stop: readonly string[]): string {
  return stop
    .map((s) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t'))
    .join('\n')
}
