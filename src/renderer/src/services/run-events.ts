import type { RunEvent } from '../../../shared/contract'

/** Receives the events of one run, several at a time (what arrived during one frame). */
export type RunEventSink = (events: readonly RunEvent[]) => void

const sinks = new Map<string, RunEventSink>()

/**
 * Sends the events of `runId` to `sink` until the run ends or fails. Each view (Completion, Chat,
 * Compare) routes its own runs to its own store; events of runs nobody routed belong to
 * another window.
 */
export function routeRunEvents(runId: string, sink: RunEventSink): void {
  sinks.set(runId, sink)
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
  for (const [runId, list] of byRun) {
    sinks.get(runId)?.(list)
    if (list.some((e) => e.kind === 'ended' || e.kind === 'failed')) sinks.delete(runId)
  }
}
