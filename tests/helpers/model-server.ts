import { readFileSync } from 'node:fs'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { demoModelPath } from './engine-harness'

export type Behaviour =
  | 'normal'
  /** Sends half, then drops the connection; later requests are answered normally. */
  | 'drop-halfway-once'
  /** Sends half, then sends nothing more and keeps the connection open. */
  | 'stall-halfway'
  /** Announces twice the bytes it sends. */
  | 'lie-about-size'
  | 'slow'
  /** Announces a petabyte. */
  | 'enormous'
  /** No Content-Length: the body is chunked. */
  | 'no-length'
  /** Answers a Range request with the whole file (200). */
  | 'ignore-range'
  /** Answers a Range request with 206 and a Content-Range that starts elsewhere. */
  | 'wrong-range'
  /** An HTML page under a .gguf name. */
  | 'html'

/**
 * A model server on 127.0.0.1 that serves the demo model with Range support and can misbehave
 * (see `Behaviour`) or redirect. `ranges` records each request's Range header, `hits` the
 * requests per name.
 */
export async function startModelServer() {
  const demo = readFileSync(demoModelPath)
  const behaviours = new Map<string, Behaviour>()
  const redirects = new Map<string, string>()
  const dropped = new Set<string>()
  const stalled = new Set<ServerResponse>()
  const ranges: (string | undefined)[] = []
  const hits = new Map<string, number>()
  const bodies = new Map<string, Buffer>()
  const listings = new Map<string, unknown>()
  const nextPages = new Map<string, string>()
  const authorizations: (string | undefined)[] = []
  /** Answers that need `Authorization: Bearer <token>` (a gated model). */
  const gated = new Map<string, string>()
  const server = createServer((request, response) => {
    const name = (request.url ?? '').slice(1)
    hits.set(name, (hits.get(name) ?? 0) + 1)
    authorizations.push(request.headers.authorization)
    const key = listings.has(name) ? name : (name.split('?')[0] ?? '')
    const listing = listings.get(key)
    const next = nextPages.get(key)
    const token = gated.get(name.split('?')[0] ?? '')
    if (token !== undefined && request.headers.authorization !== `Bearer ${token}`) {
      response.writeHead(401).end('gated')
      return
    }
    if (listing !== undefined) {
      response
        .writeHead(200, {
          'Content-Type': 'application/json',
          ...(next ? { Link: `<${base}/${next}>; rel="next"` } : {}),
        })
        .end(JSON.stringify(listing))
      return
    }
    const location = redirects.get(name)
    if (location) {
      response.writeHead(302, { Location: location }).end()
      return
    }
    const behaviour = behaviours.get(name)
    if (!behaviour) {
      response.writeHead(404).end('no such file')
      return
    }
    ranges.push(request.headers.range)
    const headers = {
      'Content-Type': 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      ETag: '"demo-1"',
    }
    if (behaviour === 'html') {
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><p>Not here')
      return
    }
    const body = bodies.get(name) ?? demo
    if (request.method === 'HEAD') {
      response.writeHead(200, { ...headers, 'Content-Length': body.length }).end()
      return
    }
    const asked = /bytes=(\d+)-/.exec(request.headers.range ?? '')?.[1]
    const start = behaviour === 'ignore-range' || asked === undefined ? 0 : Number(asked)
    const slice = body.subarray(start)
    if (behaviour === 'enormous') {
      response.writeHead(200, { ...headers, 'Content-Length': 2 ** 50 })
      response.write(body.subarray(0, 1024))
      return
    }
    if (behaviour === 'lie-about-size') {
      response.writeHead(200, { ...headers, 'Content-Length': body.length * 2 })
      response.end(body)
      return
    }
    if (behaviour === 'no-length') {
      response.writeHead(200, headers)
      response.end(body)
      return
    }
    const from = behaviour === 'wrong-range' ? 0 : start
    response.writeHead(start > 0 ? 206 : 200, {
      ...headers,
      'Content-Length': slice.length,
      ...(start > 0 ? { 'Content-Range': `bytes ${from}-${body.length - 1}/${body.length}` } : {}),
    })
    if (behaviour === 'drop-halfway-once' && !dropped.has(name)) {
      dropped.add(name)
      response.write(slice.subarray(0, Math.floor(slice.length / 2)), () =>
        response.socket?.destroy(),
      )
      return
    }
    if (behaviour === 'stall-halfway') {
      stalled.add(response)
      response.write(slice.subarray(0, Math.floor(slice.length / 2)))
      return
    }
    if (behaviour === 'slow') {
      let offset = 0
      const timer = setInterval(() => {
        if (response.destroyed) return clearInterval(timer)
        response.write(slice.subarray(offset, offset + 16 * 1024))
        offset += 16 * 1024
        if (offset >= slice.length) {
          clearInterval(timer)
          response.end()
        }
      }, 20)
      return
    }
    response.end(slice)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const base = `http://127.0.0.1:${port}`
  return {
    body: demo,
    ranges,
    hits,
    authorizations,
    port,
    base,
    /** Serves `name` (the demo model unless `body` is given) and returns its address. */
    serve: (name: string, behaviour: Behaviour, body?: Buffer) => {
      behaviours.set(name, behaviour)
      if (body) bodies.set(name, body)
      return `${base}/${name}`
    },
    /**
     * Answers `path` (with its query, else any query) with `value` as JSON, like Hugging Face's
     * file list; `next` names the following page in a Link header.
     */
    list: (path: string, value: unknown, next?: string) => {
      listings.set(path, value)
      if (next) nextPages.set(path, next)
    },
    /** `path` answers 401 unless the request carries this token. */
    gate: (path: string, token: string) => gated.set(path, token),
    /** `name` answers 302 to `location`. */
    redirect: (name: string, location: string) => {
      redirects.set(name, location)
      return `${base}/${name}`
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of stalled) response.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
