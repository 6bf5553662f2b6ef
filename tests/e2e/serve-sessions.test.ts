import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSampling } from '../../src/shared/schemas'
import type { SessionDocument } from '../../src/shared/sessions'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { connectBridge } from '../helpers/ws-bridge'

let serve: ServeProcess
beforeAll(async () => {
  serve = await startServe()
})
afterAll(() => serve.stop())

const now = new Date().toISOString()
const document: SessionDocument = {
  schemaVersion: 3,
  id: 'over-the-wire',
  title: 'Saved through the WebSocket',
  kind: 'completion',
  createdAt: now,
  updatedAt: now,
  system: '',
  model: null,
  settings: { sampling: defaultSampling, maxTokens: 32, topN: 10 },
  nodes: [
    { id: 'p', parentId: null, role: 'prompt', text: 'A token is', run: null, createdAt: now },
  ],
  currentLeafId: 'p',
}

describe('sessions through the serve host', () => {
  it('are saved in the data folder and read back by another client', async () => {
    const writer = await connectBridge(serve)
    await writer.updateSession({ id: document.id, intents: [{ type: 'created', document }] })
    writer.disconnect()
    expect(
      readdirSync(join(serve.dataDirectory, 'sessions')).some((n) => n.startsWith(document.id)),
    ).toBe(true)

    const reader = await connectBridge(serve)
    expect(await reader.listSessions()).toEqual([
      { id: document.id, title: document.title, kind: 'completion', updatedAt: now },
    ])
    expect(await reader.loadSession({ id: document.id })).toEqual(document)
    reader.disconnect()
  })
})
