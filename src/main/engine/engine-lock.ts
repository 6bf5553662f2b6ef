import type { RunEvent } from '../../shared/contract'
import { AppFailure } from '../../shared/errors'

type Emit = (event: RunEvent) => void
type SwitchKind = 'load' | 'unload'

/** What a job's body gets: each run's stop signal, and the event sink to report through. */
export interface JobContext {
  signal(runId: string): AbortSignal
  emit: Emit
}

interface RunSlot {
  abort: AbortController
  /** Resolves when the run's end event has been reported (or held back). */
  ended: Promise<void>
  done: boolean
  markEnded(): void
}

interface Job {
  label: string
  runs: Map<string, RunSlot>
  done: Promise<void>
}

/**
 * The engine's one state machine; every call that touches the model or its contexts goes through
 * it. The rules:
 *
 * - One job at a time: a single run or one Compare batch. A job is claimed in one synchronous
 *   step, so of two requests that arrive together (from one client or two) exactly one starts and
 *   the other is refused with 'run-busy', naming what is running. Runs are refused rather than
 *   queued: a queued run would start long after its click, on whatever the engine holds by then.
 *   Only a job that was told to stop is waited for (`afterStopping`): it ends within a step.
 * - A model switch (load or unload) queues behind earlier switches. From the moment it is asked
 *   for, new runs are refused ('a model is loading'): a run started then would be built for the
 *   model that is about to go. The switch first runs its check (a load that is refused leaves the
 *   current run alone), then stops the job and waits until it has really ended, its batch context
 *   freed, and only then changes the model.
 * - A job's last end event is held back until the job has released the engine, so a client that
 *   sees its run end can start the next one at once.
 * - Work that is not a run (computing embeddings) takes the engine the same way, as a job with no
 *   runs (`exclusive`): refused while the engine is taken, and a switch waits for it to finish.
 * - Tokenize waits until no switch is pending, then runs synchronously on the model of that
 *   moment: never on one being disposed. It does not wait for runs (it only reads the vocabulary).
 */
export class EngineLock {
  private job: Job | null = null
  private pendingSwitches = 0
  private latestSwitch: SwitchKind = 'load'
  private switchQueue: Promise<unknown> = Promise.resolve()

  /**
   * Waits (at most `limitMs`) for a job whose every run was told to stop, so that "stop, then
   * start again at once" (a client that drops a stream and sends the next request, or Stop and
   * Regenerate) starts the new run instead of being refused while the old one reaches its next
   * step. A job that is still running is not waited for: `ensureFree` refuses it as before.
   * Null when there is nothing to wait for: the caller then claims the engine without an await,
   * in the same synchronous step as before (a load asked for right after keeps its turn).
   */
  afterStopping(limitMs = 5000): Promise<void> | null {
    const job = this.job
    if (!job || job.runs.size === 0) return null
    if (![...job.runs.values()].every((slot) => slot.abort.signal.aborted || slot.done)) return null
    let timer: ReturnType<typeof setTimeout> | undefined
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)))
    return Promise.race([job.done, limit]).finally(() => clearTimeout(timer))
  }

  /** Throws 'run-busy' unless a job could start now. */
  ensureFree(): void {
    if (this.pendingSwitches > 0) {
      throw new AppFailure(
        this.latestSwitch === 'load'
          ? {
              code: 'run-busy',
              message: 'A model is loading.',
              hint: 'Start the run once it has loaded.',
            }
          : {
              code: 'run-busy',
              message: 'The model is being unloaded.',
              hint: 'Load a model, then start the run.',
            },
      )
    }
    if (this.job) {
      throw new AppFailure({
        code: 'run-busy',
        message: `Another run is in progress (${this.job.label}).`,
        hint: 'Stop it or wait for it to finish.',
      })
    }
  }

  /**
   * Claims the engine for `body`, which must report its runs' failures as events itself. Throws
   * at once when the engine is taken; the job holds it until `body` settles.
   */
  startJob(label: string, runIds: string[], emit: Emit, body: (job: JobContext) => Promise<void>) {
    this.ensureFree()
    const runs = new Map(runIds.map((runId) => [runId, runSlot()]))
    const held: RunEvent[] = []
    const context: JobContext = {
      signal: (runId) => runs.get(runId)?.abort.signal ?? AbortSignal.abort(),
      emit: (event) => {
        const slot =
          event.kind === 'ended' || event.kind === 'failed' ? runs.get(event.runId) : null
        if (!slot) return emit(event)
        slot.markEnded()
        const othersOpen = [...runs.values()].some((other) => !other.done)
        if (othersOpen) emit(event)
        else held.push(event)
      },
    }
    const job: Job = { label, runs, done: Promise.resolve() }
    this.job = job
    job.done = (async () => body(context))()
      .catch(() => undefined)
      .finally(() => {
        this.job = null
        runs.forEach((slot) => slot.markEnded())
        held.forEach(emit)
      })
  }

  /**
   * Runs `task` as a job without runs of its own (nothing to cancel): refused like a run while the
   * engine is taken, and a model switch waits for it. Resolves once the engine is free again.
   */
  async exclusive<T>(label: string, task: () => Promise<T>): Promise<T> {
    let outcome = { error: new Error(`${label} did not run`) } as { value: T } | { error: unknown }
    this.startJob(
      label,
      [],
      () => undefined,
      async () => {
        outcome = await task().then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        )
      },
    )
    await this.job?.done
    if ('error' in outcome) throw outcome.error
    return outcome.value
  }

  /** Stops one run; resolves once it has ended. Unknown or finished runs are a no-op. */
  async cancel(runId: string): Promise<void> {
    const slot = this.job?.runs.get(runId)
    if (!slot) return
    slot.abort.abort()
    await slot.ended
  }

  /**
   * Replaces or removes the model: waits for earlier switches, runs `check` while the current job
   * goes on, then stops the job, waits for it to end, and runs `change`.
   */
  async switchModel<T>(
    kind: SwitchKind,
    check: () => Promise<void>,
    change: () => Promise<T>,
  ): Promise<T> {
    this.pendingSwitches++
    this.latestSwitch = kind
    const turn = this.switchQueue.then(async () => {
      await check()
      await this.stopJob()
      return change()
    })
    this.switchQueue = turn.catch(() => undefined)
    try {
      return await turn
    } finally {
      this.pendingSwitches--
    }
  }

  /** Runs `task` once no switch is queued or in progress. */
  async afterSwitches<T>(task: () => T): Promise<T> {
    while (this.pendingSwitches > 0) await this.switchQueue
    return task()
  }

  private async stopJob(): Promise<void> {
    const job = this.job
    if (!job) return
    job.runs.forEach((slot) => slot.abort.abort())
    await job.done
  }
}

function runSlot(): RunSlot {
  let resolve = () => {}
  const ended = new Promise<void>((r) => (resolve = r))
  const slot: RunSlot = {
    abort: new AbortController(),
    ended,
    done: false,
    markEnded() {
      slot.done = true
      resolve()
    },
  }
  return slot
}
