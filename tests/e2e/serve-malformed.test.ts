import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { connectBridge } from '../helpers/ws-bridge'

let serve: ServeProcess
beforeAll(async () => {
  serve = await startServe()
})
afterAll(() => serve.stop())

/** Sends `text` as it is over TCP; the status code of the reply, or 0 when the host sent none. */
function rawRequest(text: string | Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(serve.port, '127.0.0.1')
    let reply = ''
    const done = () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0))
    socket.setTimeout(5_000, () => socket.destroy())
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')))
    socket.on('close', done)
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' ? done() : reject(error),
    )
    // Not end(): the host closes a half-closed connection before an asynchronous reply.
    socket.write(text)
  })
}

const request = (target: string, headers = ''): string =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${serve.port}\r\n${headers}Connection: close\r\n\r\n`

async function expectStillServing() {
  // The printed address answers with the app's address without the key, and a session cookie.
  expect(await rawRequest(request(`/?token=${serve.token}`))).toBe(303)
  const client = await connectBridge(serve)
  try {
    expect((await client.getStatus()).state).toBeTypeOf('string')
  } finally {
    client.disconnect()
  }
}

/** Opens an RPC socket with the key, sends one message, returns the code the host closed with. */
async function sendOnSocket(message: string | Buffer, binary: boolean): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${serve.port}/rpc?token=${serve.token}`)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
  ws.send(message, { binary })
  return closed
}

const upgrade = (target: string): string =>
  request(
    target,
    'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n',
  )

type RawCase = readonly [name: string, text: () => string | Buffer, statuses: readonly number[]]

describe('the serve host survives malformed input', () => {
  it.each<RawCase>([
    ['a target that is no URL, without the key', () => request('//%5B'), [400, 403]],
    ['a target that is no URL, with the key', () => request(`//%5B?token=${serve.token}`), [404]],
    ['a broken escape, without the key', () => request('/%E0%A4%A'), [403]],
    ['a broken escape, with the key', () => request(`/%E0%A4%A?token=${serve.token}`), [400]],
    ['an absolute-form target', () => request(`http://evil.example/?token=${serve.token}`), [400]],
    ['a WebSocket upgrade to a target that is no URL', () => upgrade('//%5B'), [400, 403]],
    [
      'a WebSocket upgrade to a broken escape, with the key',
      () => upgrade(`/%E0%A4%A?token=${serve.token}`),
      [404],
    ],
    ['a 100 kB header', () => request('/', `X-Big: ${'a'.repeat(100_000)}\r\n`), [431]],
    ['a control character in a header', () => request('/', 'X-Bad: a\u0001b\r\n'), [400]],
    ['a negative Content-Length', () => request('/', 'Content-Length: -1\r\n'), [400]],
    ['no Host header', () => `GET /?token=${serve.token} HTTP/1.1\r\n\r\n`, [400, 421]],
    ['a request line of garbage', () => '\u0000\u00ff}{ garbage\r\n\r\n', [400]],
    ['binary noise', () => Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a]), [400]],
  ])('%s', async (_name, text, statuses) => {
    expect(statuses).toContain(await rawRequest(text()))
    await expectStillServing()
  })

  it.each([
    ['text that is not JSON', '{not json', false],
    ['null', 'null', false],
    ['a number', '123', false],
    ['a binary frame', Buffer.from([0, 1, 2, 0xff]), true],
    ['a large JSON that is not an RPC message', JSON.stringify({ x: 'y'.repeat(3 << 20) }), false],
    ['a call of a method off the contract', '{"t":"q","m":"constructor","a":[],"i":"1"}', false],
    ['a call whose arguments are no list', '{"t":"q","m":"getStatus","a":7,"i":"1"}', false],
  ] as const)(
    'closes a WebSocket that sends %s, and only that one',
    async (_name, message, binary) => {
      expect([1003, 1007, 1008]).toContain(await sendOnSocket(message, binary))
      await expectStillServing()
    },
  )

  it('still refuses what the access rules refuse', async () => {
    const withKey = `/?token=${serve.token}`
    expect(await rawRequest(request(withKey, 'Origin: null\r\n'))).toBe(403)
    expect(await rawRequest(request(withKey, 'Origin: http://evil.example\r\n'))).toBe(403)
    expect(
      await rawRequest(
        upgrade(`/rpc?token=${serve.token}`).replace('Host: 127.0.0.1', 'Host: evil.example'),
      ),
    ).toBe(421)
    expect(await rawRequest(request(`/..%2f..%2fpackage.json?token=${serve.token}`))).toBe(404)
    expect(await rawRequest(request(`/%2e%2e/%2e%2e/package.json?token=${serve.token}`))).toBe(404)
  })

  it('needed no last-resort handler for any of it', () => {
    expect(serve.output()).not.toMatch(/unexpected (error|rejection)/)
  })
})
