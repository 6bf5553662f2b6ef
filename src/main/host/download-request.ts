import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { AppFailure } from '../../shared/errors'
import { downloadFailure, networkFailure, statusFailure } from './download-errors'
import { huggingFaceBase, isLocalAddress, resolveHost, type Resolve } from './download-policy'

const maxRedirects = 10

/** A download that would reach this machine or its network, which the user has not confirmed. */
export class LocalHostRefused extends AppFailure {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super({
      code: 'download-failed',
      message: `${host}${address === host ? '' : ` (${address})`} is on this computer or its local network, not the internet.`,
      hint: 'Download anyway only if you trust this address.',
    })
  }
}

export interface OpenRequest {
  url: URL
  /** Where the request came from, for messages about Hugging Face. */
  viaHf: boolean
  headers: Record<string, string>
  allowLocal: boolean
  signal: AbortSignal
  resolve?: Resolve
  method?: 'GET' | 'HEAD'
}

/** An answer whose body has not been read yet. */
export interface OpenedResponse {
  status: number
  header(name: string): string | null
  body: IncomingMessage
  url: URL
  /** Stops reading the body and closes the connection. */
  cancel(): void
}

/** Hugging Face itself (or the HF_ENDPOINT mirror the user set), never a host it redirects to. */
function sendsToken(url: URL): boolean {
  const hf = huggingFaceBase()
  return (
    url.origin === hf.origin ||
    (url.protocol === 'https:' && url.hostname.endsWith(`.${hf.hostname}`))
  )
}

/**
 * The address check runs inside the connection's own name lookup, so the address that passed it
 * is the one connected to: a name that resolves differently a moment later (DNS rebinding)
 * cannot slip a local address past the check.
 */
function checkedLookup(request: OpenRequest, hostname: string): LookupFunction {
  return (_name, options, callback) => {
    const answer = (error: Error | null, address = '') => {
      const family = isIP(address) || 4
      if (options.all) {
        ;(
          callback as unknown as (
            e: Error | null,
            all: { address: string; family: number }[],
          ) => void
        )(error, error ? [] : [{ address, family }])
      } else callback(error, address, family)
    }
    ;(request.resolve ?? resolveHost)(hostname).then(
      (addresses) => {
        const local = addresses.find(isLocalAddress)
        if (local !== undefined && !request.allowLocal) {
          answer(new LocalHostRefused(hostname, local))
          return
        }
        const address = addresses[0]
        if (address === undefined) answer(networkFailure(new Error('no address'), hostname))
        else answer(null, address)
      },
      (error: unknown) => answer(networkFailure(error, hostname)),
    )
  }
}

/** One request, no redirects followed. */
function send(request: OpenRequest, url: URL): Promise<IncomingMessage> {
  const hostname = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(hostname) && isLocalAddress(hostname) && !request.allowLocal) {
    return Promise.reject(new LocalHostRefused(hostname, hostname))
  }
  const token = process.env.HF_TOKEN
  const headers = {
    ...request.headers,
    'Accept-Encoding': 'identity',
    'User-Agent': 'Tokenscope',
    ...(token && sendsToken(url) ? { Authorization: `Bearer ${token}` } : {}),
  }
  const open = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const outgoing = open(url, {
      method: request.method ?? 'GET',
      headers,
      signal: request.signal,
      // A fresh connection each time: a pooled one would skip the lookup, and with it the check.
      agent: false,
      lookup: checkedLookup(request, hostname),
    })
    outgoing.once('response', resolve)
    outgoing.once('error', (error) => {
      if (request.signal.aborted) reject(error)
      else reject(error instanceof AppFailure ? error : networkFailure(error, hostname))
    })
    outgoing.end()
  })
}

/**
 * Fetches `url` following redirects by hand, so that every hop is checked like the first:
 * http(s) only, and no local address without the user's say-so. A Hugging Face token goes to
 * Hugging Face only, never to the storage host it redirects to.
 */
export async function openDownload(request: OpenRequest): Promise<OpenedResponse> {
  let url = request.url
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw downloadFailure(
        `The server redirected to a ${url.protocol} address, which is not allowed.`,
      )
    }
    const body = await send(request, url)
    const status = body.statusCode ?? 0
    const response: OpenedResponse = {
      status,
      header: (name) => {
        const value = body.headers[name.toLowerCase()]
        return Array.isArray(value) ? (value[0] ?? null) : (value ?? null)
      },
      body,
      url,
      cancel: () => body.destroy(),
    }
    const location = response.header('location')
    if (status >= 300 && status < 400 && location) {
      response.cancel()
      if (hop >= maxRedirects)
        throw downloadFailure(`${request.url.hostname} redirected too many times.`)
      try {
        url = new URL(location, url)
      } catch {
        throw downloadFailure(`${url.hostname} redirected to an invalid address.`)
      }
      continue
    }
    if ((status < 200 || status >= 300) && status !== 416) {
      response.cancel()
      throw statusFailure(status, url, request.viaHf)
    }
    return response
  }
}
