import { describe, expect, it } from 'vitest'
import { decodeClientFrame, isClientRpcMessage } from '../../src/main/host/client-messages'
import { parseRequestTarget } from '../../src/main/host/request-guard'

describe('parseRequestTarget', () => {
  it('reads the path and query of an origin-form target', () => {
    const target = parseRequestTarget('/assets/a.js?token=abc')
    expect(target?.pathname).toBe('/assets/a.js')
    expect(target?.searchParams.get('token')).toBe('abc')
  })

  it('keeps `//host` a path instead of another host, and never throws', () => {
    expect(parseRequestTarget('//%5B')?.pathname).toBe('//%5B')
    expect(parseRequestTarget('//evil.example/x')?.host).toBe('localhost')
    expect(parseRequestTarget('/%E0%A4%A')?.pathname).toBe('/%E0%A4%A')
  })

  it('refuses what is not an origin-form target', () => {
    for (const raw of [undefined, '', '*', 'http://evil.example/', 'evil.example:80']) {
      expect(parseRequestTarget(raw)).toBeNull()
    }
  })
})

describe('client WebSocket messages', () => {
  const frame = (text: string) => decodeClientFrame(Buffer.from(text), false)

  it('passes calls of the contract and replies, decoded', () => {
    const call = { t: 'q', m: 'getStatus', a: [], i: 'id1' }
    expect(frame(JSON.stringify(call))).toEqual({ ok: true, message: call })
    expect(isClientRpcMessage({ t: 'q', m: 'cancel', a: [{ runId: 'r' }] })).toBe(true)
    expect(isClientRpcMessage({ t: 's', i: 'id1', r: 1 })).toBe(true)
  })

  it('gives a close code for everything else', () => {
    expect(decodeClientFrame(Buffer.from('{}'), true)).toMatchObject({ ok: false, code: 1003 })
    expect(frame('{not json')).toMatchObject({ ok: false, code: 1007 })
    for (const text of ['null', '123', '"q"', '[]', '{}', '{"t":"s"}', '{"t":"s","i":5}']) {
      expect(frame(text), text).toMatchObject({ ok: false, code: 1008 })
    }
    for (const m of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'nope']) {
      expect(frame(JSON.stringify({ t: 'q', m, a: [], i: '1' })), m).toMatchObject({ code: 1008 })
    }
    expect(frame('{"t":"q","m":"getStatus","a":{}}')).toMatchObject({ code: 1008 })
  })

  it('reads a fragmented text message', () => {
    const parts = [Buffer.from('{"t":"q","m":"getSt'), Buffer.from('atus","a":[]}')]
    expect(decodeClientFrame(parts, false)).toMatchObject({ ok: true })
  })
})
