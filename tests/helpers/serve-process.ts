import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from './engine-harness'

export interface ServeProcess {
  url: string
  /** A fresh folder for this run's saved sessions. */
  dataDirectory: string
  origin: string
  port: number
  token: string
  /** The OpenAI-compatible API, when started with `--api`: its base URL and the key it printed. */
  api: { url: string; port: number; key: string } | null
  /** PIDs of engine processes in start order, read from the host's log. */
  enginePids: number[]
  output: () => string
  stop(): Promise<void>
  /** Ends the host the hard way (SIGKILL), as a crash or a power cut would. */
  kill(): Promise<void>
}

/** Runs the real `serve` host (as `npm run serve` does after building) and waits for its URL. */
export async function startServe(
  options: { dataDirectory?: string; args?: string[]; env?: Record<string, string> } = {},
): Promise<ServeProcess> {
  const dataDirectory = options.dataDirectory ?? mkdtempSync(join(tmpdir(), 'tokenscope-data-'))
  const args = [
    join(repoRoot, 'out/main/serve.js'),
    '--port',
    '0',
    '--data-dir',
    dataDirectory,
    ...(options.args ?? []),
  ]
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const enginePids: number[] = []
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
    for (const match of chunk.toString().matchAll(/engine started \(pid (\d+)\)/g))
      enginePids.push(Number(match[1]))
  })
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL:\n${output}`)), 30_000)
    const check = () => {
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', check)
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)))
  })
  const parsed = new URL(url)
  // serve prints the API's address and key before the UI's address.
  const apiUrl = /OpenAI-compatible API: (http:\/\/127\.0\.0\.1:(\d+)\/v1)/.exec(output)
  const apiKey = /^\s+(ts-[\w-]+)$/m.exec(output)
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill(signal)
    })
  return {
    url,
    dataDirectory,
    origin: parsed.origin,
    port: Number(parsed.port),
    token: parsed.searchParams.get('token') ?? '',
    api: apiUrl?.[1] ? { url: apiUrl[1], port: Number(apiUrl[2]), key: apiKey?.[1] ?? '' } : null,
    enginePids,
    output: () => output,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  }
}
