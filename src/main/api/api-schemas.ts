import { z } from 'zod'
import { limits } from '../../shared/schemas'

/**
 * The request bodies of the OpenAI-compatible endpoints, as OpenAI documents them, plus
 * llama-server's `top_k`, `min_p` and `n_probs`. Fields the engine cannot honour are refused with
 * a reason when they ask for something (a logit bias, tools), so a client
 * never gets a reply that silently ignored part of its request. Other unknown fields are ignored,
 * as OpenAI's own clients send some (`user`, `metadata`).
 */

/** OpenAI's cap on `top_logprobs`; `n_probs` goes up to the engine's own. */
export const openAiTopLogprobs = 20

const samplingShape = {
  model: z.string().max(1024),
  temperature: z.number().min(0).max(limits.temperature).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  /** llama-server's: 0 turns top-k off. */
  top_k: z.int().min(0).max(limits.topK).nullish(),
  /** llama-server's: 0 turns min-p off. */
  min_p: z.number().min(0).max(1).nullish(),
  /** -1 (llama-server's convention) or none: a random seed, reported in the response. */
  seed: z.int().min(-1).max(limits.seed).nullish(),
  max_tokens: z.int().min(1).max(limits.maxTokens).nullish(),
  stop: z
    .union([z.string(), z.array(z.string())], {
      message: 'stop must be a string or a list of up to 4 strings',
    })
    .nullish()
    .superRefine((stop, context) => {
      const stops = typeof stop === 'string' ? [stop] : (stop ?? [])
      if (stops.length > 4)
        context.addIssue({ code: 'custom', message: 'at most 4 stop sequences' })
      if (stops.some((s) => s === '' || s.length > 1000)) {
        context.addIssue({ code: 'custom', message: 'a stop sequence has 1 to 1000 characters' })
      }
    }),
  /** Choices generated side by side, as Compare's columns are (one batch). */
  n: z.int().min(1).max(limits.parallelRuns).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  /** llama-server's extension: alternatives per token beyond OpenAI's 20, up to the engine's cap. */
  n_probs: z.int().min(0).max(limits.topN).nullish(),
  /** Applied in the engine's own sampler chain over its last 64 tokens, as llama-server does. */
  presence_penalty: z.number().min(-limits.penalty).max(limits.penalty).nullish(),
  frequency_penalty: z.number().min(-limits.penalty).max(limits.penalty).nullish(),
  /** llama-server's repeat penalty (1 is off) and the window all the penalties look at. */
  repeat_penalty: z.number().min(limits.repeatPenalty.min).max(limits.repeatPenalty.max).nullish(),
  repeat_last_n: z.int().min(0).max(limits.penaltyWindow).nullish(),
  logit_bias: z
    .record(z.string(), z.number())
    .nullish()
    .refine((bias) => !bias || Object.keys(bias).length === 0, {
      message: "logit_bias is not supported by Tokenscope's engine",
    }),
  user: z.string().nullish(),
}

export const completionRequestSchema = z.object({
  ...samplingShape,
  prompt: z
    .union([z.string(), z.array(z.string())], {
      message: 'prompt must be a string (token lists are not supported)',
    })
    .superRefine((prompt, context) => {
      const texts = typeof prompt === 'string' ? [prompt] : prompt
      if (texts.length !== 1) {
        context.addIssue({
          code: 'custom',
          message: 'give one prompt (a list of several is not supported; send one request each)',
        })
      } else if (texts[0] === '') {
        context.addIssue({ code: 'custom', message: 'the prompt is empty' })
      } else if ((texts[0] ?? '').length > limits.promptChars) {
        context.addIssue({
          code: 'custom',
          message: `the prompt is longer than ${limits.promptChars} characters`,
        })
      }
    }),
  /** How many alternatives to report per token; 0 reports the chosen token's alone. */
  logprobs: z
    .int()
    .min(0)
    .max(openAiTopLogprobs, 'logprobs: at most 20; use n_probs for up to 50')
    .nullish(),
  echo: z
    .boolean()
    .nullish()
    .refine((echo) => echo !== true, { message: 'echo is not supported' }),
  suffix: z
    .string()
    .nullish()
    .refine((suffix) => !suffix, { message: 'suffix (fill-in-the-middle) is not supported' }),
  best_of: z
    .int()
    .nullish()
    .refine((bestOf) => bestOf === null || bestOf === undefined || bestOf === 1, {
      message: 'best_of is not supported; use n for several choices',
    }),
})
export type CompletionRequest = z.infer<typeof completionRequestSchema>

const textPart = z.object({ type: z.literal('text'), text: z.string() })
const messageSchema = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant'], {
    message: 'role must be system, developer, user or assistant (tool messages are not supported)',
  }),
  content: z
    .union([z.string(), z.array(textPart)], {
      message: 'content must be a string or a list of text parts (images are not supported)',
    })
    .nullish(),
  name: z.string().nullish(),
})
export type ApiChatMessage = z.infer<typeof messageSchema>

export const chatRequestSchema = z.object({
  ...samplingShape,
  messages: z.array(messageSchema).min(1, 'messages is empty').max(limits.chatMessages),
  /** OpenAI's newer name for max_tokens. */
  max_completion_tokens: z.int().min(1).max(limits.maxTokens).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z
    .int()
    .min(0)
    .max(openAiTopLogprobs, "top_logprobs: at most 20 (OpenAI's cap); use n_probs for up to 50")
    .nullish(),
  tools: z
    .array(z.unknown())
    .nullish()
    .refine((tools) => !tools || tools.length === 0, { message: 'tools are not supported' }),
  response_format: z
    .object({ type: z.string() })
    .nullish()
    .refine((format) => !format || format.type === 'text', {
      message: 'only the text response_format is supported',
    }),
})
export type ChatRequest = z.infer<typeof chatRequestSchema>
