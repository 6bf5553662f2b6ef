import type { GeneratedToken, TokenText } from '../../../../shared/contract'
import type { SamplingSettings } from '../../../../shared/schemas'
import type { PipelineFacts } from './pipeline-actions'

export const pipelineSteps = [
  { id: 'text', title: 'Text' },
  { id: 'tokens', title: 'Tokens' },
  { id: 'ids', title: 'IDs' },
  { id: 'embedding', title: 'Embedding' },
  { id: 'layers', title: 'Layer stack' },
  { id: 'logits', title: 'Logits' },
  { id: 'probabilities', title: 'Probabilities' },
  { id: 'sampler', title: 'Sampler chain' },
  { id: 'next', title: 'Next token' },
] as const

export type PipelineStepId = (typeof pipelineSteps)[number]['id']

/** Everything the steps show: one run of one token on the sentence, and the model file's facts. */
export interface PipelineData {
  text: string
  modelName: string
  vocabSize: number
  prompt: readonly TokenText[]
  token: GeneratedToken
  sampling: SamplingSettings
  facts: PipelineFacts
}

/** A number in a fixed width that still shows small and large values. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  const abs = Math.abs(value)
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e4)) return value.toExponential(2)
  return value.toFixed(4)
}
