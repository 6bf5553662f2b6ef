import {
  startingStatus,
  type EngineEvents,
  type RunEvent,
  type EngineService,
  type EngineStatus,
} from '../../shared/contract'
import { AppFailure, type AppError } from '../../shared/errors'
import type { LoadModelRequest } from '../../shared/schemas'
import { connectEngine, type EngineClient, type MessageChannelLike } from '../../shared/rpc'

/** A running engine process, however it was started (utilityProcess or child_process). */
export interface EngineProcess {
  channel: MessageChannelLike
  onExit(listener: (description: string) => void): void
  kill(): void
}

export type EngineLauncher = () => EngineProcess

const crashError: AppError = {
  code: 'engine-crashed',
  message: 'The engine process stopped unexpectedly.',
  hint: 'Tokenscope restarted it and reloaded your model. If it keeps happening, the model file may be damaged.',
}
const maxRestartsPerMinute = 5

/**
 * Keeps one engine process alive for the host. When it dies it tells clients (status
 * `crashed`, a `failed` event for each open run), starts a new one and reloads the last model
 * that loaded successfully. Holds no domain logic: calls are forwarded as they are.
 */
export class EngineSupervisor {
  private process: EngineProcess | null = null
  private client: EngineClient | null = null
  private readonly openRuns = new Set<string>()
  private lastGoodLoad: LoadModelRequest | null = null
  private restarts = 0
  private recentCrashes: number[] = []
  private stopped = false
  private status: EngineStatus = { ...startingStatus }
  private readonly runObservers = new Set<(event: RunEvent) => void>()

  constructor(
    private readonly launch: EngineLauncher,
    private readonly listeners: EngineEvents,
  ) {}

  /** The service clients call; survives engine restarts. */
  readonly service: EngineService = {
    getStatus: async () => {
      if (!this.client) return { ...this.status }
      const status = await this.call((c) => c.getStatus())
      return { ...status, restarts: this.restarts }
    },
    loadModel: async (request) => {
      const info = await this.call((c) => c.loadModel(request))
      this.lastGoodLoad = request
      return info
    },
    unloadModel: async () => {
      await this.call((c) => c.unloadModel())
      this.lastGoodLoad = null
    },
    inspectModel: (request) => this.call((c) => c.inspectModel(request)),
    scanModels: (request) => this.call((c) => c.scanModels(request)),
    getHardware: () => this.call((c) => c.getHardware()),
    tokenize: (request) => this.call((c) => c.tokenize(request)),
    generate: (request) => this.trackRuns([request.runId], (c) => c.generate(request)),
    generateMany: (request) =>
      this.trackRuns(
        (Array.isArray(request.runs) ? request.runs : []).map((run) => run.runId),
        (c) => c.generateMany(request),
      ),
    cancel: (request) => this.call((c) => c.cancel(request)),
  }

  start(): void {
    this.stopped = false
    const child = this.launch()
    this.process = child
    this.client = connectEngine(child.channel, {
      onRunEvent: (event) => {
        if (event.kind === 'ended' || event.kind === 'failed') this.openRuns.delete(event.runId)
        this.emitRunEvent(event)
      },
      onStatus: (status) => this.publish({ ...status, restarts: this.restarts }),
      // Downloads are the host's business; the engine never reports any.
      onDownload: () => undefined,
    })
    child.onExit((description) => {
      if (this.process !== child) return
      this.handleExit(description)
    })
  }

  stop(): void {
    this.stopped = true
    this.client?.$close(
      new AppFailure({ code: 'engine-unavailable', message: 'Tokenscope is shutting down.' }),
    )
    this.process?.kill()
    this.process = null
    this.client = null
  }

  /** Ends the current engine the hard way; used by tests and the "restart engine" action. */
  killEngine(): void {
    this.process?.kill()
  }

  /** Also tells `observer` every run event (the host's run recorder); returns how to stop. */
  observeRunEvents(observer: (event: RunEvent) => void): () => void {
    this.runObservers.add(observer)
    return () => this.runObservers.delete(observer)
  }

  private emitRunEvent(event: RunEvent): void {
    this.runObservers.forEach((observe) => observe(event))
    this.listeners.onRunEvent(event)
  }

  /** Remembers runs as open so that a crash can end each of them with a `failed` event. */
  private async trackRuns(runIds: unknown[], start: (client: EngineClient) => Promise<void>) {
    const ids = runIds.filter((id): id is string => typeof id === 'string')
    ids.forEach((id) => this.openRuns.add(id))
    try {
      await this.call(start)
    } catch (error) {
      ids.forEach((id) => this.openRuns.delete(id))
      throw error
    }
  }

  private async call<T>(fn: (client: EngineClient) => Promise<T>): Promise<T> {
    if (!this.client) {
      throw new AppFailure({
        code: 'engine-unavailable',
        message: 'The engine is restarting.',
        hint: 'Try again in a moment.',
      })
    }
    return fn(this.client)
  }

  private publish(status: EngineStatus): void {
    this.status = status
    this.listeners.onStatus({ ...status })
  }

  private handleExit(description: string): void {
    this.client?.$close(new AppFailure(crashError))
    this.client = null
    this.process = null
    if (this.stopped) return
    for (const runId of this.openRuns) {
      this.emitRunEvent({ kind: 'failed', runId, error: crashError })
    }
    this.openRuns.clear()
    const now = Date.now()
    this.recentCrashes = [...this.recentCrashes.filter((t) => now - t < 60_000), now]
    if (this.recentCrashes.length > maxRestartsPerMinute) {
      this.publish({
        ...this.status,
        state: 'error',
        error: {
          code: 'engine-crashed',
          message: `The engine keeps stopping (${description}); Tokenscope gave up restarting it.`,
          hint: 'Restart Tokenscope. If a model file caused this, avoid loading it again.',
        },
      })
      return
    }
    this.restarts++
    this.publish({
      ...this.status,
      state: 'crashed',
      model: null,
      error: crashError,
      restarts: this.restarts,
    })
    this.start()
    const reload = this.lastGoodLoad
    if (reload) {
      void this.service.loadModel(reload).catch(() => {
        // The engine reports the failure in its status; nothing more to do here.
      })
    }
  }
}
