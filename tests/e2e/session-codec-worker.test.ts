import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeSessionText, workerDecoder } from '../../src/main/host/session-codec'
import { createSessionStore } from '../../src/main/host/session-store'
import { promptOnlySession } from '../helpers/session-fixture'

/** Built by `electron-vite build`, which `npm test` and `npm run test:e2e` run first. */
const builtWorker = resolve(__dirname, '../../out/main/session-codec.js')

const session = (id: string, text: string) => promptOnlySession(id, id, text)

/** Long enough to go to the worker (the prompt alone is 300,000 characters). */
const long = (id: string) => JSON.stringify(session(id, 'word '.repeat(60_000)))

describe('the built session decoder thread', () => {
  const decoders: ReturnType<typeof workerDecoder>[] = []
  afterAll(() => Promise.all(decoders.map((d) => d.close())))

  it('decodes long texts on the built worker thread, in the order they were given', async () => {
    expect(existsSync(builtWorker)).toBe(true)
    const decode = workerDecoder(builtWorker)
    decoders.push(decode)
    const results = await Promise.all([
      decode(long('first')),
      decode(JSON.stringify(session('short', 'hi'))),
      decode(long('second')),
      decode('not json'),
    ])
    expect(results.map((r) => (r.ok ? r.id : 'refused'))).toEqual([
      'first',
      'short',
      'second',
      'refused',
    ])
    // The two long texts went to the worker; the short and the broken one were quicker here.
    expect(decode.decodedOnWorker()).toBe(2)
    expect(results[0]).toEqual(decodeSessionText(long('first')))
  })

  it('is what a session store saves long texts with', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tokenscope-codec-'))
    const decode = workerDecoder(builtWorker)
    decoders.push(decode)
    const store = createSessionStore({ directory, decode })
    await store.saveSessionText({ uploadId: 'upload-1', offset: 0, text: long('kept'), last: true })
    expect(JSON.parse(readFileSync(join(directory, 'kept.json'), 'utf8'))).toEqual(
      JSON.parse(long('kept')),
    )
    expect(decode.decodedOnWorker()).toBe(1)
  })
})
