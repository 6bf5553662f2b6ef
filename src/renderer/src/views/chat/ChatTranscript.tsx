import { useCallback, useEffect, useRef, useState } from 'react'
import { contextIdsBefore } from '../../lib/context-ids'
import type { GeneratedToken } from '../../../../shared/contract'
import type { ChainSettings } from '../../../../shared/lab'
import { defaultSampling } from '../../../../shared/schemas'
import { TokenDetails } from '../../components/TokenDetails'
import { chatEntropySaver } from '../../sessions/entropy-saves'
import { tokenAfterKey } from '../../lib/token-keys'
import { DockedInspector } from '../../inspector/InspectorDock'
import { TokenInspector } from '../../inspector/TokenInspector'
import { usePickKeys } from '../../inspector/usePickKeys'
import { useStickToBottom } from '../../hooks/useStickToBottom'
import { useStore } from '../../hooks/useStore'
import { chatNodesBefore, siblingsOf, visibleMessages } from '../../sessions/conversation'
import { generatedTokenAt } from '../../stores/run-reducer'
import {
  branchReply,
  editAndResend,
  regenerateReply,
  stopReply,
  switchBranch,
} from './chat-actions'
import { droppedNotice } from './chat-gauge'
import { versionIdsAt } from './reply-versions'
import { isLive } from './chat-reducer'
import { chatRunStore, chatStore } from './chat-store'
import { AssistantMessage } from './AssistantMessage'
import { UserMessage } from './UserMessage'
import { useDrawnMessages } from './useDrawnMessages'

interface Selection {
  nodeId: string
  index: number
}

const same = (a: Selection | null, b: Selection | null) =>
  a?.nodeId === b?.nodeId && a?.index === b?.index

/** The conversation on screen, and the details of the token under the pointer. */
export function ChatTranscript() {
  const chat = useStore(chatStore, (s) => s)
  const run = useStore(chatRunStore, (s) => s)
  const [hovered, setHovered] = useState<Selection | null>(null)
  const [pinned, setPinned] = useState<Selection | null>(null)
  const boxRef = useRef<HTMLDivElement>(null)
  const listRef = useRef<HTMLOListElement>(null)
  // Keep the newest words in view while the reader is at the bottom.
  const stick = useStickToBottom(boxRef, listRef, 48)
  const { follow } = stick
  const messages = visibleMessages(chat.doc)
  const drawnMessages = useDrawnMessages(messages, chat.doc.id)
  const busy = chat.live !== null

  const leaveTimer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const onHover = useCallback((nodeId: string, index: number | null) => {
    if (leaveTimer.current) clearTimeout(leaveTimer.current)
    leaveTimer.current = null
    if (index !== null)
      setHovered((current) => (same(current, { nodeId, index }) ? current : { nodeId, index }))
    else leaveTimer.current = setTimeout(() => setHovered(null), 120)
  }, [])
  const onPick = useCallback((nodeId: string, index: number) => {
    setPinned((current) => (same(current, { nodeId, index }) ? null : { nodeId, index }))
  }, [])
  const onSwitch = useCallback((nodeId: string, step: -1 | 1) => {
    setPinned(null)
    switchBranch(nodeId, step)
  }, [])
  const [labSettings, setLabSettings] = useState<ChainSettings | null>(null)
  const onRegenerate = useCallback(
    (nodeId: string) => {
      setPinned(null)
      follow()
      regenerateReply(nodeId)
    },
    [follow],
  )

  const picked = pinned !== null
  useEffect(() => {
    if (!picked) return
    const onPointerDown = (event: PointerEvent) => {
      if (event.target instanceof Element && !event.target.closest(keepsThePick)) setPinned(null)
    }
    document.addEventListener('pointerdown', onPointerDown)
    return () => document.removeEventListener('pointerdown', onPointerDown)
  }, [picked])
  useEffect(
    () => () => {
      if (leaveTimer.current) clearTimeout(leaveTimer.current)
    },
    [],
  )

  // The oldest turns the engine left out of the latest reply: still here, but dimmed.
  const latest = [...messages].reverse().find((n) => n.role === 'assistant')
  const droppedCount = latest ? (chat.parts[latest.id]?.droppedMessages ?? 0) : 0
  const dropped = new Set(
    latest && droppedCount > 0
      ? chatNodesBefore(chat.doc, latest.id)
          .slice(0, droppedCount)
          .map((n) => n.id)
      : [],
  )

  const shown = pinned ?? hovered
  const shownNode = shown ? messages.find((n) => n.id === shown.nodeId) : undefined
  const shownLive = shownNode ? isLive(chat, shownNode.id) : false
  let token: GeneratedToken | undefined
  if (shown && shownNode)
    token = shownLive ? generatedTokenAt(run, shown.index) : shownNode.run?.tokens[shown.index]
  const shownCount = shownLive ? run.tokenCount : (shownNode?.run?.tokens.length ?? 0)
  const shownSampling = (shownLive ? run.sampling : shownNode?.run?.sampling) ?? null
  const move = (to: (index: number, count: number) => number) =>
    setPinned((current) =>
      current
        ? {
            ...current,
            index: Math.max(0, Math.min(shownCount - 1, to(current.index, shownCount))),
          }
        : current,
    )
  usePickKeys({
    picked,
    step: (key) => move((index, count) => tokenAfterKey(key, index, 0, count - 1) ?? index),
    close: () => {
      setPinned(null)
      setHovered(null)
    },
    idleEscape: stopReply,
  })
  const findAnchor = useCallback(
    () =>
      shown
        ? (boxRef.current?.querySelector(
            `[data-message-id="${shown.nodeId}"] [data-index="${shown.index}"]`,
          ) ?? null)
        : null,
    [shown],
  )

  return (
    <div
      ref={boxRef}
      data-testid="chat-transcript"
      className="min-h-0 flex-1 overflow-y-auto px-4 py-4"
      onScroll={stick.onScroll}
    >
      <ol ref={listRef} className="mx-auto flex max-w-3xl flex-col gap-4" aria-label="Conversation">
        {drawnMessages.map((node) => {
          const siblings = siblingsOf(chat.doc, node.id)
          const position = siblings.findIndex((n) => n.id === node.id) + 1
          const live = isLive(chat, node.id)
          return (
            <li
              key={node.id}
              data-dropped={dropped.has(node.id) || undefined}
              className={dropped.has(node.id) ? 'opacity-50' : undefined}
              title={
                dropped.has(node.id)
                  ? 'Left out of the latest reply: it no longer fits in the context'
                  : undefined
              }
            >
              {node.role === 'user' ? (
                <UserMessage
                  node={node}
                  position={position}
                  versions={siblings.length}
                  busy={busy}
                  onSwitch={(step) => onSwitch(node.id, step)}
                  onResend={(text) => {
                    follow()
                    editAndResend(node.id, text)
                  }}
                />
              ) : (
                <AssistantMessage
                  node={node}
                  live={live ? run : null}
                  position={position}
                  versions={siblings.length}
                  busy={busy}
                  selected={shown?.nodeId === node.id ? shown.index : null}
                  notice={droppedNotice(chat.parts[node.id]?.droppedMessages ?? 0)}
                  onHover={onHover}
                  onPick={onPick}
                  onSwitch={onSwitch}
                  onRegenerate={onRegenerate}
                />
              )}
            </li>
          )
        })}
      </ol>
      <DockedInspector index={token && pinned ? pinned.index : null}>
        {token && pinned && shownNode && (
          <TokenInspector
            token={token}
            index={pinned.index}
            count={shownCount}
            sampling={shownSampling}
            onMove={(delta) => move((index) => index + delta)}
            onClose={() => setPinned(null)}
            onPick={
              shownNode.run
                ? (candidate) => {
                    setPinned(null)
                    follow()
                    branchReply(pinned.nodeId, pinned.index, candidate)
                  }
                : undefined
            }
            pickDisabledReason={
              busy ? 'Wait for the reply to finish (or stop it) before branching.' : null
            }
            branchedIds={
              shownNode.run ? versionIdsAt(chat.doc, shownNode.id, pinned.index) : undefined
            }
            labSettings={labSettings ?? shownSampling ?? defaultSampling}
            onLabChange={setLabSettings}
            contextBefore={() =>
              contextIdsBefore(
                [shownNode.run?.prompt ?? []],
                [shownNode.run?.tokens ?? []],
                pinned.index,
              )
            }
            entropySaver={() => chatEntropySaver(shownNode.id, pinned.index)}
          />
        )}
      </DockedInspector>
      {token && shown && !pinned && (
        <TokenDetails
          token={token}
          index={shown.index}
          sampling={shownSampling}
          pinned={false}
          findAnchor={findAnchor}
          onClose={() => setPinned(null)}
          contextBefore={() =>
            contextIdsBefore(
              [shownNode?.run?.prompt ?? []],
              [shownNode?.run?.tokens ?? []],
              shown.index,
            )
          }
        />
      )}
    </div>
  )
}

/** Clicks there keep the picked token: the tokens, the inspector and its docking controls. */
const keepsThePick =
  '[data-testid="token-details"], [data-index], [data-testid="inspector-sheet"], [role="tablist"]'
