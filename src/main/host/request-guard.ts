import type { IncomingMessage } from 'node:http'

/**
 * The cookie that lets a page back in after its first visit. Browsers send cookies to every
 * port of a host, so the name carries the port (two hosts never overwrite each other's) and the
 * value is a random session id, never the key: another service on 127.0.0.1 that receives it
 * learns nothing that opens a later launch, nor the key itself.
 */
export const sessionCookieName = (port: number) => `tokenscope_session_${port}`

/** Session ids handed out by this launch. */
export interface BrowserSessions {
  issue(): string
  has(id: string): boolean
}

/**
 * Decides whether a request may reach the app. Only loopback Host names are served (a page on
 * another site cannot point its own domain at us: DNS rebinding), a cross-site Origin is
 * refused, and the per-launch key must come in the URL, or a session id issued for it in the
 * cookie.
 */
export function checkRequest(
  request: IncomingMessage,
  port: number,
  token: string,
  sessions: BrowserSessions,
):
  { ok: true; tokenFromUrl: boolean; target: URL } | { ok: false; status: number; reason: string } {
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`])
  const host = request.headers.host ?? ''
  if (!allowedHosts.has(host)) return { ok: false, status: 421, reason: 'unexpected Host header' }
  const origin = request.headers.origin
  if (origin !== undefined && !allowedHosts.has(origin.replace(/^https?:\/\//, ''))) {
    return { ok: false, status: 403, reason: 'cross-site request' }
  }
  const target = parseRequestTarget(request.url)
  if (!target) return { ok: false, status: 400, reason: 'malformed request target' }
  const fromUrl = target.searchParams.get('token')
  if (fromUrl !== null) {
    return safeEqual(fromUrl, token)
      ? { ok: true, tokenFromUrl: true, target }
      : { ok: false, status: 403, reason: 'wrong access token' }
  }
  const cookie = parseCookies(request.headers.cookie ?? '')[sessionCookieName(port)]
  if (cookie !== undefined && sessions.has(cookie)) {
    return { ok: true, tokenFromUrl: false, target }
  }
  return { ok: false, status: 403, reason: 'missing access token' }
}

/**
 * The path and query of a request line, or null when it is not one we serve. Only the
 * origin form (`/path?query`) is accepted; it is parsed against a fixed origin, so `//x` stays
 * a path rather than naming another host, and a target that is no URL at all is not an error.
 */
export function parseRequestTarget(raw: string | undefined): URL | null {
  if (raw === undefined || !raw.startsWith('/')) return null
  try {
    return new URL(`http://localhost${raw}`)
  } catch {
    return null
  }
}

function parseCookies(header: string): Record<string, string> {
  const cookies: Record<string, string> = {}
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name) cookies[name] = rest.join('=')
  }
  return cookies
}

function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
