import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { RunEvent } from '../../src/shared/contract'
import type { EngineStatus } from '../../src/shared/engine-status'
import { EngineSupervisor } from '../../src/main/host/engine-supervisor'
import { nodeEngineLauncher } from '../../src/main/host/node-engine-launcher'
import { defaultSampling, type GenerateRequest } from '../../src/shared/schemas'
import { tellEngineBinary } from './engine-llama'

export const repoRoot = join(import.meta.dirname, '../..')
export const demoModelPath = join(repoRoot, 'resources/models/tokenscope-demo.gguf')
const enginePath = join(repoRoot, 'out/main/engine.js')

/** The real engine process under the real supervisor, with every event it sends recorded. */
export class EngineHarness {
  readonly events: RunEvent[] = []
  readonly statuses: EngineStatus[] = []
  readonly supervisor: EngineSupervisor
  private runCounter = 0
  private readonly watchers = new Set<() => void>()

  constructor() {
    if (!existsSync(enginePath))
      throw new Error('out/main/engine.js is missing: run `npm run build` first')
    this.supervisor = new EngineSupervisor(
      nodeEngineLauncher(enginePath, () => undefined),
      {
        onRunEvent: (event) => {
          this.events.push(event)
          this.watchers.forEach((watch) => watch())
        },
        onStatus: (status) => {
          tellEngineBinary(status.engineBinary)
          this.statuses.push(status)
          this.watchers.forEach((watch) => watch())
        },
        onDownload: () => undefined,
      },
    )
    this.supervisor.start()
  }

  get engine() {
    return this.supervisor.service
  }

  request(change: Partial<GenerateRequest> = {}): GenerateRequest {
    const input = change.chat ? {} : { prompt: 'A token is' }
    return {
      runId: `run-${++this.runCounter}`,
      ...input,
      sampling: defaultSampling,
      maxTokens: 16,
      topN: 10,
      ...change,
    }
  }

  eventsOf(runId: string): RunEvent[] {
    return this.events.filter((event) => event.runId === runId)
  }

  /** Resolves with `check`'s first non-null answer, checked now and on every event or status. */
  until<T>(check: () => T | null, what: string, timeoutMs = 60_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer)
        this.watchers.delete(watch)
      }
      const watch = () => {
        const result = check()
        if (result === null) return
        done()
        resolve(result)
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`${what} did not happen within ${timeoutMs} ms`))
      }, timeoutMs)
      this.watchers.add(watch)
      watch()
    })
  }

  /** Resolves with the run's events once it has ended or failed. */
  waitForEnd(runId: string, timeoutMs = 60_000): Promise<RunEvent[]> {
    return this.until(
      () => {
        const events = this.eventsOf(runId)
        return events.some((e) => e.kind === 'ended' || e.kind === 'failed') ? events : null
      },
      `the end of run ${runId}`,
      timeoutMs,
    )
  }

  async generate(change: Partial<GenerateRequest> = {}) {
    const request = this.request(change)
    await this.engine.generate(request)
    const events = await this.waitForEnd(request.runId)
    return summarize(events)
  }

  waitForStatus(check: (status: EngineStatus) => boolean, timeoutMs = 30_000) {
    return this.until(
      () => {
        const latest = this.statuses[this.statuses.length - 1]
        return latest && check(latest) ? latest : null
      },
      'the expected engine status',
      timeoutMs,
    )
  }

  stop() {
    this.supervisor.stop()
  }
}

export function summarize(events: RunEvent[]) {
  const started = events.find((e) => e.kind === 'started')
  const tokens = events.flatMap((e) => (e.kind === 'tokens' ? e.tokens : []))
  const last = events[events.length - 1]
  return {
    started: started?.kind === 'started' ? started : null,
    tokens,
    text: tokens.map((t) => t.text).join(''),
    ended: last?.kind === 'ended' ? last : null,
    failed: last?.kind === 'failed' ? last : null,
    batches: events.filter((e) => e.kind === 'tokens').length,
  }
}
