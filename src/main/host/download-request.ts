import { AppFailure } from '../../shared/errors'
import { downloadFailure, networkFailure, statusFailure } from './download-errors'
import { localTarget, type Resolve } from './download-policy'

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
}

function isHuggingFace(url: URL): boolean {
  return url.hostname === 'huggingface.co' || url.hostname.endsWith('.huggingface.co')
}

/**
 * Fetches `url` following redirects by hand, so that every hop is checked like the first:
 * http(s) only, and no local address without the user's say-so. A Hugging Face token goes to
 * Hugging Face only, never to the storage host it redirects to.
 */
export async function openDownload(
  request: OpenRequest,
): Promise<{ response: Response; url: URL }> {
  let url = request.url
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw downloadFailure(
        `The server redirected to a ${url.protocol} address, which is not allowed.`,
      )
    }
    let address: string | null
    try {
      address = await localTarget(url, request.resolve)
    } catch (error) {
      throw networkFailure(error, url.hostname)
    }
    if (address !== null && !request.allowLocal) throw new LocalHostRefused(url.hostname, address)
    const token = process.env.HF_TOKEN
    const headers = {
      ...request.headers,
      'Accept-Encoding': 'identity',
      ...(token && isHuggingFace(url) && url.protocol === 'https:'
        ? { Authorization: `Bearer ${token}` }
        : {}),
    }
    const response = await fetch(url, {
      headers,
      redirect: 'manual',
      signal: request.signal,
    }).catch((error: unknown) => {
      if (request.signal.aborted) throw error
      throw networkFailure(error, url.hostname)
    })
    const location = response.headers.get('location')
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel().catch(() => undefined)
      if (hop >= maxRedirects)
        throw downloadFailure(`${request.url.hostname} redirected too many times.`)
      try {
        url = new URL(location, url)
      } catch {
        throw downloadFailure(`${url.hostname} redirected to an invalid address.`)
      }
      continue
    }
    if (!response.ok && response.status !== 416) {
      await response.body?.cancel().catch(() => undefined)
      throw statusFailure(response.status, url, request.viaHf)
    }
    return { response, url }
  }
}
