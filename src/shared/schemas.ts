import { z } from 'zod'
import { remoteChoiceSchema } from './remote'
import { runRecordingSchema } from './session-intents'

/** Largest numbers the engine accepts; the UI uses the same bounds for its controls. */
export const limits = {
  maxTokens: 8192,
  topN: 50,
  topK: 1000,
  /** Candidates a token keeps for the Sampling Lab, alternatives included (see `moreCandidates`). */
  labCandidates: 1000,
  temperature: 5,
  seed: 0xffffffff,
  promptChars: 400_000,
  pathChars: 4096,
  runIdChars: 64,
  penalty: 2,
  /** llama.cpp's repeat penalty θ: 1 is off, above 1 discourages repeats, below 1 favours them. */
  repeatPenalty: { min: 0.1, max: 3 },
  penaltyWindow: 4096,
  stopStrings: 8,
  stopStringChars: 200,
  chatMessages: 2000,
  parallelRuns: 4,
  /** Earlier tokens one influence measurement may remove, one at a time. */
  influenceWindow: 256,
} as const

const probability = z.number().min(0).max(1)

export const samplingSettingsSchema = z.object({
  /** 0 means greedy: always the most likely token. */
  temperature: z.number().min(0).max(limits.temperature),
  /** 0 disables top-k. */
  topK: z.int().min(0).max(limits.topK),
  /** 1 disables top-p. */
  topP: probability,
  /** 0 disables min-p. */
  minP: probability,
  seed: z.int().min(0).max(limits.seed),
  /** Taken off the logit of every token already in the window (OpenAI's presence_penalty). */
  presencePenalty: z.number().min(-limits.penalty).max(limits.penalty).optional(),
  /** Taken off a token's logit once per time it occurs in the window (frequency_penalty). */
  frequencyPenalty: z.number().min(-limits.penalty).max(limits.penalty).optional(),
  /**
   * llama.cpp's repeat penalty (repeat_penalty): a token already in the window has a positive
   * logit divided by it and a negative one multiplied by it; 1 (or absent) is off.
   */
  repeatPenalty: z.number().min(limits.repeatPenalty.min).max(limits.repeatPenalty.max).optional(),
  /** How many of the context's last tokens the penalties look at; 64 when not given. */
  penaltyWindow: z.int().min(0).max(limits.penaltyWindow).optional(),
})
export type SamplingSettings = z.infer<typeof samplingSettingsSchema>

export const defaultSampling: SamplingSettings = {
  temperature: 0.8,
  topK: 40,
  topP: 0.95,
  minP: 0.05,
  seed: 42,
}

export const runIdSchema = z
  .string()
  .min(1)
  .max(limits.runIdChars)
  .regex(/^[A-Za-z0-9_-]+$/, 'a run id uses only letters, digits, - and _')

export const chatMessageSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string().max(limits.promptChars),
})
export type ChatMessage = z.infer<typeof chatMessageSchema>

export const chatInputSchema = z.object({
  /** The system prompt; empty for none. */
  system: z.string().max(limits.promptChars).default(''),
  messages: z.array(chatMessageSchema).min(1, 'the conversation is empty').max(limits.chatMessages),
})
export type ChatInput = z.input<typeof chatInputSchema>

/** What to continue and how much to report: shared by single and parallel runs. */
const inputShape = {
  /** Raw text to continue (Completion). */
  prompt: z.string().min(1, 'the prompt is empty').max(limits.promptChars).optional(),
  /** A conversation, rendered with the model's own chat template (Chat). */
  chat: chatInputSchema.optional(),
  /** How many alternatives to report for every generated token. */
  topN: z.int().min(1).max(limits.topN),
  /**
   * Tokens placed after the prompt as if the model had produced them, e.g. the kept part of a
   * run plus an alternative the user picked: generation branches from there.
   */
  forcedTokens: z.array(z.int().min(0)).max(limits.maxTokens).default([]),
  /** Texts that end the run as soon as the generated text contains one (kept in the output). */
  stop: z
    .array(z.string().min(1, 'a stop string is empty').max(limits.stopStringChars))
    .max(limits.stopStrings)
    .default([]),
}
const oneInput = {
  check: (request: { prompt?: string; chat?: unknown }) =>
    (request.prompt === undefined) !== (request.chat === undefined),
  message: 'give either a prompt or a chat, not both',
}

const runSettingsShape = {
  /** Chosen by the caller so that it can route events that arrive before the call returns. */
  runId: runIdSchema,
  sampling: samplingSettingsSchema,
  maxTokens: z.int().min(1).max(limits.maxTokens),
  /** For the host: the session where it records this run as it passes. The engine ignores it. */
  record: runRecordingSchema.optional(),
  /** For the host: run this on a remote engine's model instead of the local engine. */
  remote: remoteChoiceSchema.optional(),
}

export const generateRequestSchema = z
  .object({ ...inputShape, ...runSettingsShape })
  .refine(oneInput.check, { message: oneInput.message })
export type GenerateRequest = z.input<typeof generateRequestSchema>
export type ValidGenerateRequest = z.output<typeof generateRequestSchema>

/** One input, several sampling settings, generated side by side in one batch. */
export const generateManyRequestSchema = z
  .object({
    ...inputShape,
    runs: z
      .array(z.object(runSettingsShape))
      .min(1)
      .max(limits.parallelRuns)
      .refine(
        (runs) => new Set(runs.map((r) => r.runId)).size === runs.length,
        'run ids must differ',
      ),
  })
  .refine(oneInput.check, { message: oneInput.message })
export type GenerateManyRequest = z.input<typeof generateManyRequestSchema>

export const modelSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('demo') }),
  z.object({ kind: z.literal('file'), path: z.string().min(1).max(limits.pathChars) }),
])
export type ModelSource = z.infer<typeof modelSourceSchema>

/** How a model is loaded: the knobs of the hardware panel. */
export const loadOptionsSchema = z.object({
  /** 0 means the engine picks min(trained context, 4096). */
  contextSize: z.int().min(0).max(1_048_576).default(0),
  /** Layers offloaded to the GPU: 'auto' fits what the GPU can hold, 'max' all of them. */
  gpuLayers: z
    .union([z.literal('auto'), z.literal('max'), z.int().min(0).max(1000)])
    .default('auto'),
  /** CPU threads; 0 lets the engine decide. */
  threads: z.int().min(0).max(256).default(0),
  /** Tokens evaluated per batch; 0 lets the engine decide. */
  batchSize: z.int().min(0).max(65_536).default(0),
})
export type LoadOptions = z.input<typeof loadOptionsSchema>

export const loadModelRequestSchema = loadOptionsSchema.extend({
  source: modelSourceSchema,
  /** Load even when the memory estimate says it will not fit. */
  force: z.boolean().default(false),
})
export type LoadModelRequest = z.input<typeof loadModelRequestSchema>

export const tokenizeRequestSchema = z.object({
  text: z.string().max(limits.promptChars),
  specialTokens: z.boolean().default(false),
})
export type TokenizeRequest = z.input<typeof tokenizeRequestSchema>

/** Tokenize with the vocabulary of any GGUF file, loaded alone (no weights), for comparison. */
export const tokenizeWithRequestSchema = z.object({
  source: modelSourceSchema,
  text: z.string().max(limits.promptChars),
  specialTokens: z.boolean().default(false),
})
export type TokenizeWithRequest = z.input<typeof tokenizeWithRequestSchema>

/** The sampler chain that changes nothing: temperature 1, no truncation. */
export const neutralSampling = { temperature: 1, topK: 0, topP: 1, minP: 0 } as const

/** A text to read with the model (teacher forcing): each token's probability given the ones before. */
export const scoreRequestSchema = z.object({
  runId: runIdSchema,
  text: z.string().min(1, 'the text is empty').max(limits.promptChars),
  topN: z.int().min(1).max(limits.topN),
})
export type ScoreRequest = z.input<typeof scoreRequestSchema>
export type ValidScoreRequest = z.output<typeof scoreRequestSchema>

/**
 * Token influence by occlusion: for the token at `position` of `text` (as scoring numbers them:
 * 0 is the first token), how much its log-probability changes when each of the `window` tokens
 * before it is removed, one at a time.
 */
export const influenceRequestSchema = z.object({
  runId: runIdSchema,
  text: z.string().min(1, 'the text is empty').max(limits.promptChars),
  position: z.int().min(1).max(1_048_576),
  window: z.int().min(1).max(limits.influenceWindow),
})
export type InfluenceRequest = z.input<typeof influenceRequestSchema>
export type ValidInfluenceRequest = z.output<typeof influenceRequestSchema>

/** The tokens in the context before a step, whose whole next-token distribution is read. */
export const exactEntropyRequestSchema = z.object({
  tokens: z.array(z.int().min(0)).min(1, 'no tokens').max(1_048_576),
})
export type ExactEntropyRequest = z.input<typeof exactEntropyRequestSchema>

export const cancelRequestSchema = z.object({ runId: runIdSchema })
export type CancelRequest = z.infer<typeof cancelRequestSchema>

/** Turns a schema failure into one readable sentence per problem. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'request'
      return `${where}: ${issue.message}`
    })
    .join('; ')
}

export const inspectModelRequestSchema = loadOptionsSchema.extend({ source: modelSourceSchema })
export type InspectModelRequest = z.input<typeof inspectModelRequestSchema>

export const scanModelsRequestSchema = z.object({
  folder: z.string().min(1).max(limits.pathChars),
})
export type ScanModelsRequest = z.input<typeof scanModelsRequestSchema>
