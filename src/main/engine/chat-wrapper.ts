import { resolveChatWrapper, type ChatWrapper } from 'node-llama-cpp'
import { remembered } from '../util/remembered'
import type { ModelSession } from './model-session'
import { checkChatTemplate } from './template-guard'

const wrappers = new WeakMap<ModelSession, Promise<ChatWrapper>>()

/** The chat template in the model's metadata, if it has one. */
export function templateOf(session: ModelSession): string | null {
  const template = session.model.fileInfo.metadata.tokenizer?.chat_template
  return typeof template === 'string' && template.length > 0 ? template : null
}

/**
 * The model's chat wrapper, resolved once per loaded model (concurrent first chats share the
 * work). Resolving renders the model's Jinja template hundreds of times (node-llama-cpp compares
 * it with its built-in wrappers), so the template is first rendered in the bounded worker with a
 * small sample chat. A failure is not kept: the next chat tries again.
 */
export function chatWrapperOf(session: ModelSession): Promise<ChatWrapper> {
  return remembered(wrappers, session, () => resolveWrapper(session))
}

async function resolveWrapper(session: ModelSession): Promise<ChatWrapper> {
  const template = templateOf(session)
  if (template !== null) {
    await checkChatTemplate(template, [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi' },
      { role: 'user', content: 'Bye' },
    ])
  }
  const { model } = session
  return session.runBlocking('Matching the chat template', () => resolveChatWrapper(model))
}
