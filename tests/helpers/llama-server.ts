import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { homedir } from 'node:os'
import { basename, join } from 'node:path'
import { repoRoot } from './engine-harness'

/**
 * llama.cpp's own `llama-server`, built by `npm run peer:build` from the source node-llama-cpp
 * ships (the same release as its binaries), into a cache folder outside the repository.
 */
export function peerRoot(env: Record<string, string | undefined> = process.env): string {
  if (env.TOKENSCOPE_PEER_DIR) return env.TOKENSCOPE_PEER_DIR
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tokenscope', 'peer')
}

export const llamaServerPath = (root = peerRoot()) =>
  join(root, 'build', 'bin', process.platform === 'win32' ? 'llama-server.exe' : 'llama-server')

export const isPeerBuilt = () => existsSync(llamaServerPath())

export interface LlamaServer {
  /** The base URL, ending in /v1. */
  url: string
  key: string
  /** The name its /v1/models reports (its --alias). */
  model: string
  output: () => string
  stop(): Promise<void>
  kill(): Promise<void>
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })

export interface LlamaServerOptions {
  /** The demo model when left out. */
  modelPath?: string
  threads?: number
  /** Per slot: the server is given `contextSize × parallel` and splits it among its slots. */
  contextSize?: number
  /** Slots decoding at once (`-np`), 1 when left out. */
  parallel?: number
}

/** Starts llama-server (the demo model unless told) with a key; waits until it answers /health. */
export async function startLlamaServer(options: LlamaServerOptions = {}): Promise<LlamaServer> {
  const port = await freePort()
  const key = 'peer-test-key'
  const modelPath =
    options.modelPath ?? join(repoRoot, 'resources', 'models', 'tokenscope-demo.gguf')
  const model = basename(modelPath)
  const parallel = options.parallel ?? 1
  const contextSize = (options.contextSize ?? 2048) * parallel
  const child: ChildProcess = spawn(
    llamaServerPath(),
    [
      ...['-m', modelPath, '--alias', model],
      ...['--host', '127.0.0.1', '--port', String(port), '--api-key', key],
      ...['-c', String(contextSize), '-t', String(options.threads ?? 2)],
      ...['-np', String(parallel), '--no-webui'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llama-server exited:\n${output}`)
    const ready = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    )
    if (ready) break
    if (Date.now() > deadline) throw new Error(`llama-server did not become ready:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    await exited
  }
  return {
    url: `${url}/v1`,
    key,
    model,
    output: () => output,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  }
}
