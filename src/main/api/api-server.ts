import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ApiRequestRecord } from '../../shared/api-server'
import type { AppService } from '../../shared/contract'
import { parseRequestTarget } from '../host/request-guard'
import { toAppError } from '../../shared/errors'
import { ApiError, apiErrorOf, invalidRequest } from './api-errors'
import { keyMatches } from './api-key'
import { handleGeneration, type GenerationSummary } from './generation-endpoint'
import { sendJson } from './http-output'
import type { ObserveRunEvents } from './run-driver'

export interface ApiServerOptions {
  /** 0 picks a free port. */
  port: number
  /** SHA-256 (hex) of the API key. */
  keyHash: string
  service: AppService
  observe: ObserveRunEvents
  /** Save each generation as a session (on unless the user turned it off). */
  record: boolean
  log: (line: string) => void
}

export interface ApiServer {
  /** The base URL clients use, ending in /v1. */
  url: string
  port: number
  /** Whether requests are saved as sessions. */
  recording: boolean
  /** The latest requests, newest first. */
  requests(): ApiRequestRecord[]
  close(): Promise<void>
}

/** Bodies larger than this are refused (413) before they are read to the end. */
export const maxBodyBytes = 4 * 1024 * 1024
const logLength = 200

/**
 * Tokenscope's OpenAI-compatible API, on 127.0.0.1 only. Every request needs the API key as a
 * bearer token; a Host header other than this address is refused (a web page on another site
 * cannot reach it by pointing its own domain here), and so is a cross-site Origin.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  let port = options.port
  const log: ApiRequestRecord[] = []

  const server = createServer((request, response) => {
    const startedAt = performance.now()
    const path = request.url?.split('?')[0] ?? ''
    let summary: GenerationSummary | null = null
    handle(request, response, (s) => (summary = s))
      .catch((error: unknown) => {
        // An engine or host failure (the engine restarting, say) keeps its meaning.
        const failure = error instanceof ApiError ? error : apiErrorOf(toAppError(error))
        if (failure.status >= 500) options.log(`api: ${failure.message}`)
        if (response.headersSent) response.end()
        else sendJson(response, failure.status, failure.body, failure.headers)
      })
      .finally(() => {
        const s = summary as GenerationSummary | null
        const record: ApiRequestRecord = {
          at: new Date().toISOString(),
          method: request.method ?? '',
          path: path.slice(0, 200),
          status: response.statusCode,
          durationMs: Math.round(performance.now() - startedAt),
          promptTokens: s?.promptTokens ?? null,
          completionTokens: s?.completionTokens ?? null,
          tokensPerSecond: s?.tokensPerSecond ?? null,
        }
        log.push(record)
        if (log.length > logLength) log.shift()
        options.log(`api: ${describe(record)}`)
      })
  })

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    report: (summary: GenerationSummary) => void,
  ) {
    const allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`])
    if (!allowed.has(request.headers.host ?? '')) {
      throw new ApiError(
        403,
        'Unexpected Host header: the API answers only on its own address.',
        'permission_error',
        'host_not_allowed',
      )
    }
    const origin = request.headers.origin
    if (origin !== undefined && !allowed.has(origin.replace(/^https?:\/\//, ''))) {
      throw new ApiError(
        403,
        'Cross-site requests are refused.',
        'permission_error',
        'origin_not_allowed',
      )
    }
    if (!keyMatches(options.keyHash, request.headers.authorization)) {
      throw new ApiError(
        401,
        'Incorrect or missing API key. Send the key Tokenscope showed when it made it, as "Authorization: Bearer <key>".',
        'invalid_request_error',
        'invalid_api_key',
      )
    }
    const target = parseRequestTarget(request.url)
    const route = target?.pathname.replace(/\/+$/, '')
    const method = request.method ?? ''
    if (route === '/v1/models') {
      expectMethod(method, 'GET')
      const model = (await options.service.getStatus()).model
      sendJson(response, 200, {
        object: 'list',
        data: model
          ? [{ id: model.fileName, object: 'model', created: 0, owned_by: 'tokenscope' }]
          : [],
      })
      return
    }
    const kind =
      route === '/v1/completions' ? 'completion' : route === '/v1/chat/completions' ? 'chat' : null
    if (!kind)
      throw new ApiError(
        404,
        `Unknown endpoint ${method} ${route ?? ''}.`,
        'invalid_request_error',
        'not_found',
      )
    expectMethod(method, 'POST')
    const body = await readJsonBody(request, response)
    let gone = request.socket.destroyed
    const listeners: (() => void)[] = []
    response.on('close', () => {
      if (response.writableFinished) return
      gone = true
      listeners.splice(0).forEach((listener) => listener())
    })
    report(
      await handleGeneration(kind, body, {
        service: options.service,
        observe: options.observe,
        response,
        record: options.record,
        log: options.log,
        onClientGone: (listener) => (gone ? listener() : listeners.push(listener)),
      }),
    )
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    recording: options.record,
    requests: () => log.slice().reverse(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function expectMethod(method: string, expected: string) {
  if (method !== expected) {
    throw new ApiError(
      405,
      `Use ${expected} for this endpoint.`,
      'invalid_request_error',
      'method_not_allowed',
    )
  }
}

/** The request's JSON body, read up to `maxBodyBytes`. */
async function readJsonBody(request: IncomingMessage, response: ServerResponse): Promise<unknown> {
  const tooLarge = () => {
    // The rest is not read: the connection closes once the answer is out.
    response.setHeader('Connection', 'close')
    response.once('finish', () => request.destroy())
    return new ApiError(
      413,
      `The request body is larger than ${maxBodyBytes} bytes.`,
      'invalid_request_error',
      'body_too_large',
    )
  }
  if (Number(request.headers['content-length'] ?? 0) > maxBodyBytes) throw tooLarge()
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let refused = false
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBodyBytes) return void chunks.push(chunk)
      if (refused) return
      refused = true
      chunks.length = 0
      request.pause()
      reject(tooLarge())
    })
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw invalidRequest('The request body is not valid JSON.')
  }
}

function describe(record: ApiRequestRecord): string {
  const tokens =
    record.promptTokens === null
      ? ''
      : `, ${record.promptTokens} prompt + ${record.completionTokens} completion tokens` +
        (record.tokensPerSecond === null ? '' : `, ${record.tokensPerSecond.toFixed(1)} tokens/s`)
  return `${record.method} ${record.path} ${record.status} in ${record.durationMs} ms${tokens}`
}
