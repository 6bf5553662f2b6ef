import type { z } from 'zod'
import {
  defaultSampling,
  describeIssues,
  limits,
  type ChatMessage,
  type GenerateManyRequest,
  type GenerateRequest,
  type SamplingSettings,
} from '../../shared/schemas'
import type { RunRecording } from '../../shared/session-intents'
import { invalidRequest } from './api-errors'
import {
  chatRequestSchema,
  completionRequestSchema,
  type ApiChatMessage,
  type ChatRequest,
  type CompletionRequest,
} from './api-schemas'

/** One choice of the response: one engine run. */
export interface ApiRun {
  runId: string
  sampling: SamplingSettings
  /** The session the host records this run into, when API requests are recorded. */
  record?: RunRecording
}

/** An API request turned into what the engine runs and how the answer is shaped. */
export interface ApiPlan {
  kind: 'completion' | 'chat'
  input: { prompt: string } | { chat: { system: string; messages: ChatMessage[] } }
  /** Alternatives reported per token; null when log-probabilities were not asked for. */
  logprobs: number | null
  maxTokens: number
  /** One per choice (`n`), seeds counting up from the request's. */
  runs: ApiRun[]
  stop: string[]
  stream: boolean
  includeUsage: boolean
}

/** What a plan needs from outside: fresh run ids, and a seed when the request gives none. */
export interface PlanContext {
  runId(): string
  randomSeed(): number
}

/** OpenAI's default for the legacy completions endpoint. */
export const defaultCompletionTokens = 16

/** The body checked against `schema`, or a 400 naming each problem. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.')
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    const first = parsed.error.issues[0]?.path[0]
    throw invalidRequest(
      `Invalid request: ${describeIssues(parsed.error)}`,
      typeof first === 'string' ? first : null,
    )
  }
  return parsed.data
}

export function planCompletion(body: unknown, context: PlanContext): ApiPlan {
  const request: CompletionRequest = parseBody(completionRequestSchema, body)
  const prompt = typeof request.prompt === 'string' ? request.prompt : (request.prompt[0] ?? '')
  const wanted = request.n_probs ?? request.logprobs
  return {
    kind: 'completion',
    input: { prompt },
    logprobs: wanted ?? null,
    maxTokens: request.max_tokens ?? defaultCompletionTokens,
    ...common(request, context),
  }
}

export function planChat(body: unknown, context: PlanContext): ApiPlan {
  const request: ChatRequest = parseBody(chatRequestSchema, body)
  if (request.top_logprobs != null && request.logprobs !== true) {
    throw invalidRequest('top_logprobs needs logprobs: true.', 'top_logprobs')
  }
  const wanted = request.logprobs ? (request.n_probs ?? request.top_logprobs ?? 0) : request.n_probs
  return {
    kind: 'chat',
    input: { chat: toChat(request.messages) },
    logprobs: wanted ?? null,
    // Without a limit a reply runs to its end or to the context's.
    maxTokens: request.max_completion_tokens ?? request.max_tokens ?? limits.maxTokens,
    ...common(request, context),
  }
}

type Common = Pick<ApiPlan, 'runs' | 'stop' | 'stream' | 'includeUsage'>

function common(request: CompletionRequest | ChatRequest, context: PlanContext): Common {
  const seed = request.seed == null || request.seed < 0 ? context.randomSeed() : request.seed
  const sampling: SamplingSettings = {
    temperature: request.temperature ?? defaultSampling.temperature,
    topK: request.top_k ?? defaultSampling.topK,
    topP: request.top_p ?? defaultSampling.topP,
    minP: request.min_p ?? defaultSampling.minP,
    seed,
    ...(request.presence_penalty ? { presencePenalty: request.presence_penalty } : {}),
    ...(request.frequency_penalty ? { frequencyPenalty: request.frequency_penalty } : {}),
    ...(request.repeat_penalty != null && request.repeat_penalty !== 1
      ? { repeatPenalty: request.repeat_penalty }
      : {}),
    ...(request.repeat_last_n != null ? { penaltyWindow: request.repeat_last_n } : {}),
  }
  const runs = Array.from({ length: request.n ?? 1 }, (_, i) => ({
    runId: context.runId(),
    // Each choice its own seed, so that sampled choices differ and each reproduces.
    sampling: { ...sampling, seed: (seed + i) % (limits.seed + 1) },
  }))
  const stop =
    request.stop == null ? [] : typeof request.stop === 'string' ? [request.stop] : request.stop
  return {
    runs,
    stop,
    stream: request.stream === true,
    includeUsage: request.stream_options?.include_usage === true,
  }
}

/**
 * OpenAI's messages as the engine's chat: system (and developer) messages at the start become
 * the system prompt; text parts are joined.
 */
export function toChat(messages: readonly ApiChatMessage[]): {
  system: string
  messages: ChatMessage[]
} {
  const textOf = (content: ApiChatMessage['content']) =>
    typeof content === 'string' ? content : (content ?? []).map((part) => part.text).join('')
  const leading = messages.findIndex((m) => m.role !== 'system' && m.role !== 'developer')
  const systemCount = leading < 0 ? messages.length : leading
  const rest = messages.slice(systemCount)
  const late = rest.findIndex((m) => m.role === 'system' || m.role === 'developer')
  if (late >= 0) {
    throw invalidRequest(
      `messages.${systemCount + late}: a ${rest[late]?.role} message is only supported at the start of the conversation.`,
      'messages',
    )
  }
  if (rest.length === 0) {
    throw invalidRequest('messages has no user or assistant message.', 'messages')
  }
  return {
    system: messages
      .slice(0, systemCount)
      .map((m) => textOf(m.content))
      .join('\n\n'),
    messages: rest.map((m) => ({
      role: m.role === 'assistant' ? 'assistant' : 'user',
      content: textOf(m.content),
    })),
  }
}

/** The engine call for a plan: one run, or the choices side by side in one batch. */
export function engineCall(
  plan: ApiPlan,
): { many: false; request: GenerateRequest } | { many: true; request: GenerateManyRequest } {
  const topN = Math.max(1, plan.logprobs ?? 0)
  const input = { ...plan.input, topN }
  const [only, ...others] = plan.runs
  if (only && others.length === 0) {
    return { many: false, request: { ...input, ...only, maxTokens: plan.maxTokens } }
  }
  return {
    many: true,
    request: { ...input, runs: plan.runs.map((run) => ({ ...run, maxTokens: plan.maxTokens })) },
  }
}
