import { formatBytes } from '../../shared/bytes'
import { AppFailure } from '../../shared/errors'

const retryHint = 'Press Retry: the download continues from what is already on disk.'

export function downloadFailure(message: string, hint?: string): AppFailure {
  return new AppFailure({ code: 'download-failed', message, ...(hint ? { hint } : {}) })
}

function systemCode(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string') return code
  }
  return undefined
}

/** Sizes as the Models tab shows them. */
export const formatSize = formatBytes

/** A failed connection in words: why, how far it got, and that Retry resumes. */
export function networkFailure(
  error: unknown,
  host: string,
  progress?: { received: number; total: number | null },
): AppFailure {
  if (error instanceof AppFailure) return error
  const code = systemCode(error)
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL') {
    return downloadFailure(
      `Could not find the server ${host}.`,
      'Check that this computer is online and that the address is spelled right, then press Retry.',
    )
  }
  if (code === 'ECONNREFUSED') {
    return downloadFailure(`${host} refused the connection.`, 'Check the address, or try later.')
  }
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH' || code === 'ENETDOWN') {
    return downloadFailure(
      `No network route to ${host}.`,
      `Check that this computer is online. ${retryHint}`,
    )
  }
  if (code && /CERT|SSL|TLS/.test(code)) {
    return downloadFailure(
      `The secure connection to ${host} could not be verified.`,
      'The server’s certificate is not trusted; check the address.',
    )
  }
  const where = progress
    ? ` after ${formatSize(progress.received)}${progress.total !== null ? ` of ${formatSize(progress.total)}` : ''}`
    : ''
  return downloadFailure(`The connection to ${host} was lost${where}.`, retryHint)
}

/** An HTTP status other than success, in words. */
export function statusFailure(status: number, url: URL, viaHf: boolean): AppFailure {
  const host = url.hostname
  if (status === 404 || status === 410) {
    return downloadFailure(
      viaHf
        ? 'Hugging Face has no such file: check the owner, repository and file name.'
        : `There is no file at ${url.toString()}.`,
      viaHf
        ? 'Names are case-sensitive; copy the file name from the repository’s Files tab.'
        : 'Check the address.',
    )
  }
  if (status === 401 || status === 403) {
    return downloadFailure(
      `${host} refused access to this file.`,
      viaHf
        ? 'Gated or private models need a Hugging Face token: accept the model’s terms on its page, then start Tokenscope with HF_TOKEN set.'
        : 'The file is private or needs a sign-in.',
    )
  }
  if (status === 429)
    return downloadFailure(
      `${host} is limiting downloads right now.`,
      'Wait a few minutes, then press Retry.',
    )
  if (status >= 500)
    return downloadFailure(
      `${host} had a problem sending the file.`,
      'Try again later: press Retry.',
    )
  return downloadFailure(
    `${host} did not send the file (it answered with status ${status}).`,
    'Check the address.',
  )
}
