import type { TokenCandidate } from '../../../../shared/contract'
import { startBranch } from '../../services/actions'
import { makeRunId } from '../../services/engine-connection'
import { ensureOnHost, errorText, sendIntents } from '../../sessions/host-sessions'
import { fillTokens, isWhole } from '../../sessions/session-pages'
import { sessionListStore } from '../../sessions/stores'
import { rememberOpen } from '../../sessions/open-sessions'
import { completionSession, modelRef, runRecordFrom } from '../../sessions/records'
import { newSession, replyText, titleFrom } from '../../../../shared/conversation'
import type { SessionDocument, SessionNode } from '../../../../shared/sessions'
import { branchReply, openChat } from '../chat/chat-actions'
import { chatRunStore } from '../chat/chat-store'
import { showCompletion } from '../../sessions/session-actions'
import { whyCannotStart } from '../../stores/engine-reducer'
import { isActive } from '../../stores/run-reducer'
import { engineStore, runStore } from '../../stores/stores'
import { viewStore } from '../../stores/view'
import { alternativesPerToken } from '../../inspector/stores'
import { compareStore, copyColumnSettings } from './compare-actions'
import { isAnyActive, type CompareColumn, type CompareState } from './compare-state'

/** Why branching from a token of column `key` cannot start now, in words; null when it can. */
export function whyCannotBranch(key: string): string | null {
  const state = compareStore.getState()
  if (isAnyActive(state)) return 'Wait for the comparison to finish (or stop it) before branching.'
  if (state.input === 'chat') {
    if (isActive(chatRunStore.getState())) return 'The Chat tab is writing a reply: stop it first.'
  } else if (isActive(runStore.getState()))
    return 'The Completion tab is generating: stop it first.'
  if (!state.columns.some((c) => c.key === key)) return 'The column is gone.'
  return whyCannotStart(engineStore.getState(), state.input === 'chat' ? 'chat' : 'completion')
}

/**
 * Branching in Compare goes on in Completion, where branches live: the column's text opens there
 * as a new Completion session (its first run), the column's settings become Completion's, and the
 * branch forces `alternative` at token `index` and continues from it, as a branch picked in
 * Completion would (the engine reuses the cached prompt and kept tokens).
 */
export function branchFromColumn(key: string, index: number, alternative: TokenCandidate): void {
  if (whyCannotBranch(key) !== null) return
  const state = compareStore.getState()
  const column = state.columns.find((c) => c.key === key)
  if (!column || column.run.runId === null || column.run.tokenCount <= index) return
  // A comparison opened page by page: the new session gets the column's tokens whole.
  const tokens = column.run.tokens.flat()
  if (!tokens.every(isWhole)) {
    fillTokens(tokens).then(
      () => branchFromColumn(key, index, alternative),
      (error: unknown) =>
        sessionListStore.dispatch({
          type: 'failed',
          error: `The branch could not start: ${errorText(error)}`,
        }),
    )
    return
  }
  if (state.input === 'chat') {
    branchInChat(state, column, index, alternative)
    return
  }
  const doc = completionSession({
    id: makeRunId(),
    promptId: makeRunId(),
    completionId: makeRunId(),
    run: column.run,
    model: modelRef(engineStore.getState().status?.model),
    topN: alternativesPerToken(),
    now: new Date().toISOString(),
  })
  sendIntents(doc.id, ensureOnHost(doc))
  showCompletion(doc)
  rememberOpen('completion', doc.id)
  copyColumnSettings(key)
  viewStore.dispatch('completion')
  window.location.hash = 'completion'
  startBranch(index, alternative)
}

/**
 * A chat-message comparison branches in Chat: the system prompt, the message and the column's
 * reply open there as a new conversation, and the picked alternative makes a new version of the
 * reply that continues from it, as a pick in Chat's own inspector would.
 */
function branchInChat(
  state: CompareState,
  column: CompareColumn,
  index: number,
  alternative: TokenCandidate,
): void {
  const now = new Date().toISOString()
  const sampling = column.run.sampling ?? column.settings.sampling
  const record = runRecordFrom(column.run, sampling)
  const user: SessionNode = {
    id: makeRunId(),
    parentId: null,
    role: 'user',
    text: state.prompt,
    run: null,
    createdAt: now,
  }
  const reply: SessionNode = {
    id: makeRunId(),
    parentId: user.id,
    role: 'assistant',
    text: replyText(record.tokens, record.stopReason),
    run: record,
    createdAt: now,
  }
  const doc: SessionDocument = {
    ...newSession({
      id: makeRunId(),
      kind: 'chat',
      model: modelRef(engineStore.getState().status?.model),
      settings: { sampling, maxTokens: column.settings.maxTokens, topN: alternativesPerToken() },
      now,
    }),
    title: titleFrom(state.prompt) || 'Chat',
    system: state.system,
    nodes: [user, reply],
    currentLeafId: reply.id,
  }
  sendIntents(doc.id, ensureOnHost(doc))
  openChat(doc)
  rememberOpen('chat', doc.id)
  copyColumnSettings(column.key)
  viewStore.dispatch('chat')
  window.location.hash = 'chat'
  branchReply(reply.id, index, alternative)
}
