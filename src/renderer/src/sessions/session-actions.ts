import { sessionFromJson, sessionToJson, sessionToMarkdown } from '../../../shared/session-export'
import type { SessionDocument } from '../../../shared/sessions'
import { branchStore } from '../inspector/stores'
import { getConnection, makeRunId } from '../services/engine-connection'
import { isActive } from '../stores/run-status'
import { runStore } from '../stores/stores'
import { pathLength } from '../stores/tree-counts'
import { viewStore } from '../stores/view'
import { chatStore } from '../views/chat/chat-store'
import { newChat, openChat, renameChat } from '../views/chat/chat-actions'
import { compareStore } from '../views/compare/compare-actions'
import { isAnyActive } from '../views/compare/compare-state'
import { shownRecord, treeFromSession } from './branches'
import { compareStateFrom } from './compare-sessions'
import { hasContent } from './conversation'
import {
  errorText,
  loadFromHost,
  openFromHost,
  sendIntents,
  summaryOf,
  updateSession,
} from './host-sessions'
import { importUpdates } from '../../../shared/import-intents'
import { importProblem } from './import-errors'
import { readOpen, rememberOpen } from './open-sessions'
import { freeId } from './session-list'
import { compareSessionStore, completionSessionStore, sessionListStore } from './stores'

const bridge = () => getConnection().bridge
const fail = (what: string) => (error: unknown) =>
  sessionListStore.dispatch({ type: 'failed', error: `${what}: ${errorText(error)}` })

export async function refreshSessions(): Promise<void> {
  // Listing reads every file, so the problems it found are known only after it.
  const sessions = await bridge().listSessions()
  sessionListStore.dispatch({ type: 'listed', sessions })
  const problems = await bridge().storageProblems()
  if (problems.length > 0) sessionListStore.dispatch({ type: 'problems', problems })
}

/** Why a session of this kind cannot be shown now (a run of its view is going); null if it can. */
function busyFor(kind: SessionDocument['kind']): string | null {
  if (kind === 'completion' && isActive(runStore.getState()))
    return 'Stop the Completion run first, then open the session.'
  if (kind === 'compare' && isAnyActive(compareStore.getState()))
    return 'Stop the comparison first, then open the session.'
  return null
}

/** Puts a Completion session on screen: every branch, the one it was saved on shown. */
export function showCompletion(doc: SessionDocument): void {
  const prompt = doc.nodes.find((n) => n.role === 'prompt')
  const tree = treeFromSession(doc)
  const record = tree ? shownRecord(doc, tree) : null
  const shown = tree?.activeId ? tree.nodes[tree.activeId] : undefined
  if (tree && record && shown) {
    branchStore.dispatch({ type: 'loaded', tree })
    // The run store names the shown branch and how it ended; the view draws it from the tree.
    runStore.dispatch({
      type: 'restored',
      runId: shown.id,
      promptText: prompt?.text ?? '',
      maxTokens: doc.settings.maxTokens,
      outcome: {
        sampling: record.sampling,
        promptCount: tree.prompt.length,
        tokenCount: pathLength(tree, shown.id),
        stopReason: record.stopReason,
        tokensPerSecond: record.tokensPerSecond,
        timeToFirstTokenMs: record.timeToFirstTokenMs,
      },
    })
  } else {
    runStore.dispatch({ type: 'cleared' })
    branchStore.dispatch({ type: 'cleared' })
  }
  completionSessionStore.dispatch({ type: 'restored', doc, promptText: prompt?.text ?? '' })
}

function show(doc: SessionDocument): boolean {
  const busy = busyFor(doc.kind)
  if (busy) {
    sessionListStore.dispatch({ type: 'failed', error: busy })
    return false
  }
  if (doc.kind === 'chat') openChat(doc)
  else if (doc.kind === 'completion') showCompletion(doc)
  else {
    const state = compareStateFrom(doc, makeRunId)
    if (state) compareStore.dispatch({ type: 'loaded', state })
    compareSessionStore.dispatch({ type: 'saved', doc })
  }
  rememberOpen(doc.kind, doc.id)
  return true
}

/**
 * A fresh task. Even a session's outline (its alternatives come later) is one WebSocket message
 * whose parsing takes a while; drawing it (and changing the location) in that same task makes
 * one long freeze, and Chromium's hash navigation in particular is slow inside it.
 */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** Opens a saved session in its view (Chat or Completion). */
export async function openSession(id: string): Promise<void> {
  if (chatStore.getState().doc.id === id) {
    viewStore.dispatch('chat')
    window.location.hash = 'chat'
    return
  }
  try {
    const doc = await openFromHost(id)
    await nextTask()
    if (show(doc)) window.location.hash = doc.kind
  } catch (error) {
    fail('The session could not be opened')(error)
  }
}

/** Opens, after a reload, the sessions that were on screen before it. */
export async function reopenLast(): Promise<void> {
  const open = readOpen()
  const known = new Set(sessionListStore.getState().sessions.map((s) => s.id))
  for (const id of [open.chat, open.completion, open.compare]) {
    if (!id || !known.has(id)) continue
    const doc = await openFromHost(id).catch(() => null)
    await nextTask()
    if (doc && (doc.kind === 'chat' ? !hasContent(chatStore.getState().doc) : true)) show(doc)
  }
}

export function startNewChat(): void {
  newChat()
  rememberOpen('chat', null)
  window.location.hash = 'chat'
}

let undoTimer: ReturnType<typeof setTimeout> | null = null
export const undoMs = 10_000

/** Moves a session to the trash; an Undo toast brings it back for a while. */
export async function deleteSession(id: string): Promise<void> {
  try {
    await bridge().deleteSession({ id })
  } catch (error) {
    fail('The session could not be deleted')(error)
    return
  }
  sessionListStore.dispatch({ type: 'deleted', id })
  if (chatStore.getState().doc.id === id) newChat()
  if (completionSessionStore.getState().doc?.id === id)
    completionSessionStore.dispatch({ type: 'closed' })
  if (compareSessionStore.getState().doc?.id === id)
    compareSessionStore.dispatch({ type: 'closed' })
  if (undoTimer) clearTimeout(undoTimer)
  undoTimer = setTimeout(() => sessionListStore.dispatch({ type: 'undoDismissed' }), undoMs)
}

export async function undoDelete(): Promise<void> {
  const summary = sessionListStore.getState().undo
  if (!summary) return
  if (undoTimer) clearTimeout(undoTimer)
  try {
    await bridge().restoreSession({ id: summary.id })
    sessionListStore.dispatch({ type: 'restored', summary })
  } catch (error) {
    sessionListStore.dispatch({ type: 'undoDismissed' })
    fail('The session could not be restored')(error)
  }
}

export function renameSession(id: string, title: string): void {
  const clean = title.trim().slice(0, 200)
  if (chatStore.getState().doc.id === id) {
    renameChat(clean)
    return
  }
  const now = new Date().toISOString()
  sendIntents(id, [{ type: 'renamed', title: clean, now }])
  const completion = completionSessionStore.getState().doc
  if (completion?.id === id)
    completionSessionStore.dispatch({ type: 'saved', doc: { ...completion, title: clean } })
  const comparison = compareSessionStore.getState().doc
  if (comparison?.id === id)
    compareSessionStore.dispatch({ type: 'saved', doc: { ...comparison, title: clean } })
}

/** Reads an exported JSON file and saves it as a new session (fresh id when it is taken). */
export async function importSessionFile(file: File): Promise<void> {
  const text = await file.text()
  const read = sessionFromJson(text)
  if (!read.ok) {
    const problem = importProblem(file.name, text, read.message)
    sessionListStore.dispatch({ type: 'failed', error: problem.message, details: problem.details })
    return
  }
  try {
    const taken = (await bridge().listSessions()).map((s) => s.id)
    const doc = { ...read.document, id: freeId(read.document.id, taken, makeRunId) }
    // One update at a time: a long run goes in pieces, each confirmed before the next.
    for (const intents of importUpdates(doc)) await updateSession(doc.id, intents)
    sessionListStore.dispatch({ type: 'saved', summary: summaryOf(doc) })
    if (show(doc)) window.location.hash = doc.kind
  } catch (error) {
    fail('The session could not be imported')(error)
  }
}

function fileName(doc: SessionDocument, extension: string): string {
  const base = (doc.title || doc.kind)
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return `${base || 'session'}.${extension}`
}

/**
 * A download of the session as the host saved it, as JSON (everything) or Markdown (the visible
 * branch); a session the host does not have yet (a chat with no message) as it is on screen.
 */
export async function downloadSession(
  shown: SessionDocument,
  format: 'json' | 'markdown',
): Promise<void> {
  const doc = await loadFromHost(shown.id).catch(() => shown)
  const json = format === 'json'
  const blob = new Blob([json ? sessionToJson(doc) : sessionToMarkdown(doc)], {
    type: json ? 'application/json' : 'text/markdown',
  })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName(doc, json ? 'json' : 'md')
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
