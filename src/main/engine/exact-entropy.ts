import type { Token } from 'node-llama-cpp'
import type { ExactEntropy } from '../../shared/contract'
import { AppFailure } from '../../shared/errors'
import type { ModelSession } from './model-session'
import { readStep, weighAll } from './step-distribution'
import { nextTokenRequest } from './step-reader'
import { noteSamplerDropped } from './sampler-garbage'

/**
 * The exact entropy of one step that a run only bounded (bounded-head.ts): the context is brought
 * to `tokens` (keeping what it holds of them, as a run reuses its prompt, and evaluating only the
 * rest) and the whole distribution after the last one is read once. The next run reuses the
 * prefix it shares with what this leaves in the context.
 */
export async function readExactEntropy(
  session: ModelSession,
  tokens: readonly number[],
): Promise<ExactEntropy> {
  const { sequence, info } = session
  const bad = tokens.find((id) => info.vocabSize > 0 && id >= info.vocabSize)
  if (bad !== undefined)
    throw new AppFailure({
      code: 'invalid-request',
      message: `Token ${bad} does not exist in this model (its vocabulary has ${info.vocabSize} tokens).`,
    })
  if (tokens.length > sequence.contextSize - 1)
    throw new AppFailure({
      code: 'invalid-request',
      message: `The context before this token is ${tokens.length} tokens; the context holds ${sequence.contextSize}.`,
    })
  const held = sequence.contextTokens
  let shared = 0
  // The last token is evaluated again in any case: its logits are the step's.
  const limit = Math.min(held.length, tokens.length - 1)
  while (shared < limit && held[shared] === tokens[shared]) shared++
  if (shared < sequence.nextTokenIndex)
    await sequence.eraseContextTokenRanges([{ start: shared, end: sequence.nextTokenIndex }])
  const rest = tokens.slice(shared) as Token[]
  const items = rest.map((id, i) =>
    i === rest.length - 1 ? ([id, { generateNext: nextTokenRequest }] as const) : id,
  )
  const results = await sequence.controlledEvaluate(items as never)
  noteSamplerDropped(info.vocabSize)
  const probabilities = results[results.length - 1]?.next?.probabilities
  if (!probabilities) throw new Error('llama.cpp returned no probabilities for this step')
  const read = readStep({ probabilities })
  if (read.head) throw new Error('the whole distribution was asked for, and a head came back')
  return { entropyBits: (read.whole ?? weighAll(read.sorted, read.size)).entropy }
}
