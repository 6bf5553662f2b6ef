import type {
  AppService,
  GeneratedToken,
  RunEvent,
  RunStats,
  StopReason,
} from '../../shared/contract'
import { toAppError, type AppError } from '../../shared/errors'
import { ApiError, apiErrorOf } from './api-errors'
import { engineCall, type ApiPlan } from './request-mapping'

/** Where the API hears the engine's run events (the supervisor's observers). */
export type ObserveRunEvents = (observer: (event: RunEvent) => void) => () => void

export type ChoiceEnd =
  { ok: true; reason: StopReason; stats: RunStats } | { ok: false; error: AppError }

export interface ChoiceHandlers {
  /** Returns true when the choice is complete (a stop sequence): its run is stopped. */
  onTokens(choice: number, tokens: GeneratedToken[]): boolean
  onEnd(choice: number, end: ChoiceEnd): void
}

export interface StartedRuns {
  /** Prompt tokens as the engine counted them (the template's markup included, for a chat). */
  promptTokens: number
  contextSize: number
  /** Resolves once every choice has ended or failed. */
  finished: Promise<void>
  /** Stops one choice (its end still arrives), or all of them. */
  cancel(choice?: number): void
}

/**
 * Starts a plan's runs through the host's service and resolves once each has started, so that
 * a request that cannot run (a busy engine, a prompt too long for the context) is answered with
 * an error status before any response is written. From then on the handlers get each choice's
 * tokens and its end.
 */
export async function startRuns(
  service: AppService,
  observe: ObserveRunEvents,
  plan: ApiPlan,
  handlers: ChoiceHandlers,
): Promise<StartedRuns> {
  const choiceOf = new Map(plan.runs.map((run, i) => [run.runId, i]))
  const starts = new Map<number, RunEvent>()
  const held: RunEvent[] = []
  let live = false
  let open = plan.runs.length
  let whenStarted = () => {}
  const allStarted = new Promise<void>((resolve) => (whenStarted = resolve))
  let whenFinished = () => {}
  const finished = new Promise<void>((resolve) => (whenFinished = resolve))
  const cancel = (choice?: number) =>
    plan.runs.forEach((run, i) => {
      if (choice === undefined || choice === i)
        void service.cancel({ runId: run.runId }).catch(() => undefined)
    })

  const deliver = (choice: number, event: RunEvent) => {
    if (event.kind === 'tokens') {
      if (handlers.onTokens(choice, event.tokens)) cancel(choice)
    } else if (event.kind === 'ended' || event.kind === 'failed') {
      handlers.onEnd(
        choice,
        event.kind === 'ended'
          ? { ok: true, reason: event.reason, stats: event.stats }
          : { ok: false, error: event.error },
      )
      if (--open === 0) {
        stopObserving()
        whenFinished()
      }
    }
  }
  // Every run's end, whether or not it was delivered: a refused request waits for it.
  let unended = plan.runs.length
  let whenAllEnded = () => {}
  const allEnded = new Promise<void>((resolve) => (whenAllEnded = resolve))
  const stopObserving = observe((event) => {
    const choice = choiceOf.get(event.runId)
    if (choice === undefined) return
    if ((event.kind === 'ended' || event.kind === 'failed') && --unended === 0) whenAllEnded()
    if (live) return deliver(choice, event)
    held.push(event)
    if ((event.kind === 'started' || event.kind === 'failed') && !starts.has(choice)) {
      starts.set(choice, event)
      if (starts.size === plan.runs.length) whenStarted()
    }
  })

  const call = engineCall(plan)
  try {
    if (call.many) await service.generateMany(call.request)
    else await service.generate(call.request)
  } catch (error) {
    stopObserving()
    throw apiErrorOf(toAppError(error))
  }
  await allStarted

  const events = [...starts.values()]
  const failure = events.find((event) => event.kind === 'failed')
  const started = events.find((event) => event.kind === 'started')
  /**
   * Stops the runs and waits (a few seconds at most) until the engine has ended them, so that the
   * client that hears the refusal finds the engine free for its next request.
   */
  const stopBeforeRefusing = async () => {
    cancel()
    await Promise.race([allEnded, new Promise((resolve) => setTimeout(resolve, 5000))])
    stopObserving()
  }
  if (failure?.kind === 'failed' || started?.kind !== 'started') {
    await stopBeforeRefusing()
    throw failure?.kind === 'failed'
      ? apiErrorOf(failure.error)
      : new ApiError(500, 'The engine reported no run.')
  }
  const dropped = started.parts.droppedMessages
  if (dropped > 0) {
    await stopBeforeRefusing()
    throw conversationTooLong(plan, started.contextSize, started.prompt.length, dropped)
  }
  live = true
  held.forEach((event) => deliver(choiceOf.get(event.runId) ?? 0, event))
  return {
    promptTokens: started.prompt.length + started.forced.length,
    contextSize: started.contextSize,
    finished,
    cancel,
  }
}

/**
 * The engine fits a long chat into the context by leaving out its oldest turns, as the Chat view
 * wants; an API client sent the whole conversation on purpose, so it hears that it does not fit.
 */
function conversationTooLong(
  plan: ApiPlan,
  contextSize: number,
  keptTokens: number,
  dropped: number,
): ApiError {
  // As the engine's prompt builder reserves room for the reply: never more than half the context.
  const capacity = contextSize - 1
  const reserved = Math.min(plan.maxTokens, Math.floor(capacity / 2))
  return new ApiError(
    400,
    `The conversation does not fit in the context: the context holds ${contextSize} tokens, ` +
      `${reserved} of them are kept for the reply (max_tokens, at most half the context), ` +
      `which leaves ${capacity - reserved} for the conversation; it fits only without its ` +
      `${dropped} oldest message${dropped === 1 ? '' : 's'} (then ${keptTokens} tokens). ` +
      'Send a shorter conversation or a smaller max_tokens.',
    'invalid_request_error',
    'context_length_exceeded',
    'messages',
  )
}
