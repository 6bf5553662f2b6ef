/**
 * The real process topology: the serve host (spawned as `npm run serve` runs it) with a WebSocket
 * client speaking the UI's contract, and, for comparison, an engine process driven directly by
 * its supervisor. Run events are timed where they arrive.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { createEngineBridge } from '../../src/shared/bridge'
import type { EngineService, RunEvent, StopReason } from '../../src/shared/contract'
import { jsonCodec } from '../../src/shared/rpc'
import { EngineSupervisor } from '../../src/main/host/engine-supervisor'
import { nodeEngineLauncher } from '../../src/main/host/node-engine-launcher'

export const repoRoot = join(import.meta.dirname, '..', '..')

/** Run events routed by run id, so several runs can be awaited one after another. */
export class RunWatcher {
  private readonly waiting = new Map<string, (event: RunEvent) => void>()

  readonly onRunEvent = (event: RunEvent) => this.waiting.get(event.runId)?.(event)

  /** Resolves when the run ends; `onTokens` sees each batch as it arrives, `onStarted` the start. */
  watch(
    runId: string,
    onTokens: (count: number, at: number) => void = () => undefined,
    onStarted: (at: number) => void = () => undefined,
  ) {
    return new Promise<{ reason: StopReason; generated: number }>((resolve, reject) => {
      this.waiting.set(runId, (event) => {
        if (event.kind === 'started') onStarted(performance.now())
        if (event.kind === 'tokens') onTokens(event.tokens.length, performance.now())
        if (event.kind === 'failed') reject(new Error(`${runId} failed: ${event.error.message}`))
        if (event.kind === 'ended')
          resolve({ reason: event.reason, generated: event.stats.generatedTokens })
        if (event.kind === 'ended' || event.kind === 'failed') this.waiting.delete(runId)
      })
    })
  }
}

/** Tokens per second as seen by a receiver: tokens after the first batch over the time they took. */
export class ArrivalClock {
  private first: { at: number; count: number } | null = null
  private last = 0
  private total = 0

  readonly onTokens = (count: number, at: number) => {
    this.first ??= { at, count }
    this.last = at
    this.total += count
  }

  /** When the first batch arrived (performance.now()), NaN before. */
  get firstAt(): number {
    return this.first?.at ?? NaN
  }

  get tokensPerSecond(): number {
    if (!this.first || this.last <= this.first.at) return NaN
    return ((this.total - this.first.count) * 1000) / (this.last - this.first.at)
  }
}

export interface EngineEndpoint {
  service: EngineService
  runs: RunWatcher
  /** PIDs whose memory we watch: the host (if separate) and the engine. */
  hostPid: number | null
  enginePid: () => number | null
  /** A full garbage collection in the host and the engine, where their inspectors are open. */
  collectGarbage?: () => Promise<void>
  close(): Promise<void>
}

export interface ServeHandle {
  url: URL
  hostPid: number | null
  enginePid: () => number | null
  /** DevTools endpoints of the host and then the engine, when started with `inspect`. */
  inspectorUrls: () => string[]
  close(): Promise<void>
}

/**
 * `node out/main/serve.js`, as `npm run serve` runs it, with sessions in `dataDirectory`;
 * `outDirectory` (beside out/, say out-before/) runs another build, for before/after figures.
 */
export async function spawnServe(
  log: (line: string) => void,
  options: { dataDirectory?: string; inspect?: boolean; outDirectory?: string } = {},
): Promise<ServeHandle> {
  const dataDirectory = options.dataDirectory ?? mkdtempSync(join(tmpdir(), 'tokenscope-bench-'))
  // The engine is forked with the host's Node options, so it gets an inspector of its own.
  const nodeOptions = options.inspect ? ['--inspect=127.0.0.1:0'] : []
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...nodeOptions,
      join(repoRoot, options.outDirectory ?? 'out', 'main/serve.js'),
      '--port',
      '0',
      '--data-dir',
      dataDirectory,
    ],
    { cwd: repoRoot, env: hostEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  let enginePid: number | null = null
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
    const started = /engine started \(pid (\d+)\)/.exec(chunk.toString())
    if (started) enginePid = Number(started[1])
  })
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL:\n${output}`)), 60_000)
    child.stdout?.on('data', () => {
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output)
      if (!match?.[1]) return
      clearTimeout(timer)
      resolve(new URL(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)))
  })
  log(`serve host at ${url.origin} (pid ${child.pid})`)
  return {
    url,
    hostPid: child.pid ?? null,
    enginePid: () => enginePid,
    inspectorUrls: () =>
      [...output.matchAll(/Debugger listening on (ws:\/\/\S+)/g)].map((match) => match[1] ?? ''),
    async close() {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      })
      rmSync(dataDirectory, { recursive: true, force: true })
    },
  }
}

/**
 * The environment for a serve host: without the pool size engine-like-process.ts set for this
 * process's own llama.cpp (the host's engine sets its own).
 */
function hostEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env.TOKENSCOPE_BENCH_POOL !== '1') return env
  const { UV_THREADPOOL_SIZE: _pool, TOKENSCOPE_BENCH_POOL: _marker, ...rest } = env
  return rest
}

/** A serve host with a WebSocket client in this process, speaking the UI's contract. */
export async function startServeClient(
  log: (line: string) => void,
  options: { inspect?: boolean } = {},
): Promise<EngineEndpoint> {
  const serve = await spawnServe(log, options)
  const { url } = serve
  const socket = new WebSocket(`ws://${url.host}/rpc?token=${url.searchParams.get('token')}`)
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  const bridge = createEngineBridge(
    {
      post: (message) => socket.send(message as string),
      on: (listener) => socket.on('message', (data: Buffer) => listener(data.toString())),
      onClose: (listener) => socket.on('close', listener),
    },
    jsonCodec,
  )
  const runs = new RunWatcher()
  bridge.subscribe({ onRunEvent: runs.onRunEvent })
  return {
    service: {
      ...bridge,
      // The host opens only paths the user chose: choose the model's as the Models tab would.
      loadModel: async (request) => {
        if (request.source.kind === 'file')
          await bridge.usePath({ path: request.source.path, kind: 'file' })
        return bridge.loadModel(request)
      },
    },
    runs,
    hostPid: serve.hostPid,
    enginePid: serve.enginePid,
    async collectGarbage() {
      await Promise.all(serve.inspectorUrls().map(collectGarbageAt))
    },
    async close() {
      socket.close()
      await serve.close()
    },
  }
}

/** An engine process and its supervisor in this process: the engine with no host in between. */
export function startEngineAlone(): EngineEndpoint {
  const runs = new RunWatcher()
  let enginePid: number | null = null
  const launcher = nodeEngineLauncher(join(repoRoot, 'out/main/engine.js'), (line) => {
    const started = /engine started \(pid (\d+)\)/.exec(line)
    if (started) enginePid = Number(started[1])
  })
  const supervisor = new EngineSupervisor(launcher, {
    onRunEvent: runs.onRunEvent,
    onStatus: () => undefined,
    onDownload: () => undefined,
  })
  supervisor.start()
  return {
    service: supervisor.service,
    runs,
    hostPid: null,
    enginePid: () => enginePid,
    async close() {
      supervisor.stop()
    },
  }
}

/** Asks the DevTools endpoint of a Node process for a full garbage collection. */
async function collectGarbageAt(url: string): Promise<void> {
  const socket = new WebSocket(url)
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  await new Promise<void>((resolve) => {
    socket.once('message', () => resolve())
    socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }))
  })
  socket.close()
}

/** Resident memory of a process in bytes (Linux /proc); null where unavailable. */
export function residentBytes(pid: number | null): number | null {
  if (pid === null) return null
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match?.[1] ? Number(match[1]) * 1024 : null
  } catch {
    return null
  }
}
