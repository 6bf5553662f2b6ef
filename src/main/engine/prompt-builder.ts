import {
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type Token,
} from 'node-llama-cpp'
import type { PromptParts } from '../../shared/contract'
import { AppFailure } from '../../shared/errors'
import type { ValidGenerateRequest } from '../../shared/schemas'
import type { ModelSession } from './model-session'
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

const wrappers = new WeakMap<ModelSession, ChatWrapper>()

/**
 * Turns a request into prompt tokens. A chat is rendered with the model's own template; when it
 * does not fit, the oldest turns are dropped (never the system prompt or the newest message) until
 * the prompt leaves `reserve` tokens for the reply, and the caller is told how many were dropped.
 */
export function buildPrompt(
  session: ModelSession,
  request: ValidGenerateRequest,
  capacity: number,
): BuiltPrompt {
  if (request.chat) return buildChatPrompt(session, request.chat, capacity, request.maxTokens)
  const tokens = tokenizeText(session, request.prompt ?? '')
  return {
    tokens,
    stopSequences: [],
    thought: { markers: null, startsInside: false },
    parts: { system: 0, history: tokens.length, droppedMessages: 0, template: null },
  }
}

function buildChatPrompt(
  session: ModelSession,
  chat: ValidChat,
  capacity: number,
  maxTokens: number,
): BuiltPrompt {
  const wrapper = chatWrapperOf(session)
  const { model } = session
  const markers = thoughtMarkersOf(wrapper, model)
  const opening = markers?.openingTokens ?? []
  // Room for the reply: what was asked for, but never more than half the context.
  const budget = capacity - Math.min(maxTokens, Math.floor(capacity / 2))
  const system: ChatHistoryItem[] = chat.system ? [{ type: 'system', text: chat.system }] : []
  const render = (items: ChatHistoryItem[]) => wrapper.generateContextState({ chatHistory: items })

  let messages = chat.messages
  let dropped = 0
  let state = render([...system, ...messages.map(toHistoryItem), { type: 'model', response: [] }])
  let tokens = [...state.contextText.tokenize(model.tokenizer), ...opening]
  while (tokens.length > budget && messages.length > 1) {
    // Drop a whole exchange where possible so the history does not start with a reply.
    const count =
      messages[0]?.role === 'user' && messages[1]?.role === 'assistant' && messages.length > 2
        ? 2
        : 1
    messages = messages.slice(count)
    dropped += count
    state = render([...system, ...messages.map(toHistoryItem), { type: 'model', response: [] }])
    tokens = [...state.contextText.tokenize(model.tokenizer), ...opening]
  }
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

function toHistoryItem(message: ValidChat['messages'][number]): ChatHistoryItem {
  return message.role === 'user'
    ? { type: 'user', text: message.content }
    : { type: 'model', response: [message.content] }
}

function chatWrapperOf(session: ModelSession): ChatWrapper {
  let wrapper = wrappers.get(session)
  if (!wrapper) {
    wrapper = resolveChatWrapper(session.model)
    wrappers.set(session, wrapper)
  }
  return wrapper
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
