import type { GeneratedToken, StopReason } from '../../../../shared/contract'
import { textStats, type TextStats } from '../../../../shared/run-stats'
import { describeSampling, type GenerationSettings } from '../../stores/settings'
import { statGaps, type StatGaps } from './compare-engines'
import type { CompareColumn, CompareState } from './compare-state'
import { describePenalties } from '../../../../shared/penalties'
import { boundedMeanNote } from '../../lib/entropy-bound'

/** What a column's statistics line up: the text's statistics plus what the engine measured. */
export interface ColumnSummary extends TextStats {
  tokensPerSecond: number | null
  stopReason: StopReason | null
  /** Statistics whose numbers the engine did not report (a remote server): null, not guessed. */
  gaps: StatGaps
}

export function columnTokens(column: CompareColumn): GeneratedToken[] {
  return column.run.tokens.flat()
}

export function summarizeColumn(
  column: CompareColumn,
  tokens = columnTokens(column),
): ColumnSummary {
  const gaps = statGaps(tokens)
  const stats = textStats(tokens)
  return {
    ...stats,
    ...(gaps.modelProb && { meanLogProb: null, perplexity: null }),
    ...(gaps.entropy && { meanEntropyBits: null }),
    ...(gaps.tokenId && { repetition3: null, distinct2: null }),
    tokensPerSecond: column.run.stats?.tokensPerSecond ?? null,
    stopReason: column.run.stopReason,
    gaps,
  }
}

/** The settings a column's run used: what the engine echoed, else what the column asks for. */
export function settingsRun(column: CompareColumn): GenerationSettings {
  const { run, settings } = column
  if (run.runId === null || !run.sampling) return settings
  return { sampling: run.sampling, maxTokens: run.maxTokens }
}

export const comparisonFormat = 'tokenscope-comparison'

/** The comparison as one JSON document: prompt, and per column its settings, stats and tokens. */
export function comparisonToJson(state: CompareState, exportedAt: Date): string {
  const doc = {
    format: comparisonFormat,
    version: 1,
    exportedAt: exportedAt.toISOString(),
    input: state.input,
    prompt: state.prompt,
    system: state.input === 'chat' ? state.system : undefined,
    sameSeed: state.sameSeed,
    columns: state.columns.map((column, i) => {
      const tokens = columnTokens(column)
      return {
        column: i + 1,
        engine: column.engine ? { remote: column.engine } : 'local',
        settings: settingsRun(column),
        state: column.run.phase,
        error: column.run.error,
        stats: summarizeColumn(column, tokens),
        text: tokens.map((t) => t.text).join(''),
        tokens: tokens.map((t) => ({
          id: t.id,
          text: t.text,
          // null: the remote server did not report it.
          modelProb: t.reported && !t.reported.modelProb ? null : t.modelProb,
          samplingProb: t.reported && !t.reported.samplingProb ? null : t.samplingProb,
          rank: t.reported && !t.reported.rank ? null : t.rank,
          entropyBits: t.reported && !t.reported.entropy ? null : t.entropyBits,
          // A bounded entropy: entropyBits is its lower bound, this its upper.
          ...(t.entropyUpperBits !== undefined && { entropyUpperBits: t.entropyUpperBits }),
        })),
      }
    }),
  }
  return `${JSON.stringify(doc, null, 2)}\n`
}

const dash = '—'

export function formatStat(value: number | null, digits: number): string {
  return value === null || !Number.isFinite(value) ? dash : value.toFixed(digits)
}

export function formatShare(value: number | null): string {
  return value === null || !Number.isFinite(value) ? dash : `${(value * 100).toFixed(1)}%`
}

/** Table cells may not hold pipes or line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

type ColumnView = {
  settings: GenerationSettings
  summary: ColumnSummary
  engine: CompareColumn['engine']
}

/** A statistic whose numbers the engine did not report says so instead of a dash. */
const gap = (c: ColumnView, need: 'modelProb' | 'entropy' | 'tokenId', value: string) =>
  c.summary.gaps[need] ? 'not reported' : value

const markdownRows: [string, (c: ColumnView) => string][] = [
  ['Engine', (c) => engineLabel(c.engine)],
  ['Sampling', (c) => describeSampling(c.settings.sampling)],
  ['Penalties', (c) => describePenalties(c.settings.sampling)],
  ['Seed', (c) => String(c.settings.sampling.seed)],
  ['Max tokens', (c) => String(c.settings.maxTokens)],
  ['Tokens generated', (c) => String(c.summary.tokens)],
  ['Tokens/s', (c) => formatStat(c.summary.tokensPerSecond, 1)],
  ['Mean log-prob (nats)', (c) => gap(c, 'modelProb', formatStat(c.summary.meanLogProb, 3))],
  ['Perplexity', (c) => gap(c, 'modelProb', formatStat(c.summary.perplexity, 2))],
  [
    'Mean entropy (bits)',
    (c) =>
      gap(
        c,
        'entropy',
        c.summary.boundedEntropyTokens > 0 && c.summary.meanEntropyBits !== null
          ? `≥ ${formatStat(c.summary.meanEntropyBits, 2)} (${boundedMeanNote(c.summary.boundedEntropyTokens, c.summary.tokens)})`
          : formatStat(c.summary.meanEntropyBits, 2),
      ),
  ],
  ['Repeated 3-grams', (c) => gap(c, 'tokenId', formatShare(c.summary.repetition3))],
  ['Distinct-2', (c) => gap(c, 'tokenId', formatStat(c.summary.distinct2, 3))],
  ['Stop reason', (c) => c.summary.stopReason ?? dash],
]

/** Where a column ran, for a reader of an export: the local model or a remote one by name. */
export function engineLabel(engine: CompareColumn['engine']): string {
  return engine ? `remote: ${engine.model}` : 'local'
}

/** A Markdown table of the statistics, one column per compared setting. */
export function comparisonToMarkdown(state: CompareState): string {
  const views: ColumnView[] = state.columns.map((column) => ({
    settings: settingsRun(column),
    summary: summarizeColumn(column),
    engine: column.engine,
  }))
  const header = ['Statistic', ...views.map((_, i) => `Column ${i + 1}`)]
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...markdownRows.map(
      ([label, value]) => `| ${[label, ...views.map((v) => cell(value(v)))].join(' | ')} |`,
    ),
  ]
  const quoted = state.prompt
    .trim()
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join('\n')
  const title = state.input === 'chat' ? 'User message' : 'Prompt'
  const prompt = state.prompt.trim() === '' ? '' : `${title}:\n\n${quoted}\n\n`
  return `${prompt}${lines.join('\n')}\n`
}
