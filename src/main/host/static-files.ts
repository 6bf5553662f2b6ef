import { readFile } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
}

/**
 * Serves a file of the built renderer; never anything outside `root`. `headers` go with every
 * file served (the Content-Security-Policy).
 */
export async function sendStaticFile(
  root: string,
  pathname: string,
  response: ServerResponse,
  headers: Record<string, string> = {},
) {
  const decoded = decodePath(pathname === '/' ? '/index.html' : pathname)
  const file = decoded === null ? null : join(root, normalize(decoded))
  if (file === null || !file.startsWith(root + sep)) {
    response.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad path')
    return
  }
  try {
    const body = await readFile(file)
    response.writeHead(200, {
      'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    })
    response.end(body)
  } catch {
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found')
  }
}

/** Null for a broken escape such as `%E0%A4%A`, which decodeURIComponent throws on. */
function decodePath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname)
  } catch {
    return null
  }
}
