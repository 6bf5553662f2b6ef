import type { EngineBridge } from '../../../shared/bridge'
import { createEngineBridge } from '../../../shared/bridge'
import type { AppService, RunEvent } from '../../../shared/contract'
import { AppFailure, toAppError, type AppError } from '../../../shared/errors'
import { appMethodNames } from '../../../shared/methods'
import { jsonCodec, type MessageChannelLike } from '../../../shared/rpc'
import type { RunOwner } from '../stores/engine-reducer'
import { engineStore } from '../stores/stores'
import { forgetRuns, noteRunEvents } from '../sessions/held-runs'

export type ConnectionState = 'connecting' | 'open' | 'closed'

export interface EngineLink {
  bridge: EngineBridge
  /** Calls `listener` with every change of the link to the host; returns an unsubscribe. */
  onStateChange(listener: (state: ConnectionState) => void): () => void
}

/** Receives the events of one run, several at a time (what arrived during one frame). */
export type RunEventSink = (events: readonly RunEvent[]) => void

export interface EngineConnection extends EngineLink {
  /**
   * Hands the events of `runId` to `onEvents` until the run ends or fails. While it runs, the
   * engine store knows this page keeps the engine busy (`busyReason`), so the other views wait.
   * Events of runs nobody here follows belong to another window.
   */
  followRun(runId: string, owner: RunOwner, onEvents: RunEventSink): void
  /** Forgets runs that will send no events: the engine refused them, or the call failed. */
  unfollowRuns(runIds: readonly string[]): void
}

let connection: EngineConnection | null = null

/** The one connection of this page, made on first use so that React's double effects share it. */
export function getConnection(): EngineConnection {
  connection ??= followingRuns(connectToEngine())
  return connection
}

/** A run id the engine accepts: letters, digits and dashes. */
export function makeRunId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * A streaming view renders at most this often: every render lays out, paints and composites the
 * view, and at one render a frame the demo model's ~1,000 tokens a second kept the page's main
 * thread 75–85% busy on a 2-core machine (issue 18, rows 4a and 4e). Twenty a second still reads
 * as smooth text, and a run's first token shows on the next frame.
 */
const minimumFlushSpacingMs = 50

/**
 * Delivers each followed run's events to its caller at most once a frame and once every
 * minimumFlushSpacingMs: however the batches arrive, a view renders and lays out once for all of
 * them. They are applied in a task of their own right after the frame (a message posted from its
 * animation-frame callback), not inside it: React's render and the browser's layout and paint are
 * then two tasks of ~15 ms with room for input between them, rather than one of ~35 ms.
 */
function followingRuns(link: EngineLink): EngineConnection {
  const sinks = new Map<string, RunEventSink>()
  const unfollowRuns = (runIds: readonly string[]) => {
    for (const runId of runIds) sinks.delete(runId)
    forgetRuns(runIds)
    engineStore.dispatch({ type: 'runsUnrouted', runIds })
  }
  const pending: RunEvent[] = []
  let frame = 0
  let spacing: ReturnType<typeof setTimeout> | null = null
  let fallback: ReturnType<typeof setTimeout> | null = null
  let lastFlushAt = -Infinity
  const afterFrame = new MessageChannel()
  const flush = () => {
    cancelAnimationFrame(frame)
    if (spacing) clearTimeout(spacing)
    if (fallback) clearTimeout(fallback)
    frame = 0
    spacing = null
    fallback = null
    lastFlushAt = performance.now()
    const byRun = new Map<string, RunEvent[]>()
    for (const event of pending.splice(0)) {
      const list = byRun.get(event.runId)
      if (list) list.push(event)
      else byRun.set(event.runId, [event])
    }
    const finished: string[] = []
    for (const [runId, events] of byRun) {
      const sink = sinks.get(runId)
      if (sink) {
        noteRunEvents(runId, events)
        sink(events)
      }
      if (events.some((e) => e.kind === 'ended' || e.kind === 'failed')) finished.push(runId)
      for (const event of events) if (event.kind === 'failed') showFailure(link, event.error)
    }
    if (finished.length > 0) unfollowRuns(finished)
  }
  afterFrame.port1.onmessage = flush
  link.bridge.subscribe({
    onRunEvent: (event) => {
      if (!sinks.has(event.runId)) {
        engineStore.dispatch({ type: 'otherRunEvent', event })
        return
      }
      pending.push(event)
      if (frame === 0 && spacing === null) {
        const wait = lastFlushAt + minimumFlushSpacingMs - performance.now()
        const onFrame = () => afterFrame.port2.postMessage(null)
        if (wait <= 0) frame = requestAnimationFrame(onFrame)
        else
          spacing = setTimeout(() => {
            spacing = null
            frame = requestAnimationFrame(onFrame)
          }, wait)
      }
      // A hidden page gets no animation frames; it still has to reach `ended`.
      fallback ??= setTimeout(flush, 250)
    },
  })
  // The link dropped: the views give up on their runs, and whatever still arrives for them after
  // a reconnect is another run to this page (it may keep the engine busy for a while).
  link.onStateChange((state) => {
    if (state !== 'closed') return
    flush()
    unfollowRuns([...sinks.keys()])
  })
  return {
    ...link,
    followRun(runId, owner, onEvents) {
      sinks.set(runId, onEvents)
      engineStore.dispatch({ type: 'runsRouted', runIds: [runId], owner })
    },
    unfollowRuns,
  }
}

function showFailure(link: EngineLink, error: AppError): void {
  if (error.code !== 'engine-crashed') {
    engineStore.dispatch({ type: 'errorShown', error })
    return
  }
  engineStore.dispatch({ type: 'runCrashed' })
  link.bridge
    .getStatus()
    .then((status) => engineStore.dispatch({ type: 'status', status }))
    .catch(() => {
      // The link dropped again; useEngineSync asks once more when it opens.
    })
}

/** The desktop preload bridge when present, otherwise a WebSocket to the `serve` host. */
export function connectToEngine(): EngineLink {
  if (window.tokenscope) {
    const bridge = fromContextBridge(window.tokenscope)
    return { bridge, onStateChange: (listener) => (listener('open'), () => undefined) }
  }
  return connectOverWebSocket()
}

/** The preload rejects with plain AppErrors (the context bridge strips Errors to their message). */
function fromContextBridge(exposed: EngineBridge): EngineBridge {
  const methods = Object.fromEntries(
    appMethodNames.map((name) => [
      name,
      (...args: unknown[]) =>
        (exposed[name] as (...a: unknown[]) => Promise<unknown>)(...args).catch(
          (error: unknown) => {
            throw new AppFailure(toAppError(error))
          },
        ),
    ]),
  ) as unknown as AppService
  return { ...methods, subscribe: exposed.subscribe }
}

function connectOverWebSocket(): EngineLink {
  // The host takes the key out of the address at once; the page's cookie lets the socket in.
  const token = new URLSearchParams(window.location.search).get('token')
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`
  const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/rpc${query}`
  const stateListeners = new Set<(state: ConnectionState) => void>()
  const messageListeners = new Set<(message: unknown) => void>()
  const closeListeners = new Set<() => void>()
  const outbox: string[] = []
  let socket: WebSocket
  let state: ConnectionState = 'connecting'
  let retryMs = 250

  const setState = (next: ConnectionState) => {
    state = next
    stateListeners.forEach((l) => l(next))
  }
  const open = () => {
    socket = new WebSocket(url)
    socket.onopen = () => {
      retryMs = 250
      setState('open')
      outbox.splice(0).forEach((m) => socket.send(m))
    }
    socket.onmessage = (event) => messageListeners.forEach((l) => l(event.data))
    socket.onclose = () => {
      // The host never answers what it was asked before the drop: those calls fail now (a
      // request still waiting in the outbox too, so it cannot run after its caller gave up).
      outbox.length = 0
      closeListeners.forEach((l) => l())
      setState('closed')
      // The host may be restarting; keep trying with a gentle back-off.
      setTimeout(open, retryMs)
      retryMs = Math.min(retryMs * 2, 4000)
    }
  }
  const channel: MessageChannelLike = {
    post: (message) => {
      const text = message as string
      if (state === 'open' && socket.readyState === WebSocket.OPEN) socket.send(text)
      else outbox.push(text)
    },
    on: (listener) => messageListeners.add(listener),
    off: (listener) => messageListeners.delete(listener),
    onClose: (listener) => closeListeners.add(listener),
  }
  const bridge = createEngineBridge(channel, jsonCodec)
  open()
  return {
    bridge,
    onStateChange(listener) {
      stateListeners.add(listener)
      listener(state)
      return () => stateListeners.delete(listener)
    },
  }
}
