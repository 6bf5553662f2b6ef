/**
 * The Content-Security-Policy the page is served with, as a response header. It adds to the
 * <meta> policy in index.html (a resource must pass both), so it can only make the page stricter.
 *
 * - desktop: the page talks to the engine over IPC through the preload, so it opens no
 *   connection at all: `connect-src 'none'`.
 * - serve: the page talks to the host over one WebSocket to the origin it was loaded from.
 */
export type PageMode = { kind: 'desktop' } | { kind: 'serve'; origin: string }

export function contentSecurityPolicy(mode: PageMode): string {
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    ['script-src', "'self'"],
    ['style-src', "'self'", "'unsafe-inline'"],
    ['img-src', "'self'", 'data:'],
    ['font-src', "'self'"],
    ['connect-src', ...connectSources(mode)],
    ['object-src', "'none'"],
    ['frame-src', "'none'"],
    // The app's own worker (Markdown parsed off the main thread); no other script runs as one.
    ['worker-src', "'self'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
  ]
  return directives.map((directive) => directive.join(' ')).join('; ')
}

function connectSources(mode: PageMode): string[] {
  if (mode.kind === 'desktop') return ["'none'"]
  const origin = new URL(mode.origin)
  if (origin.protocol !== 'http:' && origin.protocol !== 'https:') {
    throw new Error(`not a web origin: ${mode.origin}`)
  }
  // 'self' covers same-origin ws: in current browsers; the explicit origin covers the rest.
  const socket = `${origin.protocol === 'https:' ? 'wss' : 'ws'}://${origin.host}`
  return ["'self'", socket]
}
