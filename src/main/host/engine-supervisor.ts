import type { EngineEvents, RunEvent, EngineService } from '../../shared/contract'
import { startingStatus, type ModelInfo, type EngineStatus } from '../../shared/engine-status'
import { AppFailure, type AppError } from '../../shared/errors'
import type { LoadModelRequest } from '../../shared/schemas'
import { connectEngine, type EngineClient, type MessageChannelLike } from '../../shared/rpc'
import { EngineHeartbeat, type HeartbeatOptions } from './engine-heartbeat'

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

export type SupervisorOptions = HeartbeatOptions

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
  private forClients: (event: RunEvent) => RunEvent = (event) => event
  private readonly statusObservers = new Set<(status: EngineStatus) => void>()
  /** The load in flight, if any: an engine that dies during it died of that model. */
  private loading: LoadModelRequest | null = null
  /** Loads that ended the engine: never repeated automatically. */
  private readonly crashingLoads = new Set<string>()
  private gaveUp = false
  private readonly heartbeat: EngineHeartbeat
  /** Why the host ended the engine itself (a hang), told to the UI instead of "it crashed". */
  private killReason: string | null = null

  constructor(
    private readonly launch: EngineLauncher,
    private readonly listeners: EngineEvents,
    options: SupervisorOptions = {},
  ) {
    this.heartbeat = new EngineHeartbeat(options)
  }

  /** The service clients call; survives engine restarts. */
  readonly service: EngineService = {
    getStatus: async () => {
      if (!this.client) return { ...this.status }
      const status = await this.call((c) => c.getStatus())
      return { ...status, restarts: this.restarts }
    },
    loadModel: async (request) => {
      this.loading = request
      try {
        const info = await this.call((c) => c.loadModel(request))
        this.lastGoodLoad = request
        this.crashingLoads.delete(loadKey(request))
        return info
      } finally {
        if (this.loading === request) this.loading = null
      }
    },
    unloadModel: async () => {
      await this.call((c) => c.unloadModel())
      this.lastGoodLoad = null
    },
    prepareChat: () => this.call((c) => c.prepareChat()),
    inspectModel: (request) => this.call((c) => c.inspectModel(request)),
    scanModels: (request) => this.call((c) => c.scanModels(request)),
    getHardware: () => this.call((c) => c.getHardware()),
    tokenize: (request) => this.call((c) => c.tokenize(request)),
    tokenizeWith: (request) => this.call((c) => c.tokenizeWith(request)),
    generate: (request) => this.trackRuns([request.runId], (c) => c.generate(request)),
    generateMany: (request) =>
      this.trackRuns(
        (Array.isArray(request.runs) ? request.runs : []).map((run) => run.runId),
        (c) => c.generateMany(request),
      ),
    score: (request) => this.trackRuns([request.runId], (c) => c.score(request)),
    influence: (request) => this.trackRuns([request.runId], (c) => c.influence(request)),
    cancel: (request) => this.call((c) => c.cancel(request)),
    embed: (request) => this.call((c) => c.embed(request)),
    readTokenEmbeddings: (request) => this.call((c) => c.readTokenEmbeddings(request)),
    exactEntropy: (request) => this.call((c) => c.exactEntropy(request)),
  }

  start(): void {
    this.stopped = false
    this.gaveUp = false
    const child = this.launch()
    this.process = child
    this.client = connectEngine(child.channel, {
      onRunEvent: (event) => {
        if (event.kind === 'ended' || event.kind === 'failed') this.openRuns.delete(event.runId)
        this.emitRunEvent(event)
      },
      onStatus: (status) => {
        this.heartbeat.setBlockedBy(status.blockedBy)
        this.publish({ ...status, restarts: this.restarts })
      },
      // Downloads are the host's business; the engine never reports any.
      onDownload: () => undefined,
    })
    child.onExit((description) => {
      if (this.process !== child) return
      this.handleExit(description)
    })
    this.heartbeat.start(
      () => (this.process === child && this.client ? this.client.getStatus() : Promise.resolve()),
      (reason) => {
        if (this.process !== child) return
        this.killReason = reason
        child.kill()
      },
    )
  }

  stop(): void {
    this.stopped = true
    this.heartbeat.stop()
    this.client?.$close(
      new AppFailure({ code: 'engine-unavailable', message: 'Tokenscope is shutting down.' }),
    )
    this.process?.kill()
    this.process = null
    this.client = null
  }

  /**
   * The "Restart the engine" button: a fresh engine (when the host gave up on the old one) with
   * the last model that loaded, unless that model is what ended the engine; then the demo model.
   */
  async restart(): Promise<ModelInfo> {
    if (!this.client || this.gaveUp) {
      this.heartbeat.stop()
      this.recentCrashes = []
      this.start()
    }
    const last = this.lastGoodLoad
    const reload = last && !this.crashingLoads.has(loadKey(last)) ? last : null
    return this.service.loadModel(reload ?? { source: { kind: 'demo' } })
  }

  /** Ends the current engine the hard way; used by tests. */
  killEngine(): void {
    this.process?.kill()
  }

  /** What the clients get of each run event, after every observer saw it whole. */
  shapeRunEventsForClients(shape: (event: RunEvent) => RunEvent): void {
    this.forClients = shape
  }

  /** Also tells `observer` every run event (the host's run recorder); returns how to stop. */
  observeRunEvents(observer: (event: RunEvent) => void): () => void {
    this.runObservers.add(observer)
    return () => this.runObservers.delete(observer)
  }

  /** Tells `observer` the engine's status now and at every change; returns how to stop. */
  observeStatus(observer: (status: EngineStatus) => void): () => void {
    this.statusObservers.add(observer)
    observer({ ...this.status })
    return () => this.statusObservers.delete(observer)
  }

  /**
   * Tells the observers and the clients a run event; the engine's pass here, and so do a remote
   * engine's, so the recorder and the UI treat both alike.
   */
  emitRunEvent(event: RunEvent): void {
    this.runObservers.forEach((observe) => observe(event))
    this.listeners.onRunEvent(this.forClients(event))
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
    // After giving up, the user's next action (such as loading a model) starts a fresh engine.
    if (!this.client && this.gaveUp && !this.stopped) {
      this.recentCrashes = []
      this.start()
    }
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
    this.statusObservers.forEach((observe) => observe({ ...status }))
    this.listeners.onStatus({ ...status })
  }

  private handleExit(description: string): void {
    const client = this.client
    this.client = null
    this.process = null
    this.heartbeat.stop()
    if (this.stopped) {
      client?.$close(new AppFailure(crashError))
      return
    }
    const killReason = this.killReason
    this.killReason = null
    // A model that ended the engine while loading is not loaded again automatically.
    const crashedLoad = this.loading
    this.loading = null
    if (crashedLoad) this.crashingLoads.add(loadKey(crashedLoad))
    const reason: AppError = crashedLoad
      ? {
          code: 'engine-crashed',
          message: `The engine stopped while loading ${describeLoad(crashedLoad)}; Tokenscope restarted it and will not load that file again by itself.`,
          hint: 'The file may be damaged or unsupported by this llama.cpp build. Pick another model.',
        }
      : killReason
        ? {
            code: 'engine-crashed',
            message: killReason,
            hint: 'Your model is reloaded. If this happens again with one model or chat template, use another model.',
          }
        : crashError
    // Calls waiting on the dead engine (the load that killed it, say) fail with the reason.
    client?.$close(new AppFailure(reason))
    for (const runId of this.openRuns) {
      this.emitRunEvent({ kind: 'failed', runId, error: reason })
    }
    this.openRuns.clear()
    const now = Date.now()
    this.recentCrashes = [...this.recentCrashes.filter((t) => now - t < 60_000), now]
    if (this.recentCrashes.length > maxRestartsPerMinute) {
      this.gaveUp = true
      this.publish({
        ...this.status,
        state: 'error',
        model: null,
        loadProgress: null,
        error: {
          code: 'engine-crashed',
          message: `The engine stopped ${this.recentCrashes.length} times within a minute (last: ${description}), so Tokenscope is not restarting it any more.`,
          hint: 'Press Restart the engine (it reloads your last model) or load a model to start it again; if a model file caused this, choose another one.',
        },
      })
      return
    }
    this.restarts++
    this.publish({
      ...this.status,
      state: 'crashed',
      model: null,
      error: reason,
      restarts: this.restarts,
    })
    this.start()
    const reload = this.lastGoodLoad
    if (reload && !this.crashingLoads.has(loadKey(reload))) {
      void this.service.loadModel(reload).catch(() => {
        // The engine reports the failure in its status; nothing more to do here.
      })
    }
  }
}

function loadKey(request: LoadModelRequest): string {
  const source = (request as { source?: { kind?: string; path?: string } }).source
  return source?.kind === 'file' ? `file:${source.path ?? ''}` : `demo`
}

function describeLoad(request: LoadModelRequest): string {
  const source = (request as { source?: { kind?: string; path?: string } }).source
  if (source?.kind !== 'file') return 'the demo model'
  const name = (source.path ?? '').split(/[\\/]/).pop() ?? ''
  return name.length > 80 ? `${name.slice(0, 80)}…` : name
}
