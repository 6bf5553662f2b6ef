import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startServe, type ServeProcess } from '../helpers/serve-process'

let serve: ServeProcess
beforeAll(async () => {
  serve = await startServe()
})
afterAll(() => serve.stop())

function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: serve.port, path, headers }, (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      })
      req.on('error', reject)
      req.end()
    },
  )
}

function openSocket(query: string, headers: Record<string, string> = {}) {
  return new Promise<'open' | number>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${serve.port}/rpc${query}`, { headers })
    ws.on('open', () => {
      ws.close()
      resolve('open')
    })
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('error', () => resolve(-1))
  })
}

/** Visits the printed URL; returns the session cookie it set, as a Cookie header value. */
async function sessionCookie(): Promise<string> {
  const res = await get(`/?token=${serve.token}`)
  return String(res.headers['set-cookie']).split(';')[0] ?? ''
}

describe('serve mode access control', () => {
  it('takes the key out of the address and lets the page in with a session id, not the key', async () => {
    const res = await get(`/?token=${serve.token}`)
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/')
    const cookie = String(res.headers['set-cookie'])
    expect(cookie).toMatch(
      new RegExp(
        `^tokenscope_session_${serve.port}=[\\w-]{32}; HttpOnly; SameSite=Strict; Path=/$`,
      ),
    )
    expect(cookie).not.toContain(serve.token)
    const page = await get('/', { Cookie: cookie.split(';')[0] ?? '' })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<div id="root">')
    // The page may open its one WebSocket back to this host, and no other connection.
    expect(String(page.headers['content-security-policy'])).toContain(
      `connect-src 'self' ws://127.0.0.1:${serve.port};`,
    )
    expect(await openSocket('', { Cookie: cookie.split(';')[0] ?? '' })).toBe('open')
  })

  it('refuses a wrong or missing token', async () => {
    expect((await get('/?token=wrong')).status).toBe(403)
    expect((await get('/')).status).toBe(403)
    expect((await get('/assets/anything.js')).status).toBe(403)
    expect(await openSocket('?token=wrong')).toBe(403)
    expect(await openSocket('')).toBe(403)
  })

  it('refuses the key itself as a cookie, and a session id of another port', async () => {
    expect(
      (await get('/', { Cookie: `tokenscope_session_${serve.port}=${serve.token}` })).status,
    ).toBe(403)
    const [, id] = (await sessionCookie()).split('=')
    expect((await get('/', { Cookie: `tokenscope_session_${serve.port + 1}=${id}` })).status).toBe(
      403,
    )
  })

  it('refuses a foreign Host header (DNS rebinding) and a foreign Origin', async () => {
    expect(
      (await get(`/?token=${serve.token}`, { Host: `evil.example:${serve.port}` })).status,
    ).toBe(421)
    expect((await get(`/?token=${serve.token}`, { Origin: 'http://evil.example' })).status).toBe(
      403,
    )
    expect(await openSocket(`?token=${serve.token}`, { Origin: 'http://evil.example' })).toBe(403)
    expect(await openSocket(`?token=${serve.token}`, { Origin: serve.origin })).toBe('open')
  })

  it('never serves files outside the app', async () => {
    for (const headers of [{}, { Cookie: await sessionCookie() }] as Record<string, string>[]) {
      const res = await get(`/..%2f..%2fpackage.json?token=${serve.token}`, headers)
      expect([400, 404]).toContain(res.status)
      expect(res.body).not.toContain('"name": "tokenscope"')
    }
    const res = await get('/..%2f..%2fpackage.json', { Cookie: await sessionCookie() })
    expect([400, 404]).toContain(res.status)
    expect(res.body).not.toContain('"name": "tokenscope"')
  })
})
