import type { AppService, RunEvent } from '../../shared/contract'
import { storableToken } from '../../shared/conversation'
import { AppFailure, toAppError } from '../../shared/errors'
import { describeIssues, type SamplingSettings } from '../../shared/schemas'
import {
  runRecordingSchema,
  type RunTarget,
  type SessionIntent,
} from '../../shared/session-intents'
import type { SessionStore } from './session-store'

interface Recording {
  sessionId: string
  target: RunTarget
  /** The request's settings: a run that fails before it starts is recorded with them. */
  sampling: SamplingSettings
}

/**
 * Records runs into sessions as their events pass through the host: a generate request that
 * carries `record` says where, and the run's `started`, `tokens` and `ended`/`failed` events
 * become `runStarted`, `tokensAdded` and `runEnded` intents of that session. Nothing depends on
 * the page staying open.
 *
 * A Completion branch's forced tokens are not added again: the kept path is its parent's (the
 * node keeps only its own tokens), and the `nodeAdded` intent put the picked alternative in its run.
 */
export function createRunRecorder(
  store: Pick<SessionStore, 'record'>,
  log: (line: string) => void,
) {
  const runs = new Map<string, Recording>()

  function send(runId: string, recording: Recording, intents: SessionIntent[]) {
    store.record(recording.sessionId, intents).catch((error: unknown) => {
      // Refused (the session was deleted, say): stop recording this run.
      if (runs.get(runId) === recording) runs.delete(runId)
      log(`not recording run ${runId}: ${toAppError(error).message}`)
    })
  }

  function end(runId: string, intent: (r: Recording) => SessionIntent) {
    const recording = runs.get(runId)
    if (!recording) return
    runs.delete(runId)
    send(runId, recording, [intent(recording)])
  }

  const failedBeforeStart = (r: Recording): SessionIntent => ({
    type: 'runEnded',
    target: r.target,
    stopReason: 'failed',
    tokensPerSecond: null,
    timeToFirstTokenMs: null,
    sampling: r.sampling,
  })

  /** Remembers where a run goes; throws 'invalid-request' if `record` is malformed. */
  function remember(run: unknown, field: string): string | null {
    const { runId, record, sampling } = (run ?? {}) as {
      runId?: unknown
      record?: unknown
      sampling?: unknown
    }
    if (record === undefined || typeof runId !== 'string') return null
    const parsed = runRecordingSchema.safeParse(record)
    if (!parsed.success) {
      throw new AppFailure({
        code: 'invalid-request',
        message: `Invalid request: ${describeIssues(parsed.error).replace(/^/, `${field}.`)}`,
      })
    }
    runs.set(runId, { ...parsed.data, sampling: sampling as SamplingSettings })
    return runId
  }

  return {
    /** Call with every run event, before or after the clients get it. */
    onRunEvent(event: RunEvent) {
      const recording = runs.get(event.runId)
      if (!recording) return
      switch (event.kind) {
        case 'started':
          send(event.runId, recording, [
            {
              type: 'runStarted',
              target: recording.target,
              prompt: event.prompt,
              sampling: event.sampling,
            },
          ])
          return
        case 'tokens':
          send(event.runId, recording, [
            {
              type: 'tokensAdded',
              target: recording.target,
              tokens: event.tokens.map(storableToken),
            },
          ])
          return
        case 'ended':
          end(event.runId, (r) => ({
            type: 'runEnded',
            target: r.target,
            stopReason: event.reason,
            tokensPerSecond: event.stats.tokensPerSecond,
            timeToFirstTokenMs: event.stats.timeToFirstTokenMs,
          }))
          return
        case 'failed':
          end(event.runId, failedBeforeStart)
          return
      }
    },

    /** Whether run `runId`'s events are being recorded into a session. */
    isRecording: (runId: string) => runs.has(runId),

    /** `service` with generate and generateMany remembering where their runs are recorded. */
    wrap(service: AppService): AppService {
      return {
        ...service,
        generate: async (request) => {
          const runId = remember(request, 'record')
          try {
            await service.generate(request)
          } catch (error) {
            if (runId) end(runId, failedBeforeStart)
            throw error
          }
        },
        generateMany: async (request) => {
          const list: unknown[] = Array.isArray(request?.runs) ? request.runs : []
          const runIds: string[] = []
          try {
            list.forEach((run, i) => {
              const runId = remember(run, `runs.${i}.record`)
              if (runId) runIds.push(runId)
            })
            await service.generateMany(request)
          } catch (error) {
            for (const runId of runIds) end(runId, failedBeforeStart)
            throw error
          }
        },
      }
    },

    /** Runs being recorded now. */
    recording: () => runs.size,
  }
}

export type RunRecorder = ReturnType<typeof createRunRecorder>
