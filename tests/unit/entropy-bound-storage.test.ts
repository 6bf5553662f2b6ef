import { describe, expect, it } from 'vitest'
import { parseSnapshot, snapshotText } from '../../src/main/host/session-file'
import { decodeTokens } from '../../src/main/host/session-token-decoding'
import { encodeTokens } from '../../src/main/host/session-token-encoding'
import type { GeneratedToken } from '../../src/shared/contract'
import { sessionFromJson, sessionToJson } from '../../src/shared/session-export'
import { packOutline } from '../../src/shared/session-outline-pack'
import { unpackOutline } from '../../src/shared/session-outline'
import { sessionDocumentSchema } from '../../src/shared/sessions'
import { storedDocument } from '../../src/shared/stored-document'
import { RunColumns } from '../../src/shared/token-columns'
import { completionSession, fakeToken } from '../helpers/session-fixture'

// A token whose entropy a run only bounded keeps its upper bound through every form a session
// takes; a token with an exact entropy gains none, and files without the field read as before.
const bounded = (i: number): GeneratedToken =>
  i % 3 === 1 ? { ...fakeToken(i), entropyUpperBits: 7.5 + i / 10 } : fakeToken(i)
const tokens = Array.from({ length: 12 }, (_, i) => bounded(i))
const prompt = [{ id: 1, text: 'A' }]

describe('a bounded entropy in a session', () => {
  it('survives the columns the host holds, and their prefixes', () => {
    const columns = RunColumns.from(tokens)
    expect(columns.tokens()).toEqual(tokens)
    expect(columns.prefix(5).tokens()).toEqual(tokens.slice(0, 5))
    const exactOnly = RunColumns.from([fakeToken(0)])
    expect(exactOnly.entropyUpperBits).toBeNull()
    expect(exactOnly.token(0)).not.toHaveProperty('entropyUpperBits')
  })

  it('survives the file columns and the snapshot', async () => {
    expect(decodeTokens(encodeTokens(prompt, tokens)).tokens).toEqual(tokens)
    const encoded = encodeTokens(prompt, [fakeToken(0)])
    expect('tokens' in encoded && encoded.tokens.entropyUpperBits).toBeUndefined()
    const doc = completionSession('s1', tokens)
    const buffers = await snapshotText(storedDocument(doc), 1, async () => undefined)
    const lines = Buffer.concat(buffers).toString('utf8').trim().split('\n')
    const read = sessionDocumentSchema.parse(parseSnapshot(lines).document)
    expect(read.nodes.find((n) => n.run)?.run?.tokens).toEqual(tokens)
  })

  it('survives the outline, the JSON export and its import', async () => {
    const doc = completionSession('s2', tokens)
    const outline = await unpackOutline(packOutline(storedDocument(doc)))
    const outlined = outline.nodes.find((n) => n.run)!.run!.tokens
    expect(outlined.map((t) => t.entropyUpperBits)).toEqual(tokens.map((t) => t.entropyUpperBits))
    expect(sessionFromJson(sessionToJson(doc))).toEqual({ ok: true, document: doc })
  })
})
