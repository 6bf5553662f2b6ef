import { randomBytes, randomInt } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { AppService, GeneratedToken } from '../../shared/contract'
import { limits } from '../../shared/schemas'
import { ApiError, apiErrorOf } from './api-errors'
import { ChoiceText, type ChoiceDelta } from './choice-text'
import { recordPlan } from './api-recording'
import { planChat, planCompletion, type ApiPlan, type PlanContext } from './request-mapping'
import { ChunkWriter, sendJson } from './http-output'
import {
  chatChoiceLogprobs,
  completionLogprobs,
  finishReasonOf,
  usageOf,
  type FinishReason,
} from './response-shapes'
import { startRuns, type ChoiceEnd, type ObserveRunEvents } from './run-driver'

export interface GenerationContext {
  service: AppService
  observe: ObserveRunEvents
  response: ServerResponse
  /** Whether the request is saved as a session. */
  record: boolean
  log: (line: string) => void
  /** Tells whether the client went away; called once the response has started. */
  onClientGone(listener: () => void): void
}

/** What the request log shows of a generation. */
export interface GenerationSummary {
  promptTokens: number
  completionTokens: number
  tokensPerSecond: number | null
}

/** One choice as it builds up. */
interface Choice {
  text: ChoiceText
  content: string
  reasoning: string
  contentTokens: GeneratedToken[]
  reasoningTokens: GeneratedToken[]
  finish: FinishReason | null
  generated: number
  tokensPerSecond: number | null
}

const planContext: PlanContext = {
  runId: () => `api-${randomBytes(9).toString('base64url')}`,
  randomSeed: () => randomInt(0, limits.seed + 1),
}

/** `POST /v1/completions` and `POST /v1/chat/completions`, streamed or not. */
export async function handleGeneration(
  kind: 'completion' | 'chat',
  body: unknown,
  context: GenerationContext,
): Promise<GenerationSummary> {
  const asked =
    kind === 'completion' ? planCompletion(body, planContext) : planChat(body, planContext)
  const model = (await context.service.getStatus()).model
  if (!model) {
    throw new ApiError(
      503,
      'No model is loaded. Load one in Tokenscope (Models), then try again.',
      'server_error',
      'model_not_loaded',
    )
  }
  const { plan, sessionId } = context.record
    ? await recordPlan(context.service, asked, model, context.log)
    : { plan: asked, sessionId: null }
  const id = `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomBytes(12).toString('base64url')}`
  const created = Math.floor(Date.now() / 1000)
  const head = { id, object: objectName(kind, plan.stream), created, model: model.fileName }
  const choices: Choice[] = plan.runs.map(() => ({
    text: new ChoiceText(plan.stop, kind === 'chat'),
    content: '',
    reasoning: '',
    contentTokens: [],
    reasoningTokens: [],
    finish: null,
    generated: 0,
    tokensPerSecond: null,
  }))
  const stream = plan.stream ? new ChunkWriter(context.response, head, kind, plan) : null
  let failure: ApiError | null = null

  const add = (index: number, delta: ChoiceDelta) => {
    const choice = choices[index]
    if (!choice) return
    stream?.delta(index, delta, choice.content.length)
    choice.content += delta.content
    choice.reasoning += delta.reasoning
    choice.contentTokens.push(...delta.contentTokens)
    choice.reasoningTokens.push(...delta.reasoningTokens)
  }
  const end = (index: number, outcome: ChoiceEnd) => {
    const choice = choices[index]
    if (!choice) return
    if (!outcome.ok) {
      failure ??= apiErrorOf(outcome.error)
      return
    }
    add(index, choice.text.finish(outcome.reason === 'end-of-generation'))
    choice.finish = finishReasonOf(outcome.reason, choice.text.stopped)
    choice.generated = outcome.stats.generatedTokens
    choice.tokensPerSecond = outcome.stats.tokensPerSecond
    stream?.finish(index, choice.finish)
  }

  const runs = await startRuns(context.service, context.observe, plan, {
    onTokens(index, tokens) {
      const choice = choices[index]
      if (!choice || choice.text.stopped) return false
      add(index, choice.text.push(tokens))
      // The run goes on until the engine hears the stop; what it adds is not used.
      return choice.text.stopped
    },
    onEnd: end,
  }).catch((error: unknown) => {
    // A request that never ran leaves no session behind (it goes to the trash).
    if (sessionId) void context.service.deleteSession({ id: sessionId }).catch(() => undefined)
    throw error
  })
  context.onClientGone(() => runs.cancel())
  stream?.open()
  await runs.finished

  const completionTokens = choices.reduce((sum, choice) => sum + choice.generated, 0)
  const usage = usageOf(runs.promptTokens, completionTokens)
  const summary = {
    promptTokens: runs.promptTokens,
    completionTokens,
    tokensPerSecond: choices[0]?.tokensPerSecond ?? null,
  }
  if (stream) {
    stream.close(failure, plan.includeUsage ? usage : null)
    return summary
  }
  if (failure) throw failure
  const reply = {
    ...head,
    choices: choices.map((choice, index) =>
      kind === 'chat' ? chatChoice(choice, index, plan) : completionChoice(choice, index, plan),
    ),
    usage,
  }
  sendJson(context.response, 200, reply)
  return summary
}

const objectName = (kind: 'completion' | 'chat', stream: boolean) =>
  kind === 'completion' ? 'text_completion' : stream ? 'chat.completion.chunk' : 'chat.completion'

function completionChoice(choice: Choice, index: number, plan: ApiPlan) {
  return {
    index,
    text: choice.content,
    logprobs:
      plan.logprobs === null ? null : completionLogprobs(choice.contentTokens, plan.logprobs, 0),
    finish_reason: choice.finish,
  }
}

function chatChoice(choice: Choice, index: number, plan: ApiPlan) {
  const thought = choice.reasoningTokens.length > 0
  return {
    index,
    message: {
      role: 'assistant',
      content: choice.content,
      ...(thought ? { reasoning_content: choice.reasoning } : {}),
    },
    logprobs: plan.logprobs === null ? null : chatChoiceLogprobs(choice, plan.logprobs),
    finish_reason: choice.finish,
  }
}
