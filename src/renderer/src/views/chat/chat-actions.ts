import type { GeneratedToken, TokenCandidate } from '../../../../shared/contract'
import { toAppError } from '../../../../shared/errors'
import type { SessionIntent } from '../../../../shared/session-intents'
import type { SessionDocument } from '../../../../shared/sessions'
import { getConnection, makeRunId } from '../../services/engine-connection'
import { chatMessagesBefore, siblingsOf } from '../../sessions/conversation'
import { ensureOnHost, isOnHost, sendIntents } from '../../sessions/host-sessions'
import { rememberOpen } from '../../sessions/open-sessions'
import { modelRef, replyText, runRecordFrom } from '../../sessions/records'
import { forcedToken } from '../../stores/branch-paths'
import { busyReason, notReadyReasonFor } from '../../stores/engine-reducer'
import { remoteEngineStore, remoteHostLabel } from '../../stores/remote-engine'
import { isActive } from '../../stores/run-reducer'
import { engineStore, samplingForRun, settingsStore } from '../../stores/stores'
import { blankChat, chatRunStore, chatStore, chatTopN } from './chat-store'
import { versionWith } from './reply-versions'
import { isHeld, loadHeld } from '../../sessions/held-candidates'

const now = () => new Date().toISOString()

export function canSend(): boolean {
  const engine = engineStore.getState()
  const remote = remoteEngineStore.getState().choice !== null
  return (
    notReadyReasonFor(engine, remote) === null &&
    busyReason(engine, 'chat') === null &&
    !chatStore.getState().live
  )
}

/** The session's record of the engine: the local model, or the remote one and where it runs. */
function currentModelRef(): SessionDocument['model'] {
  const remote = remoteEngineStore.getState().choice
  if (!remote) return modelRef(engineStore.getState().status?.model)
  return {
    name: `${remote.model} (remote, ${remoteHostLabel(remote.url)})`,
    fileName: remote.model,
    sha256: null,
  }
}

/** The intents that start a reply: a message sent, a reply regenerated, a message edited. */
type ReplyIntent = Extract<SessionIntent, { replyId: string }>

/** Applies a conversation change that starts a reply, then asks the engine for that reply. */
function startReply(action: ReplyIntent, prefix: GeneratedToken[] = []): void {
  if (!canSend()) return
  flushSystemPrompt()
  const { maxTokens, stop = [] } = settingsStore.getState()
  const sampling = samplingForRun()
  const runId = makeRunId()
  const before = chatStore.getState().doc
  const docSettings = { sampling, maxTokens, topN: chatTopN }
  const model = currentModelRef()
  const remote = remoteEngineStore.getState().choice
  chatStore.dispatch({ type: 'conversation', action, runId, settings: docSettings, model })
  const { doc, live } = chatStore.getState()
  if (live?.runId !== runId) return
  const replyId = action.replyId
  const docId = doc.id
  // The host writes the reply into the node as the engine produces it (`record` below).
  if (!isOnHost(docId)) rememberOpen('chat', docId)
  sendIntents(docId, [
    ...ensureOnHost(before),
    { type: 'settingsChanged', settings: docSettings, model },
    action,
  ])
  chatRunStore.dispatch({ type: 'requested', runId, promptText: '', sampling, maxTokens, prefix })
  getConnection().followRun(runId, 'chat', (events) => {
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
    if (!isActive(chatRunStore.getState())) finishReply(replyId, runId)
  })
  getConnection()
    .bridge.generate({
      runId,
      chat: { system: doc.system, messages: chatMessagesBefore(doc, replyId) },
      sampling,
      maxTokens,
      stop,
      topN: chatTopN,
      forcedTokens: prefix.map((t) => t.id),
      record: { sessionId: docId, target: { nodeId: replyId } },
      ...(remote && { remote: { endpointId: remote.endpointId, model: remote.model } }),
    })
    .catch((error: unknown) => {
      getConnection().unfollowRuns([runId])
      chatRunStore.dispatch({ type: 'requestFailed', runId, error: toAppError(error) })
      finishReply(replyId, runId)
    })
}

/**
 * Writes what the run produced into the message on screen (also a partial or failed one). The
 * host has recorded the same tokens into the saved session as they came.
 */
function finishReply(nodeId: string, runId: string): void {
  const run = chatRunStore.getState()
  const state = chatStore.getState()
  if (run.runId !== runId || state.live?.runId !== runId) return
  const record = runRecordFrom(run, settingsStore.getState().sampling)
  const text = replyText(record.tokens, record.stopReason)
  const model = currentModelRef()
  chatStore.dispatch({ type: 'replyEnded', nodeId, text, run: record, now: now(), model })
}

export function sendMessage(text: string): void {
  if (text.trim() === '') return
  startReply({ type: 'sent', userId: makeRunId(), replyId: makeRunId(), text, now: now() })
}

export function regenerateReply(nodeId: string): void {
  startReply({ type: 'regenerated', nodeId, replyId: makeRunId(), now: now() })
}

/**
 * Branching in Chat: a new version of reply `nodeId` that keeps its first `index` tokens, takes
 * `alternative` at `index` and continues from there (the engine reuses the cached prefix). A
 * version that already goes on with that alternative there is shown instead of made again.
 */
export function branchReply(
  nodeId: string,
  index: number,
  alternative: TokenCandidate,
  heldRead = false,
): void {
  const { doc } = chatStore.getState()
  const tokens = doc.nodes.find((n) => n.id === nodeId)?.run?.tokens
  const step = tokens?.[index]
  // A remote engine's reply has no prompt cache to branch from (the inspector says so).
  if (!tokens || !step || step.reported || step.id === alternative.id) return
  // The new version's first token keeps the step's Lab candidates: read them first if held.
  if (isHeld(step) && !heldRead) {
    const again = () => branchReply(nodeId, index, alternative, true)
    loadHeld([step]).then(again, again)
    return
  }
  const existing = versionWith(doc, nodeId, index, alternative.id)
  if (existing) {
    showVersion(nodeId, existing.id)
    return
  }
  const first = forcedToken(step, alternative)
  const prefix = [...tokens.slice(0, index), first]
  const action = { type: 'regenerated' as const, nodeId, replyId: makeRunId(), now: now() }
  startReply({ ...action, prefix: { count: index, first } }, prefix)
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

/** Applies a change that starts no reply, and tells the host once it has the conversation. */
function change(action: Extract<SessionIntent, { type: 'switched' | 'renamed' }>): void {
  const before = chatStore.getState().doc
  chatStore.dispatch({ type: 'conversation', action })
  if (chatStore.getState().doc !== before && isOnHost(before.id)) sendIntents(before.id, [action])
}

export function switchBranch(nodeId: string, step: -1 | 1): void {
  change({ type: 'switched', nodeId, step })
}

/** Shows version `targetId` of message `nodeId`, one ‹ › step at a time as the host keeps them. */
function showVersion(nodeId: string, targetId: string): void {
  if (chatStore.getState().live) return
  const versions = siblingsOf(chatStore.getState().doc, nodeId)
  const from = versions.findIndex((n) => n.id === nodeId)
  const to = versions.findIndex((n) => n.id === targetId)
  if (from < 0 || to < 0) return
  const step = to > from ? 1 : -1
  for (let at = from; at !== to; at += step) {
    const id = versions[at]?.id
    if (id) change({ type: 'switched', nodeId: id, step })
  }
}

let systemTimer: ReturnType<typeof setTimeout> | null = null

/** Typing in the system prompt: shown at once, sent to the host after a quiet moment. */
export function setSystemPrompt(system: string): void {
  const before = chatStore.getState().doc
  chatStore.dispatch({
    type: 'conversation',
    action: { type: 'systemChanged', system, now: now() },
  })
  if (!isOnHost(before.id) || chatStore.getState().doc === before) return
  if (systemTimer) clearTimeout(systemTimer)
  systemTimer = setTimeout(() => flushSystemPrompt(before.id), 400)
}

/** Sends a system prompt still waiting for its quiet moment (before a reply, or leaving). */
export function flushSystemPrompt(id = chatStore.getState().doc.id): void {
  if (!systemTimer) return
  clearTimeout(systemTimer)
  systemTimer = null
  const { doc } = chatStore.getState()
  if (doc.id === id) sendIntents(id, [{ type: 'systemChanged', system: doc.system, now: now() }])
}

export function renameChat(title: string): void {
  change({ type: 'renamed', title, now: now() })
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
  finishReply(live.nodeId, live.runId)
}

/** Shows `doc`; a reply still streaming elsewhere goes on being recorded by the host. */
export function openChat(doc: SessionDocument): void {
  flushSystemPrompt()
  chatStore.dispatch({ type: 'opened', doc })
}

export function newChat(): void {
  openChat(blankChat())
}
