import { JinjaTemplateChatWrapper, type ChatHistoryItem, type Token } from 'node-llama-cpp'
import type { PromptParts } from '../../shared/contract'
import { AppFailure } from '../../shared/errors'
import type { ValidGenerateRequest } from '../../shared/schemas'
import type { ModelSession } from './model-session'
import { chatWrapperOf, templateOf } from './chat-wrapper'
import { checkChatTemplate } from './template-guard'
import { thoughtMarkersOf, type ThoughtMarkers } from './thought-segments'

type ValidChat = NonNullable<ValidGenerateRequest['chat']>

export interface BuiltPrompt {
  tokens: Token[]
  parts: PromptParts
  /** Token sequences that end a reply besides the model's end-of-generation tokens. */
  stopSequences: Token[][]
  /** How the template marks reasoning, and whether the reply starts inside a thought. */
  thought: { markers: ThoughtMarkers | null; startsInside: boolean }
}

/**
 * Turns a request into prompt tokens. A chat is rendered with the model's own template; when it
 * does not fit, the oldest turns are dropped (never the system prompt or the newest message) until
 * the prompt leaves `reserve` tokens for the reply, and the caller is told how many were dropped.
 */
export async function buildPrompt(
  session: ModelSession,
  request: ValidGenerateRequest,
  capacity: number,
  signal: AbortSignal = new AbortController().signal,
): Promise<BuiltPrompt> {
  if (request.chat)
    return buildChatPrompt(session, request.chat, capacity, request.maxTokens, signal)
  const tokens = tokenizeText(session, request.prompt ?? '')
  return {
    tokens,
    stopSequences: [],
    thought: { markers: null, startsInside: false },
    parts: { system: 0, history: tokens.length, droppedMessages: 0, template: null },
  }
}

/** Lets Stop and getStatus in between long synchronous steps. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

/** `work`, or a stop error as soon as `signal` aborts (the work itself runs on, unread). */
function untilStopped<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(stoppedWhileFitting())
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(stoppedWhileFitting())
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

function stoppedWhileFitting(): AppFailure {
  return new AppFailure({
    code: 'invalid-request',
    message: 'Stopped while the conversation was being fitted into the context.',
  })
}

/**
 * The first message of each history the trimming may try: the whole chat, then one whole
 * exchange (user + reply) or one message less at a time, down to the newest message alone.
 */
export function trimStarts(roles: readonly string[]): number[] {
  const starts = [0]
  let start = 0
  while (roles.length - start > 1) {
    const count =
      roles[start] === 'user' && roles[start + 1] === 'assistant' && roles.length - start > 2
        ? 2
        : 1
    start += count
    starts.push(start)
  }
  return starts
}

async function buildChatPrompt(
  session: ModelSession,
  chat: ValidChat,
  capacity: number,
  maxTokens: number,
  signal: AbortSignal,
): Promise<BuiltPrompt> {
  const wrapper = await chatWrapperOf(session)
  const { model } = session
  const markers = thoughtMarkersOf(wrapper, model)
  const opening = markers?.openingTokens ?? []
  // Room for the reply: what was asked for, but never more than half the context.
  const budget = capacity - Math.min(maxTokens, Math.floor(capacity / 2))
  const system: ChatHistoryItem[] = chat.system ? [{ type: 'system', text: chat.system }] : []
  const messages = chat.messages
  if (wrapper instanceof JinjaTemplateChatWrapper) {
    // Every render below is of this conversation or a part of it: bounded by what this measured.
    await untilStopped(
      signal,
      checkChatTemplate(templateOf(session) ?? '', [
        ...(chat.system ? [{ role: 'system' as const, content: chat.system }] : []),
        ...messages.map((m) => ({ role: m.role, content: m.content })),
      ]),
    )
    if (signal.aborted) throw stoppedWhileFitting()
  }
  const render = (items: ChatHistoryItem[]) => wrapper.generateContextState({ chatHistory: items })
  const renderFrom = (start: number) => {
    const state = render([
      ...system,
      ...messages.slice(start).map(toHistoryItem),
      { type: 'model', response: [] },
    ])
    return { state, tokens: [...state.contextText.tokenize(model.tokenizer), ...opening] }
  }

  // Which turns to drop. Re-rendering the whole chat per dropped turn is quadratic (a 1,000-message
  // chat took minutes), so: each message is tokenized once (cached per model), which estimates
  // how long every suffix of the chat renders to; only suffixes near the budget are rendered,
  // exponential then binary search around the estimate, assuming (as templates do) that a
  // shorter history never renders to more tokens. Stop and status are answered in between.
  const starts = trimStarts(messages.map((m) => m.role))
  const counts = await messageTokenCounts(session, messages, signal)
  const suffix = new Array<number>(messages.length + 1).fill(0)
  for (let i = messages.length - 1; i >= 0; i--) suffix[i] = (suffix[i + 1] ?? 0) + (counts[i] ?? 0)
  const rendered = new Map<number, ReturnType<typeof renderFrom>>()
  const probe = async (index: number) => {
    const start = starts[index] ?? 0
    let result = rendered.get(start)
    if (!result) {
      if (signal.aborted) throw stoppedWhileFitting()
      result = renderFrom(start)
      rendered.set(start, result)
      await yieldToEventLoop()
      if (signal.aborted) throw stoppedWhileFitting()
    }
    return result.tokens.length <= budget
  }
  // Template tokens per message, measured on the newest (cheap) suffix.
  const last = starts.length - 1
  const lastStart = starts[last] ?? 0
  const lastRender = renderFrom(lastStart)
  rendered.set(lastStart, lastRender)
  const lastMessages = messages.length - lastStart
  const overhead = Math.max(
    0,
    (lastRender.tokens.length - (suffix[lastStart] ?? 0)) / Math.max(1, lastMessages),
  )
  const estimate = (index: number) => {
    const start = starts[index] ?? 0
    return (suffix[start] ?? 0) + overhead * (messages.length - start)
  }
  let guess = starts.findIndex((_, index) => estimate(index) <= budget)
  if (guess < 0) guess = last
  // Bracket the first fitting index: `bad` does not fit (or is -1), `good` fits (or is `last`).
  let bad = -1
  let good = last
  if (await probe(guess)) {
    good = guess
    for (let step = 1; good > 0; step *= 2) {
      const next = Math.max(0, good - step)
      if (await probe(next)) good = next
      else {
        bad = next
        break
      }
    }
  } else {
    bad = guess
    for (let step = 1; bad < last; step *= 2) {
      const next = Math.min(last, bad + step)
      if (await probe(next)) {
        good = next
        break
      }
      bad = next
    }
  }
  while (good - bad > 1) {
    const middle = Math.floor((good + bad) / 2)
    if (await probe(middle)) good = middle
    else bad = middle
  }
  const chosenStart = starts[good] ?? 0
  const { state, tokens } = rendered.get(chosenStart) ?? renderFrom(chosenStart)
  const dropped = chosenStart
  if (tokens.length > capacity) {
    throw new AppFailure({
      code: 'prompt-too-long',
      message: `The newest message alone is ${tokens.length} tokens but the context holds ${capacity}.`,
      hint: 'Shorten the message or the system prompt, or load the model with a larger context.',
    })
  }
  // The system part is what adding the system message adds to an otherwise empty chat.
  const replySlot: ChatHistoryItem = { type: 'model', response: [] }
  const count = (items: ChatHistoryItem[]) =>
    render(items).contextText.tokenize(model.tokenizer).length
  const systemTokens = system.length > 0 ? count([...system, replySlot]) - count([replySlot]) : 0
  return {
    tokens,
    stopSequences: state.stopGenerationTriggers
      .map((trigger) => trigger.tokenize(model.tokenizer))
      .filter((sequence) => sequence.length > 0),
    thought: { markers, startsInside: opening.length > 0 || markers?.open === '' },
    parts: {
      system: systemTokens,
      history: tokens.length - systemTokens,
      droppedMessages: dropped,
      template: wrapper.wrapperName,
    },
  }
}

const tokenCountCache = new WeakMap<ModelSession, Map<string, number>>()

/** Tokens of each message's text, each text tokenized once per model (later turns reuse them). */
async function messageTokenCounts(
  session: ModelSession,
  messages: ValidChat['messages'],
  signal: AbortSignal,
): Promise<number[]> {
  let cache = tokenCountCache.get(session)
  if (!cache) {
    cache = new Map()
    tokenCountCache.set(session, cache)
  }
  const counts: number[] = []
  let sinceYield = 0
  for (const message of messages) {
    let count = cache.get(message.content)
    if (count === undefined) {
      count = session.model.tokenize(message.content, false).length
      if (cache.size > 20_000) cache.clear()
      cache.set(message.content, count)
      sinceYield += message.content.length
    }
    counts.push(count)
    if (sinceYield > 20_000) {
      sinceYield = 0
      await yieldToEventLoop()
      if (signal.aborted) throw stoppedWhileFitting()
    }
  }
  return counts
}

function toHistoryItem(message: ValidChat['messages'][number]): ChatHistoryItem {
  return message.role === 'user'
    ? { type: 'user', text: message.content }
    : { type: 'model', response: [message.content] }
}

function tokenizeText(session: ModelSession, text: string): Token[] {
  const { model } = session
  const tokens = model.tokenize(text, true)
  const bos = model.tokens.bos
  if (model.tokens.shouldPrependBosToken && bos !== null && tokens[0] !== bos)
    return [bos, ...tokens]
  if (tokens.length === 0) {
    throw new AppFailure({ code: 'invalid-request', message: 'The prompt produced no tokens.' })
  }
  return tokens
}
