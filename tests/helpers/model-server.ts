import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { demoModelPath } from './engine-harness'

export type Behaviour = 'normal' | 'drop-halfway-once' | 'lie-about-size' | 'slow' | 'enormous'

/**
 * A model server on 127.0.0.1 that serves the demo model with Range support and can misbehave:
 * drop the connection halfway (once), announce more bytes than it sends, or trickle slowly.
 */
export async function startModelServer() {
  const body = readFileSync(demoModelPath)
  const behaviours = new Map<string, Behaviour>()
  const dropped = new Set<string>()
  const ranges: (string | undefined)[] = []
  const server: Server = createServer((request, response) => {
    const name = (request.url ?? '').slice(1)
    const behaviour = behaviours.get(name)
    if (!behaviour) {
      response.writeHead(404).end('no such file')
      return
    }
    ranges.push(request.headers.range)
    const start = Number(/bytes=(\d+)-/.exec(request.headers.range ?? '')?.[1] ?? 0)
    const slice = body.subarray(start)
    const headers = { 'Content-Type': 'application/octet-stream', 'Accept-Ranges': 'bytes' }
    if (behaviour === 'enormous') {
      // Announces a petabyte; the client must refuse before writing anything.
      response.writeHead(200, { ...headers, 'Content-Length': 2 ** 50 })
      response.write(body.subarray(0, 1024))
      return
    }
    if (behaviour === 'lie-about-size') {
      response.writeHead(200, { ...headers, 'Content-Length': body.length * 2 })
      response.end(body)
      return
    }
    response.writeHead(start > 0 ? 206 : 200, {
      ...headers,
      'Content-Length': slice.length,
      ...(start > 0 ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    })
    if (behaviour === 'drop-halfway-once' && !dropped.has(name)) {
      dropped.add(name)
      response.write(slice.subarray(0, Math.floor(slice.length / 2)), () =>
        response.socket?.destroy(),
      )
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
  return {
    body,
    ranges,
    serve: (name: string, behaviour: Behaviour) => {
      behaviours.set(name, behaviour)
      return `http://127.0.0.1:${port}/${name}`
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
