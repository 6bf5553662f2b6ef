import type { RunEvent } from '../../../shared/contract'
import type { RunOwner } from '../stores/engine-reducer'
import { engineStore } from '../stores/stores'

/** Receives the events of one run, several at a time (what arrived during one frame). */
export type RunEventSink = (events: readonly RunEvent[]) => void

const sinks = new Map<string, RunEventSink>()

/**
 * Sends the events of `runId` to `sink` until the run ends or fails. Each view (Completion, Chat,
 * Compare) routes its own runs to its own store; events of runs nobody routed belong to
 * another window. While a run is routed, the engine store knows this page keeps the engine busy
 * (`busyReason`), so the other views wait for it.
 */
export function routeRunEvents(runId: string, owner: RunOwner, sink: RunEventSink): void {
  sinks.set(runId, sink)
  engineStore.dispatch({ type: 'runsRouted', runIds: [runId], owner })
}

/** Forgets runs that will send no events: the engine refused them, or the call failed. */
export function unrouteRuns(runIds: readonly string[]): void {
  for (const runId of runIds) sinks.delete(runId)
  engineStore.dispatch({ type: 'runsUnrouted', runIds })
}

/**
 * The link dropped: the views give up on their runs, and whatever still arrives for them after
 * a reconnect is another run to this page (it may keep the engine busy for a while).
 */
export function unrouteAllRuns(): void {
  unrouteRuns([...sinks.keys()])
}

export function isRouted(runId: string): boolean {
  return sinks.has(runId)
}

/** Delivers a frame's worth of events, grouped by run, and forgets runs that finished. */
export function deliverRunEvents(events: readonly RunEvent[]): void {
  const byRun = new Map<string, RunEvent[]>()
  for (const event of events) {
    const list = byRun.get(event.runId) ?? []
    list.push(event)
    byRun.set(event.runId, list)
  }
  const finished: string[] = []
  for (const [runId, list] of byRun) {
    sinks.get(runId)?.(list)
    if (list.some((e) => e.kind === 'ended' || e.kind === 'failed')) {
      sinks.delete(runId)
      finished.push(runId)
    }
  }
  if (finished.length > 0) engineStore.dispatch({ type: 'runsUnrouted', runIds: finished })
}
