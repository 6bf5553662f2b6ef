import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeSessionText, workerDecoder } from '../../src/main/host/session-codec'
import { promptOnlySession } from '../helpers/session-fixture'

const session = (id: string, text: string) => promptOnlySession(id, id, text)

/** Long enough to go to the worker (the prompt alone is 300,000 characters). */
const long = (id: string) => JSON.stringify(session(id, 'word '.repeat(60_000)))

describe('the session decoder', () => {
  it('returns the id and the validated text, or why the text was refused', () => {
    const doc = session('s1', 'A token is')
    expect(decodeSessionText(JSON.stringify({ ...doc, stray: 1 }))).toEqual({
      ok: true,
      id: 's1',
      json: JSON.stringify(doc),
    })
    expect(decodeSessionText('{"id": ')).toMatchObject({ ok: false, message: /not JSON/ })
    expect(decodeSessionText('{"id": "x"}')).toMatchObject({
      ok: false,
      message: /^Invalid session/,
    })
  })

  const decoders: ReturnType<typeof workerDecoder>[] = []
  afterAll(() => Promise.all(decoders.map((d) => d.close())))

  it('decodes on this thread when the worker cannot start', async () => {
    const decode = workerDecoder(join(tmpdir(), 'no-such-worker.js'))
    decoders.push(decode)
    expect(await decode(long('here'))).toMatchObject({ ok: true, id: 'here' })
    expect(decode.decodedOnWorker()).toBe(0)
  })
})
