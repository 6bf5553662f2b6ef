import { resolve, sep } from 'node:path'

/** The page is served as app://tokenscope/…: one origin that only this app can load from. */
export const appScheme = 'app'
export const appHost = 'tokenscope'
export const appPageUrl = `${appScheme}://${appHost}/index.html`

/**
 * Privileges for `protocol.registerSchemesAsPrivileged`: a standard, secure scheme behaves like
 * https for the page (relative URLs, 'self' in the CSP, module scripts with crossorigin).
 */
export const appSchemePrivileges = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: true,
} as const

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * The file an app:// request names, or null when it names nothing inside the renderer folder
 * (another host, an escaped `..`, a NUL byte, a malformed escape).
 */
export function resolveAppFile(url: string, rendererDir: string): string | null {
  const parsed = parse(url)
  if (!parsed || parsed.protocol !== `${appScheme}:` || parsed.host !== appHost) return null
  let path: string
  try {
    path = decodeURIComponent(parsed.pathname)
  } catch {
    return null
  }
  if (path.includes('\0')) return null
  const root = resolve(rendererDir)
  const file = resolve(root, `.${path === '/' ? '/index.html' : path}`)
  return file.startsWith(root + sep) ? file : null
}

/**
 * Whether a frame shows our own page: exactly the app:// origin, or in development the dev
 * server's origin (never any file:// page, which any downloaded file could be).
 */
export function isAppPage(url: string, devServerUrl?: string): boolean {
  const parsed = parse(url)
  if (!parsed) return false
  if (parsed.protocol === `${appScheme}:`) return parsed.host === appHost
  const dev = devServerUrl ? parse(devServerUrl) : null
  return dev !== null && parsed.origin === dev.origin
}

/**
 * The protocol handler: answers a request with the renderer file it names, 404 otherwise.
 * `fetchFile` reads a path (Electron: `net.fetch` of its file:// URL); `headers` are added to
 * every answer (the desktop Content-Security-Policy).
 */
export function appProtocolHandler(
  rendererDir: string,
  fetchFile: (path: string) => Promise<Response>,
  headers: Record<string, string> = {},
): (request: Request) => Promise<Response> {
  const answer = (response: Response) => {
    const merged = new Headers(response.headers)
    for (const [name, value] of Object.entries(headers)) merged.set(name, value)
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: merged,
    })
  }
  return async (request) => {
    const file = resolveAppFile(request.url, rendererDir)
    if (!file) return answer(new Response('Not found', { status: 404 }))
    try {
      return answer(await fetchFile(file))
    } catch {
      return answer(new Response('Not found', { status: 404 }))
    }
  }
}
