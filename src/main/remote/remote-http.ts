import type { AppError } from '../../shared/errors'
import { AppFailure } from '../../shared/errors'
import type { SavedEndpoint } from './endpoint-store'

/** How long a server may take to answer (headers) before it counts as unreachable. */
export const answerTimeoutMs = 30_000
/** Most of an error body read to quote from it. */
const maxErrorBodyChars = 2000

const where = (endpoint: SavedEndpoint) => endpoint.url

const connectionCodes: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (is the server running, on that port?)',
  ENOTFOUND: 'that host name is unknown',
  EAI_AGAIN: 'that host name could not be looked up',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'that host cannot be reached from here',
  ENETUNREACH: 'that network cannot be reached from here',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
}

/** Why a fetch got no HTTP answer at all, in words. */
function reasonOf(error: unknown): string {
  if ((error as Error | null)?.name === 'TimeoutError')
    return `it did not answer within ${answerTimeoutMs / 1000} s`
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause
  const code = typeof cause?.code === 'string' ? cause.code : null
  const message = typeof cause?.message === 'string' ? cause.message : String(error)
  if (code && connectionCodes[code]) return connectionCodes[code]
  // Web requests may not use some ports (6000, 6665–6669, …), whatever the server.
  if (/bad port/i.test(message))
    return 'web requests may not use that port; serve the API on another one'
  return `the connection failed (${code ?? message.slice(0, 200)})`
}

/** What a failed fetch (no HTTP answer at all) means for the user. */
export function unreachable(endpoint: SavedEndpoint, error: unknown): AppError {
  return {
    code: 'remote-unreachable',
    message: `Could not reach ${where(endpoint)}: ${reasonOf(error)}.`,
    hint: 'Check the address and that the server is running and reachable from this computer.',
  }
}

/** The server's own message from an OpenAI-style error body, or the start of whatever it sent. */
export function serverMessage(body: string): { message: string; code: string | null } {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown; detail?: unknown }
    const error = parsed.error
    if (typeof error === 'object' && error !== null) {
      const { message, code } = error as { message?: unknown; code?: unknown }
      if (typeof message === 'string')
        return { message: message.slice(0, 500), code: typeof code === 'string' ? code : null }
    }
    if (typeof error === 'string') return { message: error.slice(0, 500), code: null }
    if (typeof parsed.message === 'string')
      return { message: parsed.message.slice(0, 500), code: null }
    if (typeof parsed.detail === 'string')
      return { message: parsed.detail.slice(0, 500), code: null }
  } catch {
    // Not JSON: quote it as it is.
  }
  return { message: body.trim().slice(0, 300), code: null }
}

/** What an error status means; `model` names the model a generation asked for. */
export function statusError(
  endpoint: SavedEndpoint,
  status: number,
  body: string,
  model: string | null,
): AppError {
  const said = serverMessage(body)
  const quote = said.message ? ` The server said: "${said.message}"` : ''
  if (status === 401 || status === 403) {
    return {
      code: 'remote-refused',
      message: `${where(endpoint)} refused the ${endpoint.key ? 'key' : 'request without a key'} (${status}).${quote}`,
      hint: endpoint.key
        ? 'Check the key, or remove the endpoint and add it again with the right one.'
        : 'This server needs a key: remove the endpoint and add it again with its key.',
    }
  }
  const modelMissing =
    said.code === 'model_not_found' ||
    (status === 404 && model !== null && /model/i.test(said.message))
  if (model !== null && modelMissing) {
    return {
      code: 'remote-model-unknown',
      message: `${where(endpoint)} does not serve the model "${model}".${quote}`,
      hint: 'List its models again in Models → Remote engines and pick one of them.',
    }
  }
  if (status === 404) {
    return {
      code: 'remote-failed',
      message: `${where(endpoint)} has no OpenAI-compatible API at this address (404).${quote}`,
      hint: 'The address usually ends in /v1, e.g. http://gpu-box:8080/v1.',
    }
  }
  return {
    code: 'remote-failed',
    message: `${where(endpoint)} answered with an error (${status}).${quote}`,
  }
}

/**
 * The body as text, at most `maxBytes` of it (a server may send anything, of any size): more
 * than that is an error rather than memory spent, or with `cut`, the start of it.
 */
export async function readLimitedText(
  response: Response,
  maxBytes: number,
  overflow: 'throw' | 'cut' = 'throw',
): Promise<string> {
  const reader = response.body?.getReader()
  if (!reader) return ''
  const decoder = new TextDecoder()
  let text = ''
  let bytes = 0
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return text + decoder.decode()
    bytes += value.byteLength
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined)
      if (overflow === 'cut') return text + decoder.decode(value)
      throw new Error(`the answer is larger than ${maxBytes} bytes`)
    }
    text += decoder.decode(value, { stream: true })
  }
}

/**
 * A request to the endpoint from the host. Every way it can fail becomes an AppFailure a
 * person can read; nothing a server sends (or does not send) can throw anything else.
 */
export async function remoteFetch(
  endpoint: SavedEndpoint,
  path: string,
  options: { body?: unknown; signal?: AbortSignal; model?: string | null } = {},
): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json, text/event-stream' }
  if (endpoint.key) headers.Authorization = `Bearer ${endpoint.key}`
  if (options.body !== undefined) headers['Content-Type'] = 'application/json'
  // The timeout covers the wait for an answer, not the stream after it (a long reply is fine).
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, answerTimeoutMs)
  const stop = () => controller.abort()
  if (options.signal?.aborted) stop()
  options.signal?.addEventListener('abort', stop, { once: true })
  let response: Response
  try {
    response = await fetch(`${endpoint.url}${path}`, {
      method: options.body === undefined ? 'GET' : 'POST',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: controller.signal,
      redirect: 'error',
    })
  } catch (error) {
    if (options.signal?.aborted) throw error
    throw new AppFailure(unreachable(endpoint, timedOut ? { name: 'TimeoutError' } : error))
  } finally {
    clearTimeout(timer)
  }
  if (!response.ok) {
    const body = await readLimitedText(response, maxErrorBodyChars, 'cut').catch(() => '')
    throw new AppFailure(
      statusError(
        endpoint,
        response.status,
        body.slice(0, maxErrorBodyChars),
        options.model ?? null,
      ),
    )
  }
  return response
}
