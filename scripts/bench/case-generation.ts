/**
 * Cases 1 and 3: the engine's one-pass probability loop against plain `sequence.evaluate`, in
 * this process, on one shared context. Diagnosis rows split the difference into what
 * node-llama-cpp costs for the request we make and what our own JavaScript adds.
 */
import { defaultSampling, type ValidGenerateRequest } from '../../src/shared/schemas'
import { headRequestFor, supportsHead } from '../../src/main/engine/probability-head'
import { boundedHeadSize } from '../../src/main/engine/bounded-head'
import { nextTokenRequest } from '../../src/main/engine/step-reader'
import { runControlledLoop, runOurLoop, runPlainEvaluate, type BenchSession } from './in-process'
import { interleave, pairsOf, ratioRow, roundRobin, type BenchRow } from './stats'

export interface GenerationCaseOptions {
  runs: number
  generatedTokens: number
  topN: number
  /** Skips the diagnosis rows (quick mode). */
  diagnose: boolean
  beforeEach: () => Promise<void>
  log: (line: string) => void
}

const shortPrompt = 'The quick brown fox jumps over the lazy dog. A token is a piece of text, and'

export async function generationCase(
  session: BenchSession,
  options: GenerationCaseOptions,
): Promise<BenchRow[]> {
  const { runs, generatedTokens: count, topN, beforeEach } = options
  const request: ValidGenerateRequest = {
    runId: 'bench',
    prompt: shortPrompt,
    sampling: defaultSampling,
    maxTokens: count,
    topN,
    forcedTokens: [],
    stop: [],
  }
  const ours = async () => (await runOurLoop(session, request)).tokensPerSecond ?? NaN
  const plain = async () =>
    (await runPlainEvaluate(session, shortPrompt, defaultSampling, count)).tokensPerSecond

  // What the engine's loop reads of each step here: a bounded head, or every probability.
  const bounded = boundedHeadSize(
    defaultSampling,
    topN,
    session.info.vocabSize,
    supportsHead(session.context),
  )
  const head = headRequestFor(defaultSampling, topN)
  const variants = {
    ours,
    plain,
    // The same requests without any JavaScript of ours, with and without the probabilities.
    bare: () => runControlledLoop(session, shortPrompt, nextTokenRequest, count, head),
    bareHead: () => runControlledLoop(session, shortPrompt, nextTokenRequest, count, head, bounded),
    bareWithoutTop: () =>
      runControlledLoop(
        session,
        shortPrompt,
        { ...nextTokenRequest, probabilities: undefined },
        count,
      ),
  }
  options.log(`case 1: ${runs} rounds × ${count} tokens, ours vs sequence.evaluate`)
  const { bareHead, ...always } = variants
  const results = options.diagnose
    ? await roundRobin(runs, bounded === null ? always : variants, { beforeEach })
    : await roundRobin(runs, { ours, plain }, { beforeEach })
  const rows = [
    ratioRow(
      {
        id: '1',
        measure: `Generation: our loop (top-${topN}, model + sampling probability) vs sequence.evaluate`,
        unit: 'tok/s',
      },
      pairsOf(results, 'ours', 'plain'),
      { atLeast: 0.97 },
    ),
  ]
  if (!options.diagnose) return rows
  const diagnosis = results as Record<keyof typeof variants, number>[]
  rows.push(
    ratioRow(
      {
        id: '1.d1',
        measure: 'Diagnosis: our loop vs a bare loop making the same request',
        unit: 'tok/s',
      },
      pairsOf(diagnosis, 'ours', bounded === null ? 'bare' : 'bareHead'),
    ),
    ratioRow(
      {
        id: '1.d2',
        measure:
          'Diagnosis: bare loop reading every probability vs without (the addon sorts and copies them)',
        unit: 'tok/s',
      },
      pairsOf(diagnosis, 'bare', 'bareWithoutTop'),
    ),
    ratioRow(
      {
        id: '1.d3',
        measure: 'Diagnosis: bare loop without probabilities vs sequence.evaluate',
        unit: 'tok/s',
      },
      pairsOf(diagnosis, 'bareWithoutTop', 'plain'),
    ),
  )
  if (bounded !== null)
    rows.push(
      ratioRow(
        {
          id: '1.d4',
          measure:
            'Diagnosis: bare loop reading a bounded head (greedy confidence + top-k head, bounded-head.ts) vs without',
          unit: 'tok/s',
        },
        pairsOf(diagnosis, 'bareHead', 'bareWithoutTop'),
      ),
    )

  return rows
}

/**
 * Case 1 with top-k off: the chain may keep any token, so the engine asks llama.cpp for every
 * logit. A bare loop making the same request tells node-llama-cpp's share from ours.
 */
export async function wholeVocabularyCase(
  session: BenchSession,
  options: Omit<GenerationCaseOptions, 'diagnose'>,
): Promise<BenchRow[]> {
  const { runs, topN, beforeEach } = options
  const sampling = { ...defaultSampling, topK: 0 }
  const count = Math.max(4, Math.round(options.generatedTokens / 2))
  const request: ValidGenerateRequest = {
    runId: 'bench-whole',
    prompt: shortPrompt,
    sampling,
    maxTokens: count,
    topN,
    forcedTokens: [],
    stop: [],
  }
  options.log(`case 1, top-k off: ${runs} rounds × ${count} tokens`)
  const results = await roundRobin(
    runs,
    {
      ours: async () => (await runOurLoop(session, request)).tokensPerSecond ?? NaN,
      bare: () =>
        runControlledLoop(
          session,
          shortPrompt,
          nextTokenRequest,
          count,
          headRequestFor(sampling, topN),
        ),
      plain: async () =>
        (await runPlainEvaluate(session, shortPrompt, sampling, count)).tokensPerSecond,
    },
    { beforeEach },
  )
  return [
    ratioRow(
      {
        id: '1.k0',
        measure: 'Generation with top-k off (the chain over every token) vs sequence.evaluate',
        unit: 'tok/s',
      },
      pairsOf(results, 'ours', 'plain'),
    ),
    ratioRow(
      {
        id: '1.k0d',
        measure: 'Diagnosis: top-k off, our loop vs a bare loop making the same request',
        unit: 'tok/s',
      },
      pairsOf(results, 'ours', 'bare'),
    ),
  ]
}

/** Text of about `tokens` tokens for this model: tokenized, cut, and turned back into text. */
export function promptOfLength(session: BenchSession, tokens: number): string {
  const sentence =
    'Language models read text as tokens and predict the next one from everything before it. '
  const ids = session.model.tokenize(sentence.repeat(Math.ceil(tokens / 8) + 8), false)
  return session.model.detokenize(ids.slice(0, tokens))
}

export async function promptCase(
  session: BenchSession,
  options: {
    runs: number
    promptTokens: number
    beforeEach: () => Promise<void>
    log: (line: string) => void
  },
): Promise<BenchRow[]> {
  const prompt = promptOfLength(session, options.promptTokens)
  const promptTokens = session.model.tokenize(prompt, true).length
  const request: ValidGenerateRequest = {
    runId: 'bench-prompt',
    prompt,
    sampling: defaultSampling,
    maxTokens: 1,
    topN: 20,
    forcedTokens: [],
    stop: [],
  }
  // Both time from before tokenizing to the first generated token.
  const ours = async () =>
    (promptTokens * 1000) / ((await runOurLoop(session, request)).timeToFirstTokenMs ?? NaN)
  const plain = async () =>
    (promptTokens * 1000) /
    (await runPlainEvaluate(session, prompt, defaultSampling, 1)).timeToFirstTokenMs

  options.log(`case 3: ${options.runs} × ${promptTokens}-token prompt`)
  // Case 1 has warmed the model up; a warm-up here would cost two more long prompts.
  const pairs = await interleave(options.runs, ours, plain, {
    beforeEach: options.beforeEach,
    warmUp: false,
  })
  const ttft = pairs.map((p) => ({
    ours: (promptTokens * 1000) / p.ours,
    baseline: (promptTokens * 1000) / p.baseline,
  }))
  return [
    ratioRow(
      {
        id: '3a',
        measure: `Prompt processing, ${promptTokens}-token prompt, vs sequence.evaluate`,
        unit: 'tok/s',
      },
      pairs,
    ),
    {
      ...ratioRow({ id: '3b', measure: 'Time to first token, same prompt', unit: 'ms' }, ttft),
      note: 'lower is better; ratio ours / baseline',
    },
  ]
}
