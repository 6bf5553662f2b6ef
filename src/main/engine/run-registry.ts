import { AppFailure } from '../../shared/errors'

interface ActiveRun {
  abort: AbortController
  done: Promise<void>
}

/** The runs in progress, so they can be refused, cancelled one by one, or all at once. */
export class RunRegistry {
  private readonly runs = new Map<string, ActiveRun>()

  /** Fails when anything runs: one job (a single run or one parallel batch) at a time. */
  ensureIdle(): void {
    if (this.runs.size > 0) {
      throw new AppFailure({
        code: 'run-busy',
        message: 'A run is already in progress.',
        hint: 'Stop it first, or wait for it to finish.',
      })
    }
  }

  /** Starts `task`; it must report its own failures, the registry only tracks it. */
  start(runId: string, task: (signal: AbortSignal) => Promise<void>): void {
    const abort = new AbortController()
    const done = task(abort.signal).finally(() => this.runs.delete(runId))
    this.runs.set(runId, { abort, done })
  }

  async cancel(runId: string): Promise<void> {
    const run = this.runs.get(runId)
    if (!run) return
    run.abort.abort()
    await run.done
  }

  async cancelAll(): Promise<void> {
    await Promise.all([...this.runs.keys()].map((runId) => this.cancel(runId)))
  }
}
