/**
 * Case 9: scoring a long text (Learn → Score text) against plain node-llama-cpp asked for the same
 * numbers: the same `controlledEvaluate` calls (16 tokens each, every position's distribution),
 * with nothing done with the results. Ours makes them through its own sampler and keeps what the
 * addon returns (distribution-reader.ts); the baseline gets node-llama-cpp's Map of every token
 * for every position, as an app using its public API would. One call for the whole text is not a
 * fair baseline: it would hold every position's whole-vocabulary Map at once (gigabytes on a 152k
 * vocabulary). Memory is the resident set's growth during a run.
 */
import type { Token } from 'node-llama-cpp'
import type { RunEvent } from '../../src/shared/contract'
import { runScoring } from '../../src/main/engine/scoring'
import type { BenchSession } from './in-process'
import { residentBytes } from './processes'
import { interleave, median, ratioRow, type BenchRow } from './stats'

/** The engine's scoring chunk (see scoring.ts): the baseline makes the same calls. */
const chunk = 16

export interface ScoringCaseOptions {
  runs: number
  /** Tokens in the scored text. */
  textTokens: number
  topN: number
  beforeEach: () => Promise<void>
  log: (line: string) => void
}

const paragraph =
  'A language model reads text as tokens. For every position it gives each token of its ' +
  'vocabulary a probability, and scoring a text asks how likely each of its tokens was, given ' +
  'the ones before it. Rare words, numbers like 1,234.56 and names cost more bits than common ones. '

/** A text of exactly `count` tokens under this model (BOS included where it adds one). */
function textOf(session: BenchSession, count: number): { text: string; tokens: Token[] } {
  let text = paragraph
  while (session.model.tokenize(text, true).length < count) text += paragraph
  const tokens = session.model.tokenize(text, true).slice(0, count)
  const withoutBos = tokens[0] === session.model.tokens.bos ? tokens.slice(1) : tokens
  return { text: session.model.detokenize(withoutBos), tokens }
}

/** Runs `work` while sampling this process's resident set; returns its time and peak growth. */
async function measured(work: () => Promise<void>) {
  const before = residentBytes(process.pid) ?? 0
  let peak = before
  const timer = setInterval(() => (peak = Math.max(peak, residentBytes(process.pid) ?? 0)), 25)
  const startedAt = performance.now()
  try {
    await work()
  } finally {
    clearInterval(timer)
  }
  const seconds = (performance.now() - startedAt) / 1000
  peak = Math.max(peak, residentBytes(process.pid) ?? 0)
  return { seconds, grewBytes: peak - before }
}

export async function scoringCase(
  session: BenchSession,
  options: ScoringCaseOptions,
): Promise<BenchRow[]> {
  const { text, tokens } = textOf(session, options.textTokens)
  options.log(
    `case 9: ${options.runs} × scoring ${tokens.length} tokens vs bare controlledEvaluate`,
  )
  const growth = { ours: [] as number[], plain: [] as number[] }
  let scored = 0

  const ours = async () => {
    await session.sequence.clearHistory()
    scored = 0
    const result = await measured(async () => {
      const emit = (event: RunEvent) => {
        if (event.kind === 'tokens') scored += event.tokens.length
        if (event.kind === 'failed') throw new Error(event.error.message)
      }
      const request = { runId: 'bench-score', text, topN: options.topN }
      await runScoring(session, request, session.sequence, new AbortController().signal, emit)
    })
    growth.ours.push(result.grewBytes)
    // The text is tokenized again by the engine; a cut word may come out a token longer or shorter.
    if (Math.abs(scored - (tokens.length - 1)) > 2) {
      throw new Error(`scoring reported ${scored} tokens, expected about ${tokens.length - 1}`)
    }
    return scored / result.seconds
  }
  const plain = async () => {
    await session.sequence.clearHistory()
    const result = await measured(async () => {
      const request = { generateNext: { probabilities: true, options: { temperature: 0 } } }
      for (let from = 0; from < tokens.length - 1; from += chunk) {
        const items = tokens.slice(from, Math.min(tokens.length - 1, from + chunk))
        await session.sequence.controlledEvaluate(items.map((id) => [id, request]) as never)
      }
    })
    growth.plain.push(result.grewBytes)
    return (tokens.length - 1) / result.seconds
  }

  // A 2,000-token pass warms every cache it touches by itself: no unmeasured run first.
  const pairs = await interleave(options.runs, ours, plain, {
    beforeEach: options.beforeEach,
    warmUp: false,
  })
  const mib = (bytes: number[]) => `${(median(bytes) / 2 ** 20).toFixed(0)} MiB`
  return [
    ratioRow(
      {
        id: '9',
        measure: `Score text: ${tokens.length} tokens scored (top ${options.topN} each) vs the same controlledEvaluate calls with nothing done with their results`,
        unit: 'tok/s',
        note: `resident memory grew ${mib(growth.ours)} while scoring, ${mib(growth.plain)} for the plain call (medians)`,
      },
      pairs,
      { atLeast: 0.9 },
    ),
  ]
}
