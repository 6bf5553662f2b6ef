import { toAppError } from '../../../../shared/errors'
import { limits } from '../../../../shared/schemas'
import type { SessionDocument } from '../../../../shared/sessions'
import { routeRunEvents, unrouteRuns } from '../../services/run-events'
import { getConnection, makeRunId } from '../../services/session'
import {
  chatMessagesBefore,
  conversationReducer,
  type ConversationAction,
} from '../../sessions/conversation'
import { modelRef, replyText, runRecordFrom } from '../../sessions/records'
import { autosaver, saveNow } from '../../sessions/saving'
import { canStartRun } from '../../stores/engine-reducer'
import { isActive } from '../../stores/run-reducer'
import { engineStore, settingsStore } from '../../stores/stores'
import { blankChat, chatRunStore, chatStore, chatTopN } from './chat-store'

/** Conversations left while their reply was still streaming: the reply is finished there. */
const detached = new Map<string, SessionDocument>()

const now = () => new Date().toISOString()

export function canSend(): boolean {
  return canStartRun(engineStore.getState(), 'chat') && !chatStore.getState().live
}

/** Applies a conversation change that starts a reply, then asks the engine for that reply. */
function startReply(action: ConversationAction & { replyId: string }, freshSeed = false): void {
  if (!canSend()) return
  const settings = settingsStore.getState()
  const { maxTokens } = settings
  // The same seed would write the same reply again; a regeneration draws a new one (it is saved).
  const sampling = freshSeed ? { ...settings.sampling, seed: randomSeed() } : settings.sampling
  const runId = makeRunId()
  chatStore.dispatch({
    type: 'conversation',
    action,
    runId,
    settings: { sampling, maxTokens, topN: chatTopN },
    model: modelRef(engineStore.getState().status?.model),
  })
  const { doc, live } = chatStore.getState()
  if (live?.runId !== runId) return
  const replyId = action.replyId
  const docId = doc.id
  chatRunStore.dispatch({ type: 'requested', runId, promptText: '', sampling, maxTokens })
  routeRunEvents(runId, 'chat', (events) => {
    for (const event of events) {
      if (event.kind === 'started')
        chatStore.dispatch({
          type: 'promptReported',
          nodeId: replyId,
          parts: event.parts,
          contextSize: event.contextSize,
        })
    }
    const run = chatRunStore.getState()
    if (run.runId !== runId || !isActive(run)) return
    chatRunStore.dispatch({ type: 'events', events })
    if (!isActive(chatRunStore.getState())) finishReply(docId, replyId, runId)
  })
  getConnection()
    .bridge.generate({
      runId,
      chat: { system: doc.system, messages: chatMessagesBefore(doc, replyId) },
      sampling,
      maxTokens,
      topN: chatTopN,
    })
    .catch((error: unknown) => {
      unrouteRuns([runId])
      chatRunStore.dispatch({ type: 'requestFailed', runId, error: toAppError(error) })
      finishReply(docId, replyId, runId)
    })
}

/** Writes what the run produced into its message (also a partial or failed one) and saves it. */
function finishReply(docId: string, nodeId: string, runId: string): void {
  const run = chatRunStore.getState()
  const state = chatStore.getState()
  if (run.runId !== runId || state.live?.runId !== runId) return
  const record = runRecordFrom(run, settingsStore.getState().sampling)
  const text = replyText(record.tokens, record.stopReason)
  const model = modelRef(engineStore.getState().status?.model)
  const finished = { nodeId, text, run: record, now: now(), model }
  const onScreen = state.doc.id === docId
  chatStore.dispatch({ type: 'replyEnded', ...finished })
  // If the user opened another conversation meanwhile, the reply goes into the one it belongs to.
  const left = detached.get(docId)
  detached.delete(docId)
  if (left && !onScreen)
    void saveNow(conversationReducer(left, { type: 'replyFinished', ...finished }))
}

export function sendMessage(text: string): void {
  if (text.trim() === '') return
  startReply({ type: 'sent', userId: makeRunId(), replyId: makeRunId(), text, now: now() })
}

function randomSeed(): number {
  const [value = 0] = crypto.getRandomValues(new Uint32Array(1))
  return value % (limits.seed + 1)
}

export function regenerateReply(nodeId: string): void {
  startReply({ type: 'regenerated', nodeId, replyId: makeRunId(), now: now() }, true)
}

export function editAndResend(nodeId: string, text: string): void {
  if (text.trim() === '') return
  startReply({
    type: 'edited',
    nodeId,
    userId: makeRunId(),
    replyId: makeRunId(),
    text,
    now: now(),
  })
}

export function switchBranch(nodeId: string, step: -1 | 1): void {
  chatStore.dispatch({ type: 'conversation', action: { type: 'switched', nodeId, step } })
}

export function setSystemPrompt(system: string): void {
  chatStore.dispatch({
    type: 'conversation',
    action: { type: 'systemChanged', system, now: now() },
  })
}

export function renameChat(title: string): void {
  chatStore.dispatch({ type: 'conversation', action: { type: 'renamed', title, now: now() } })
}

export function stopReply(): void {
  const run = chatRunStore.getState()
  if (!run.runId || !isActive(run) || run.stopping) return
  const { runId } = run
  chatRunStore.dispatch({ type: 'cancelRequested', runId })
  getConnection()
    .bridge.cancel({ runId })
    .catch((error: unknown) =>
      engineStore.dispatch({ type: 'errorShown', error: toAppError(error) }),
    )
}

/** The link dropped: no more events will come for the reply; keep what arrived. */
export function replyConnectionLost(): void {
  const { live } = chatStore.getState()
  const run = chatRunStore.getState()
  if (!live || run.runId !== live.runId || !isActive(run)) return
  chatRunStore.dispatch({ type: 'connectionLost' })
  finishReply(live.docId, live.nodeId, live.runId)
}

/** Shows `doc`; a reply still streaming into the conversation on screen is finished there. */
export function openChat(doc: SessionDocument): void {
  const { live, doc: current } = chatStore.getState()
  if (live && live.docId === current.id && doc.id !== current.id) detached.set(current.id, current)
  chatStore.dispatch({ type: 'opened', doc })
}

export function newChat(): void {
  openChat(blankChat())
}

/**
 * The page is going away mid-reply: keep what was written so far, as a stopped reply (saved now,
 * and kept for the next start in case the save does not leave the page in time).
 */
export function keepPartialReply(): void {
  const { live, doc } = chatStore.getState()
  const run = chatRunStore.getState()
  if (!live || live.docId !== doc.id || run.runId !== live.runId || !isActive(run)) return
  const record = {
    ...runRecordFrom(run, settingsStore.getState().sampling),
    stopReason: 'cancelled' as const,
  }
  const text = replyText(record.tokens, record.stopReason)
  const kept = conversationReducer(doc, {
    type: 'replyFinished',
    nodeId: live.nodeId,
    text,
    run: record,
    now: now(),
  })
  // Saved on the way out, and kept for the next start by `keepUnfinishedSaves`.
  autosaver.schedule(kept)
  getConnection()
    .bridge.cancel({ runId: live.runId })
    .catch(() => undefined)
}
