import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toAppError } from '../../src/shared/errors'
import { defaultSampling } from '../../src/shared/schemas'
import { cutIntoPieces } from '../../src/shared/session-json'
import type { SessionDocument } from '../../src/shared/sessions'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { connectBridge } from '../helpers/ws-bridge'

let serve: ServeProcess
beforeAll(async () => {
  serve = await startServe()
})
afterAll(() => serve.stop())

const now = new Date().toISOString()

/** A Completion session whose JSON is about `megabytes` MB: more than one message may carry. */
function bigSession(id: string, title: string, megabytes: number): SessionDocument {
  const candidate = (i: number) => ({
    id: i,
    text: ` "w${i}"`,
    logit: 10 - i / 7,
    modelProb: 1 / (i + 2),
    samplingProb: 0,
  })
  const count = Math.ceil((megabytes * 1e6) / 2200)
  return {
    schemaVersion: 1,
    id,
    title,
    kind: 'completion',
    createdAt: now,
    updatedAt: now,
    system: '',
    model: null,
    settings: { sampling: defaultSampling, maxTokens: 8192, topN: 20 },
    nodes: [
      { id: 'p', parentId: null, role: 'prompt', text: 'A token is', run: null, createdAt: now },
      {
        id: 'c',
        parentId: 'p',
        role: 'completion',
        text: 'done',
        run: {
          prompt: [{ id: 1, text: 'A' }],
          tokens: Array.from({ length: count }, (_, position) => ({
            ...candidate(position % 100),
            position,
            rank: 1,
            entropyBits: 1.5,
            alternatives: Array.from({ length: 20 }, (_, i) => candidate(i)),
            tailMass: 0.01,
          })),
          stopReason: 'max-tokens',
          sampling: defaultSampling,
          tokensPerSecond: null,
          timeToFirstTokenMs: null,
        },
        createdAt: now,
      },
    ],
    currentLeafId: 'c',
  }
}

/** Sends `text` as the UI does: 64 K pieces, several on their way at once. */
async function upload(
  bridge: Awaited<ReturnType<typeof connectBridge>>,
  uploadId: string,
  text: string,
) {
  const pieces = cutIntoPieces(text, 64 * 1024)
  let offset = 0
  const sent = pieces.map((piece, i) => {
    const call = bridge.saveSessionText({
      uploadId,
      offset,
      text: piece,
      last: i === pieces.length - 1,
    })
    offset += piece.length
    return call.then(
      () => null,
      (e: unknown) => toAppError(e),
    )
  })
  return (await Promise.all(sent)).find((error) => error !== null) ?? null
}

describe('large sessions through the serve host', () => {
  it('arrive in pieces, are validated and written whole, and read back the same', async () => {
    const bridge = await connectBridge(serve)
    const doc = bigSession('big-upload', 'Six megabytes', 6)
    const text = JSON.stringify(doc)
    expect(text.length).toBeGreaterThan(4 * 1024 * 1024)
    expect(await upload(bridge, 'upload-big-1', text)).toBeNull()
    const file = join(serve.dataDirectory, 'sessions', 'big-upload.json')
    expect(readFileSync(file, 'utf8')).toBe(text)

    // An invalid version is refused whole, and the saved one stays as it was.
    const invalid = text.replace('"stopReason":"max-tokens"', '"stopReason":"bored"')
    const error = await upload(bridge, 'upload-big-2', invalid)
    expect(error?.code).toBe('invalid-request')
    expect(error?.message).toMatch(/Invalid session/)
    expect(readFileSync(file, 'utf8')).toBe(text)
    expect(await bridge.loadSession({ id: 'big-upload' })).toEqual(doc)

    // An upload left halfway (its sender gone) does not get in the way of the next save.
    await bridge.saveSessionText({
      uploadId: 'upload-left',
      offset: 0,
      text: text.slice(0, 1000),
      last: false,
    })
    bridge.disconnect()
    const next = await connectBridge(serve)
    const renamed = { ...doc, title: 'Renamed' }
    expect(await upload(next, 'upload-big-3', JSON.stringify(renamed))).toBeNull()
    expect((await next.listSessions()).find((s) => s.id === 'big-upload')?.title).toBe('Renamed')
    next.disconnect()
  })
})
