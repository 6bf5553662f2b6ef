/**
 * A saved Completion session with a very long run, written straight into a serve data folder so
 * that the UI can open it from the sidebar. Every token carries a full set of alternatives, as a
 * real run with top-20 would.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { GeneratedToken, TokenCandidate } from '../../src/shared/contract'
import { defaultSampling } from '../../src/shared/schemas'
import { sessionDocumentSchema, sessionSchemaVersion } from '../../src/shared/sessions'

const words = [
  ' the',
  ' model',
  ' reads',
  ' each',
  ' token',
  ' and',
  ' predicts',
  ' what',
  ' comes',
  ' next',
  '.',
  '\n',
]

function candidate(id: number, rank: number): TokenCandidate {
  const modelProb = 0.5 / 2 ** rank
  return {
    id,
    text: words[id % words.length] ?? '',
    logit: Math.log(modelProb),
    modelProb,
    samplingProb: rank < 5 ? modelProb * 1.5 : 0,
  }
}

function syntheticToken(index: number, promptLength: number, topN: number): GeneratedToken {
  const alternatives = Array.from({ length: topN }, (_, rank) =>
    candidate((index * 7 + rank) % 2000, rank),
  )
  const chosen = alternatives[index % 3] ?? candidate(0, 0)
  return {
    ...chosen,
    position: promptLength + index,
    rank: (index % 3) + 1,
    entropyBits: 1.5,
    alternatives,
    tailMass: 0.01,
  }
}

/** Writes the session and returns its id. */
export function writeLongTranscript(
  dataDirectory: string,
  tokenCount: number,
  topN: number,
): string {
  const id = `bench-${tokenCount}-tokens`
  const now = new Date().toISOString()
  const promptText = 'A long run:'
  const prompt = [{ id: 1, text: promptText }]
  const tokens = Array.from({ length: tokenCount }, (_, i) =>
    syntheticToken(i, prompt.length, topN),
  )
  const document = sessionDocumentSchema.parse({
    schemaVersion: sessionSchemaVersion,
    id,
    title: `Benchmark: ${tokenCount.toLocaleString('en')} tokens`,
    kind: 'completion',
    createdAt: now,
    updatedAt: now,
    system: '',
    model: null,
    settings: { sampling: defaultSampling, maxTokens: 8192, topN },
    nodes: [
      { id: 'prompt', parentId: null, role: 'prompt', text: promptText, run: null, createdAt: now },
      {
        id: 'completion',
        parentId: 'prompt',
        role: 'completion',
        text: tokens.map((t) => t.text).join(''),
        run: {
          prompt,
          tokens,
          stopReason: 'max-tokens',
          sampling: defaultSampling,
          tokensPerSecond: null,
          timeToFirstTokenMs: null,
        },
        createdAt: now,
      },
    ],
    currentLeafId: 'completion',
  })
  const folder = join(dataDirectory, 'sessions')
  mkdirSync(folder, { recursive: true })
  writeFileSync(join(folder, `${id}.json`), JSON.stringify(document))
  return id
}
